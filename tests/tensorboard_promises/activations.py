"""Lesson activations: the neuron's run (its graph, the figures of the seven functions) and
one train/test pair of runs per function raced on mnist_dense's network."""

import math
import re

from tensorboard_promises import Promise, summary_steps, SUMMARY_EVERY

NEEDS = "mnist"
COMPARE = ("step", "relu")
TRAIN_SIZE, EPOCHS = 200, 1
FUNCTIONS = ("step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "maxout")


def flags(data):
    return ["--data-dir", data, "--compare", *COMPARE, "--train-size", str(TRAIN_SIZE),
            "--epochs", str(EPOCHS), "--hidden", "16", "--summary-every", str(SUMMARY_EVERY)]


def doc_run(sub):
    return re.sub(r"^dense_[a-z_]+/", "dense_<activation>/", sub)


def promises(result):
    from lessons.activations import BATCH_SIZE      # mnist_dense's, which the race uses
    steps = math.ceil(TRAIN_SIZE / BATCH_SIZE) * EPOCHS
    runs = {"neuron": Promise(
        graph_scopes=("neuron", "curves", "functions", "derivatives"),
        graph_nodes=("neuron/pesos", "neuron/vies", "neuron/weighted_sum",
                     "neuron/funcao_de_ativacao/output", "functions/maxout/pieces/piece_1",
                     "functions/maxout/pieces/piece_2"),
        images={"neuron": (1, [0]), **{f"functions/{name}": (1, [0])
                                       for name in (*FUNCTIONS, "all")}})}
    for race in result["comparison"]:
        name = race["activation"]
        runs[f"dense_{name}/train"] = Promise(
            graph_scopes=("inputs", "logit_layer", "cross_entropy", "gradients",
                          "sgd_trainer"),
            scalars={"accuracy": summary_steps(steps), "loss": summary_steps(steps)},
            histograms={"hidden_layer_weights": summary_steps(steps)})
        runs[f"dense_{name}/test"] = Promise(
            scalars={"accuracy": [steps], "loss": [steps]},
            scalar_last={"accuracy": race["test_accuracy"]})
    return runs
