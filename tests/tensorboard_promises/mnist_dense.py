"""Lesson mnist_dense: train, validation and test runs; both layers' histograms; the
misclassified digits in the test run."""

from tensorboard_promises import Promise, layer_histograms, summary_steps, SUMMARY_EVERY

NEEDS = "mnist"
SCOPES = ("inputs", "relu_layer", "logit_layer", "cross_entropy", "gradients", "sgd_trainer",
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
            histograms=layer_histograms(["relu_layer", "logit_layer"], train),
            images={"inputs/digits": (None, train),
                    "relu_layer/weight_maps": (16, train)}),    # 16 hidden neurons
        "validation": Promise(scalars={"accuracy": [steps], "loss": [steps]}),
        "test": Promise(scalars={"accuracy": [steps], "loss": [steps]},
                        scalar_last={"accuracy": result["test_accuracy"]},
                        images={"misclassified/": (len(result["misclassified_tags"]),
                                                   [steps])}),
    }
