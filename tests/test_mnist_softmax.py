"""Lesson mnist_softmax: graph shapes, learning real digits, a digit's table readable at any rate, README figure."""

import re
from pathlib import Path

from conftest import static_shapes

from lessons import mnist_softmax
from tfgraph import new_graph


def test_softmax_graph_shapes_without_training():
    graph = new_graph(0)
    with graph.as_default():
        net = mnist_softmax.build_graph()
    assert static_shapes(net, skip=("train_op", "summary")) == {
        "x": [None, 784], "y": [None, 10], "weights": [784, 10], "biases": [10],
        "logits": [None, 10], "probabilities": [None, 10], "loss": [], "accuracy": [],
        "global_step": []}
    assert net.x.op.name == "inputs/x" and net.y.op.name == "inputs/y"
    assert net.weights.name == "logit_layer/weights:0"
    assert net.biases.name == "logit_layer/biases:0"
    assert net.loss.name == "cross_entropy/loss:0"
    assert net.accuracy.name == "evaluation/accuracy:0"
    assert net.train_op.type == "AssignAddVariableOp" or net.train_op.name.startswith("sgd_trainer")


def test_softmax_learns_on_small_real_data(tmp_path, shared_mnist_dir, events):
    result = mnist_softmax.main(["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
                                 "--epochs", "2", "--train-size", "2000",
                                 "--summary-every", "10"])
    assert result["test_accuracy"] > 0.80          # chance is 0.10
    assert result["epochs"] == 2 and result["steps"] == 40
    assert abs(sum(result["example"]["probabilities"]) - 1) < 1e-5
    run = tmp_path / "mnist_softmax" / result["run_dir"].split("/")[-1]
    train = events(run / "train")
    losses = [e.value for e in train.Scalars("loss")]
    assert len(losses) == 4 and losses[-1] < losses[0]
    nodes = {n.name.split("/")[0] for n in train.Graph().node}
    assert {"inputs", "logit_layer", "softmax", "cross_entropy", "gradients",
            "sgd_trainer", "evaluation"} <= nodes
    tags = train.Tags()
    assert {"loss", "accuracy"} <= set(tags["scalars"])
    assert {"logit_layer/weights/histogram", "logit_layer/biases/histogram"} <= set(
        tags["histograms"])
    assert len([t for t in tags["images"] if t.startswith("logit_layer/weight_maps")]) == 10
    assert len([t for t in tags["images"] if t.startswith("inputs/digits")]) == 4
    for split in ("validation", "test"):
        acc = events(run / split)
        assert len(acc.Scalars("accuracy")) == 2                  # one point per epoch
        assert {"accuracy", "loss"} <= set(acc.Tags()["scalars"])


def test_the_digits_table_stays_readable_however_large_the_logits(tmp_path, shared_mnist_dir,
                                                                  capsys):
    # A newcomer's --learning-rate 1000 makes logits of thousands; the table's row once ran
    # together ("-630.1-5050.4-977.6-7487.07714.3"): its columns were 6 characters wide.
    result = mnist_softmax.main(["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
                                 "--learning-rate", "1000", "--train-size", "500",
                                 "--epochs", "1"])
    logits = result["example"]["logits"]
    assert max(abs(v) for v in logits) >= 1000, logits       # wider than those 6 characters
    lines = capsys.readouterr().out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.split()[:1] == ["logits"])
    header, one_hot, row, probabilities = lines[at - 2:at + 2]
    # every logit printed, each a word of its own
    assert row.split() == ["logits", *(format(v, ".1f") for v in logits)], row
    assert header.split() == [str(digit) for digit in range(10)], header
    assert one_hot.split()[:2] == ["one-hot", "label"] and probabilities.split()[0] == "probabilities"

    def right_edges(line):
        return [m.end() for m in re.finditer(r"\S+", line)][-10:]
    # the columns aligned: in every row a digit's cell ends where its header does
    assert right_edges(header) == right_edges(one_hot) == right_edges(row) == \
        right_edges(probabilities), "\n".join(lines[at - 2:at + 2])


# README's figure on the offline split (7,200 train + 800 validation / 2,000 test of the real
# 10k test set), default flags, seed 0: measured 0.926 on the 2-core machine. Same seed, same
# data: the only freedom left is the CPU's arithmetic (another CPU's kernels round
# differently, and every SGD step carries that difference on). So the test holds a floor just
# under the figure, 4 digits of the 2,000 (0.002), and README says both numbers.
SOFTMAX_README, SOFTMAX_FLOOR = 0.926, 0.924


def test_softmax_defaults_reach_the_readme_figure_on_real_digits(tmp_path, shared_mnist_dir):
    # (quick: 360 steps of a 784x10 layer, about a second)
    result = mnist_softmax.main(["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path)])
    assert result["test_accuracy"] >= SOFTMAX_FLOOR, (result["test_accuracy"], SOFTMAX_README)


def test_readme_prints_the_figure_and_what_the_test_holds():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert f"{SOFTMAX_README}" in readme and f"≥ {SOFTMAX_FLOOR}" in readme
