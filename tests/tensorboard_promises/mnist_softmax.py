"""Lesson mnist_softmax: train, validation and test runs; the logit layer's pictures."""

from tensorboard_promises import Promise, layer_histograms, summary_steps, SUMMARY_EVERY

NEEDS = "mnist"
SCOPES = ("inputs", "logit_layer", "softmax", "cross_entropy", "gradients", "sgd_trainer",
          "evaluation", "save")


def flags(data):
    return ["--data-dir", data, "--epochs", "1", "--train-size", "500",
            "--summary-every", str(SUMMARY_EVERY)]


def promises(result):
    steps = result["steps"]
    train = summary_steps(steps)
    return {
        "train": Promise(
            graph_scopes=SCOPES,
            scalars={"accuracy": train, "loss": train},
            histograms=layer_histograms(["logit_layer"], train, activations=False),
            images={"inputs/digits": (None, train),
                    "logit_layer/weight_maps": (10, train)}),   # one picture per digit
        "validation": Promise(scalars={"accuracy": [steps], "loss": [steps]}),
        "test": Promise(scalars={"accuracy": [steps], "loss": [steps]},
                        scalar_last={"accuracy": result["test_accuracy"]}),
    }
