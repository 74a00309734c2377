"""Lesson transfer_learning: the base it trains itself (base/train, base/validation,
base/test: scalars and graph), and per number of images per digit four few-shot runs side by
side, each with its graph (the restored `base`, the new `head`) and its loss and accuracy."""

import re

from tensorboard_promises import Promise, summary_steps, SUMMARY_EVERY

NEEDS = "mnist"
STEPS = 10
FEW_SHOT = ("inputs", "base", "head", "cross_entropy", "gradients", "adam_trainer",
            "evaluation")


def flags(data):
    return ["--data-dir", data, "--epochs", "1", "--train-size", "600", "--batch-size", "50",
            "--images-per-digit", "5", "--steps", str(STEPS),
            "--summary-every", str(SUMMARY_EVERY)]


def doc_run(sub):
    return re.sub(r"^\d+_per_digit", "<n>_per_digit", sub)


def promises(result):
    from lessons.transfer_learning import EVAL_EVERY
    base_steps = result["base_result"]["steps"]
    base_train = summary_steps(base_steps)
    runs = {
        "base/train": Promise(
            graph_scopes=("inputs", "conv1_1", "fc4", "fc5", "adam_trainer", "save"),
            scalars={"accuracy": base_train, "loss": base_train,
                     "schedule/learning_rate": base_train}),
        "base/validation": Promise(scalars={"accuracy": [base_steps], "loss": [base_steps]}),
        "base/test": Promise(scalars={"accuracy": [base_steps], "loss": [base_steps]}),
    }
    evaluated = sorted({*range(EVAL_EVERY, STEPS + 1, EVAL_EVERY), STEPS})
    for n, row in result["by_size"].items():
        for variant, r in row.items():
            restored = variant != "scratch"
            backward_conv = variant in ("scratch", "fine_tuned")
            runs[f"{n}_per_digit/{variant}"] = Promise(
                graph_scopes=FEW_SHOT + (("restore_base",) if restored else ()),
                graph_ops={"gradients": {"Conv2DBackpropFilter"}} if backward_conv else {},
                scalars={"loss": summary_steps(STEPS), "accuracy": evaluated},
                scalar_last={"accuracy": r["accuracy"]})
    return runs
