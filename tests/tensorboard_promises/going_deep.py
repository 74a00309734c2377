"""Lesson going_deep: the slide's VGGNet16 as a run of its own (a graph, nothing else); the
digit network's train, validation and test runs, every layer's weights and activations, the
first layer's filters, one digit's feature maps after each block, the misclassified digits."""

from tensorboard_promises import Promise, summary_steps, SUMMARY_EVERY

NEEDS = "mnist"
VGG16_SCOPES = ("inputs", "conv1_1", "conv1_2", "pool1", "conv2_1", "conv2_2", "pool2",
                "conv3_1", "conv3_2", "conv3_3", "pool3", "conv4_1", "conv4_2", "conv4_3",
                "pool4", "conv5_1", "conv5_2", "conv5_3", "pool5", "flatten", "fc6", "fc7",
                "fc8", "softmax")
LAYERS = ("conv1_1", "conv1_2", "conv2_1", "conv2_2", "conv3_1", "conv3_2", "fc4", "fc5")
SCOPES = ("inputs", "conv1_1", "conv1_2", "pool1", "conv2_1", "conv2_2", "pool2", "conv3_1",
          "conv3_2", "pool3", "flatten", "fc4", "fc5", "cross_entropy", "gradients",
          "adam_trainer", "schedule", "evaluation", "save")


def flags(data):
    return ["--data-dir", data, "--epochs", "1", "--train-size", "500", "--batch-size", "50",
            "--summary-every", str(SUMMARY_EVERY)]


def promises(result):
    steps = result["steps"]
    train = summary_steps(steps)
    histograms = {f"{layer}/{kind}": train for layer in LAYERS
                  for kind in ("weights/histogram", "activations")}
    return {
        "vgg16": Promise(graph_scopes=VGG16_SCOPES),
        "train": Promise(
            graph_scopes=SCOPES,
            scalars={"accuracy": train, "loss": train, "schedule/learning_rate": train},
            histograms=histograms,
            images={"inputs/digits": (None, train), "conv1_1/filters": (1, train)}),
        "validation": Promise(scalars={"accuracy": [steps], "loss": [steps]}),
        "test": Promise(
            scalars={"accuracy": [steps], "loss": [steps]},
            scalar_last={"accuracy": result["test_accuracy"]},
            images={**{tag: (1, [steps]) for tag in result["feature_map_tags"]},
                    "misclassified/": (len(result["misclassified_tags"]), [steps])}),
    }
