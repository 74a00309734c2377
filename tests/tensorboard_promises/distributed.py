"""Lesson distributed: the chief writes one run for the cluster (graph, the shared weights'
summaries, the cluster's speed), one per worker (its loss, accuracy, speed and steps, read
from the parameter server), validation and test.

Which global steps the chief's summaries land on depends on how the workers' steps
interleave (asynchronous SGD), so the steps promised are the ones the chief says it wrote;
the tags, runs and graph boxes are fixed."""

from tensorboard_promises import Promise, layer_histograms, SUMMARY_EVERY

NEEDS = "mnist"
WORKERS = 2
SCOPES = ("inputs", "relu_layer", "logit_layer", "cross_entropy", "gradients", "sgd_trainer",
          "evaluation", "save", "workers", "done")
WORKER_TAGS = {"loss", "accuracy", "examples_per_second", "steps_contributed"}


def flags(data):
    return ["--data-dir", data, "--epochs", "1", "--train-size", "500",
            "--summary-every", str(SUMMARY_EVERY), "--workers", str(WORKERS)]


def promises(result):
    written = result["scalar_steps"]     # {run: {tag: [global steps]}}
    net = result["summary_steps"]        # where the network's own summaries went
    final = result["global_step"]
    runs = {"cluster": Promise(
        graph_scopes=SCOPES,
        scalars={"loss": net, "accuracy": net,
                 "examples_per_second": written["cluster"]["examples_per_second"]},
        histograms=layer_histograms(["relu_layer", "logit_layer"], net),
        images={"inputs/digits": (None, net), "relu_layer/weight_maps": (16, net)})}
    for i in range(result["workers"]):
        tags = written[f"worker_{i}"]
        # Every worker's four curves exist, each ending at the final step (its last report).
        assert set(tags) == WORKER_TAGS and all(s[-1] == final for s in tags.values()), tags
        runs[f"worker_{i}"] = Promise(scalars=tags, scalar_last={
            "steps_contributed": result["steps_per_worker"][i]})
    runs["validation"] = Promise(scalars=written["validation"],
                                 scalar_last={"accuracy": result["validation_accuracy"]})
    runs["test"] = Promise(scalars={"accuracy": [final], "loss": [final]},
                           scalar_last={"accuracy": result["test_accuracy"]})
    return runs
