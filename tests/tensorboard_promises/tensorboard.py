"""Lesson tensorboard: a sweep folder (HParams) holding one run per learning rate, each with
its graph and traced step, train and test runs."""

import math
import re
from pathlib import Path

from tensorboard_promises import Promise, layer_histograms, summary_steps, SUMMARY_EVERY

NEEDS = "mnist"
TRAIN_SIZE, EPOCHS = 500, 1
LEARNING_RATES = (0.01, 0.1)
SCOPES = ("inputs", "relu_layer", "logit_layer", "cross_entropy", "gradients", "sgd_trainer",
          "evaluation", "save")


def flags(data):
    return ["--data-dir", data, "--epochs", str(EPOCHS), "--train-size", str(TRAIN_SIZE),
            "--summary-every", str(SUMMARY_EVERY), "--hidden", "32",
            "--learning-rates", *map(str, LEARNING_RATES)]


def doc_run(sub):
    return re.sub(r"^lr_[^/]+", "lr_<rate>", sub)


def promises(result):
    from lessons import tensorboard as module
    steps = math.ceil(TRAIN_SIZE / module.BATCH_SIZE) * EPOCHS
    train = [1, *summary_steps(steps)]        # step 1 is the traced step, with summaries
    runs = {"": Promise()}                    # the sweep folder: the HParams experiment
    for trial in result["trials"]:
        lr = trial["learning_rate"]
        name = Path(trial["run_dir"]).name    # lr_0.01
        runs[name] = Promise(graph_scopes=SCOPES, run_metadata=("step_1",))
        runs[f"{name}/train"] = Promise(
            scalars={"accuracy": train, "loss": train, "sgd_trainer/learning_rate": train},
            scalar_values={"sgd_trainer/learning_rate": [lr] * len(train)},
            histograms={**layer_histograms(["relu_layer", "logit_layer"], train),
                        **{f"gradients/{layer}_{var}": train
                           for layer in ("relu_layer", "logit_layer")
                           for var in ("weights", "biases")}},
            images={"inputs/digits": (None, train),
                    "relu_layer/weight_maps": (16, train)},
            # the sweep's flags, and this trial's own rate as a table cell
            text={"settings": ["learning_rates", "hidden", f"<code>{lr:g}</code>"]})
        runs[f"{name}/test"] = Promise(
            scalars={"accuracy": [steps], "loss": [steps]},
            scalar_last={"accuracy": trial["test_accuracy"]},
            images={"misclassified/": (None, [steps])})
    return runs
