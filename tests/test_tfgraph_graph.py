"""tfgraph.graph: a fresh graph per lesson, seeded: the same seed gives the same numbers."""

from pathlib import Path

import numpy as np

from lessons import mnist_dense
from tfgraph import new_graph, tf


def test_each_lesson_graph_is_fresh_and_seeded():
    def first_draw(seed):
        graph = new_graph(seed)
        with graph.as_default():
            x = tf.random.normal([3])
        with tf.compat.v1.Session(graph=graph) as sess:
            return sess.run(x)
    assert np.array_equal(first_draw(5), first_draw(5))
    assert not np.array_equal(first_draw(5), first_draw(6))
    assert new_graph(0).get_operations() == []


def _loss_curve(result, events):
    acc = events(Path(result["run_dir"]) / "train")
    return [e.value for e in acc.Scalars("loss")]


def test_same_seed_same_curve_bit_for_bit_other_seed_differs(
        tmp_path, shared_mnist_dir, events):
    flags = ["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
             "--train-size", "1000", "--epochs", "2", "--summary-every", "5", "--hidden", "32",
             "--batch-size", "20"]
    first = mnist_dense.main([*flags, "--seed", "7"])
    second = mnist_dense.main([*flags, "--seed", "7"])
    other = mnist_dense.main([*flags, "--seed", "8"])
    assert first["run_dir"] != second["run_dir"]
    curve = _loss_curve(first, events)
    assert len(curve) == 20
    assert curve == _loss_curve(second, events)
    assert first["test_accuracy"] == second["test_accuracy"]
    assert curve != _loss_curve(other, events)
