"""tfgraph.losses against numpy (oracle tests): the cross-entropy, even of extreme logits, and the accuracy."""

import numpy as np
import pytest

from tfgraph import losses, new_graph, tf


def numpy_cross_entropy(logits, labels):
    """Mean of -sum(labels * log softmax(logits)), in float64 with log-sum-exp."""
    logits = np.asarray(logits, np.float64)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(np.mean(-(labels * log_softmax).sum(axis=1)))


def one_hot(classes, n=4):
    return np.eye(n, dtype=np.float32)[classes]


# Known logits: ordinary, a tie, and extreme ones where log(softmax) would give -inf or NaN.
CASES = {
    "ordinary": ([[2.0, 1.0, 0.1, -1.0], [0.5, 2.5, 0.0, 0.0], [-1.0, 0.0, 3.0, 1.0]],
                 [0, 2, 2]),
    "uniform": ([[0.0, 0.0, 0.0, 0.0], [7.0, 7.0, 7.0, 7.0]], [1, 3]),
    "extreme, right": ([[1000.0, -1000.0, 0.0, 0.0], [-500.0, 500.0, 0.0, 0.0]], [0, 1]),
    "extreme, wrong": ([[1000.0, -1000.0, 0.0, 0.0], [0.0, 0.0, 80.0, -80.0]], [1, 3]),
}


@pytest.fixture(scope="module")
def ops():
    graph = new_graph(0)
    with graph.as_default():
        logits = tf.compat.v1.placeholder(tf.float32, [None, 4])
        labels = tf.compat.v1.placeholder(tf.float32, [None, 4])
        loss = losses.cross_entropy(logits, labels)
        predicted, accuracy = losses.evaluation(logits, labels)
    with tf.compat.v1.Session(graph=graph) as sess:
        yield lambda z, y: sess.run([loss, predicted, accuracy], {logits: z, labels: y})


@pytest.mark.parametrize("case", CASES)
def test_cross_entropy_matches_numpy(ops, case):
    logits, classes = CASES[case]
    labels = one_hot(classes)
    loss, _, _ = ops(logits, labels)
    expected = numpy_cross_entropy(logits, labels)
    assert np.isfinite(loss)
    # float32 against float64: relative 1e-6, and absolute 1e-6 where the loss is near 0
    assert loss == pytest.approx(expected, rel=1e-6, abs=1e-6), (loss, expected)


def test_extreme_logits_give_the_exact_large_loss():
    # Wrong by 2000 with the rest at 0: the loss is 2000 (+ log(1 + tiny)), not inf or NaN.
    expected = numpy_cross_entropy([[1000.0, -1000.0, 0.0, 0.0]], one_hot([1]))
    assert expected == pytest.approx(2000.0)
    uniform = numpy_cross_entropy([[0.0] * 4], one_hot([2]))
    assert uniform == pytest.approx(np.log(4))           # the untrained network's loss


@pytest.mark.parametrize("case", CASES)
def test_evaluation_matches_numpy(ops, case):
    logits, classes = CASES[case]
    _, predicted, accuracy = ops(logits, one_hot(classes))
    expected = np.argmax(np.asarray(logits), axis=1)      # ties: the first largest, as numpy
    assert predicted.tolist() == expected.tolist()
    assert accuracy == pytest.approx(np.mean(expected == np.asarray(classes)))


def test_accuracy_counts_each_example_once(ops):
    logits = np.eye(4, dtype=np.float32)[[0, 1, 2, 3, 0]]   # predicts 0 1 2 3 0
    _, _, accuracy = ops(logits, one_hot([0, 1, 3, 3, 2]))  # right, right, wrong, right, wrong
    assert accuracy == pytest.approx(3 / 5)
