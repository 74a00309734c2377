"""Lesson playground: runs train and test, the heatmap replayed frame by frame in both, the
network's neurons at the same frames, the loss curves, the Playground's graph and the
experiment's settings."""

from tensorboard_promises import Promise

NEEDS = None
EPOCHS, FRAMES = 12, 4
SCOPES = ("data", "features", "hidden_1", "hidden_2", "output", "loss", "gradients",
          "trainer", "accuracy")


def flags(data):
    return ["--epochs", str(EPOCHS), "--frames", str(FRAMES)]


def promises(result):
    epochs = list(range(result["epochs"] + 1))       # one point per epoch, 0 = untrained
    frames = result["frames"]
    return {
        "train": Promise(
            graph_scopes=SCOPES,
            graph_ops={"trainer": {"AssignSubVariableOp"}},
            scalars={"loss": epochs, "accuracy": epochs},
            scalar_last={"loss": result["train_loss"], "accuracy": result["train_accuracy"]},
            images={"output/heatmap": (1, frames), "network/neurons": (1, frames)},
            text={"experiment": ["networkShape", "playground.tensorflow.org"]}),
        "test": Promise(
            scalars={"loss": epochs, "accuracy": epochs},
            scalar_last={"loss": result["test_loss"], "accuracy": result["test_accuracy"]},
            images={"output/heatmap": (1, frames)}),
    }
