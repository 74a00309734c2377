"""Lesson ml101: one run per model (linear_regression, nearest_neighbour, k_means), each with
its own graph, its scalars and its pictures."""

from tensorboard_promises import Promise

NEEDS = "mnist"
EPOCHS, TRAIN_SIZE, ITERATIONS, K = 40, 1000, 6, 3


def flags(data):
    return ["--data-dir", data, "--epochs", str(EPOCHS), "--train-size", str(TRAIN_SIZE),
            "--iterations", str(ITERATIONS), "--k", str(K)]


def promises(result):
    regression = result["linear_regression"]
    steps = list(range(regression["steps"] + 1))           # step 0 = the line before training
    nn = result["nearest_neighbour"]
    km = result["k_means"]
    iterations = list(range(km["iterations"] + 1))       # step 0: the random start
    return {
        "linear_regression": Promise(
            graph_scopes=("data", "normal_equations", "model", "mean_squared_error",
                          "gradients", "sgd_trainer"),
            graph_ops={"normal_equations": {"MatrixSolve"}},
            scalars={"loss": steps, "slope": steps, "intercept": steps},
            scalar_last={"loss": regression["losses"][-1],
                         "slope": regression["gradient_descent"][0],
                         "intercept": regression["gradient_descent"][1]},
            images={"fit": (1, [0, 1, 3, 10, 30, 40])}),        # 0, 1, 3, 10, 30, last
        "nearest_neighbour": Promise(
            graph_scopes=("memory", "queries", "distance", "nearest", "vote", "evaluation"),
            graph_ops={"nearest": {"TopKV2"}},
            graph_nodes=("memory/remember",),
            scalars={"accuracy": [K]},                     # one point, at step k
            scalar_values={"accuracy": [nn["accuracy"]]},
            images={"right": (1, [K]), "wrong": (1, [K])}),
        "k_means": Promise(
            graph_scopes=("points", "centroids", "assign", "update"),
            graph_ops={"assign": {"ArgMin"}, "update": {"OneHot", "MatMul"}},
            scalars={"mean_squared_distance": iterations, "changed": iterations,
                     "purity": iterations},
            scalar_last={"purity": km["purity"]},
            images={"centroids": (1, [0, km["iterations"]])}),
    }
