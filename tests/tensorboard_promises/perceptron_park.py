"""Lesson perceptron_park: one run, its graph, a point per row, a decision grid per epoch."""

from tensorboard_promises import Promise

NEEDS = None


def flags(data):
    return []


def promises(result):
    steps, epochs = result["steps"], result["epochs"]
    rows = list(range(1, steps + 1))                  # "one point per row"
    per_epoch = steps // epochs
    return {"": Promise(
        graph_scopes=("inputs", "perceptron", "error", "update", "decision"),
        graph_ops={"update": {"Sub", "Mul", "AssignAddVariableOp"}},
        graph_nodes=("perceptron/weights", "perceptron/bias"),
        scalars={"error/squared_error": rows, "perceptron/w1": rows, "perceptron/w2": rows},
        scalar_last={"error/squared_error": 0.0,      # "reaching 0 and staying there"
                     "perceptron/w1": result["weights"][0],
                     "perceptron/w2": result["weights"][1]},
        images={"decision/days": (1, [per_epoch * e for e in range(1, epochs + 1)])})}
