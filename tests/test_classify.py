"""The loss, the accuracy and the evaluation over a split, against numpy (oracle tests)."""

import numpy as np
import pytest

from tfgraph import losses, new_graph, tf
from tfgraph.data.mnist import Split
from tfgraph.train import evaluate


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


def test_evaluate_weighs_a_short_last_batch_by_its_size():
    # 1,001 examples at batch 1,000: the last batch holds one example. The mean of the two
    # batch means would count that one example as much as the other thousand.
    n = 1001
    images = np.zeros((n, 2), np.float32)
    images[-1, 0] = 1000.0                    # only the last example has a value
    labels = np.arange(n) % 10
    split = Split(images, labels)
    graph = new_graph(0)
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 2])
        y = tf.compat.v1.placeholder(tf.float32, [None, 10])
        metrics = {"mean_first": tf.reduce_mean(x[:, 0]),
                   "label_mean": tf.reduce_mean(tf.cast(tf.argmax(y, axis=1), tf.float32))}
    with tf.compat.v1.Session(graph=graph) as sess:
        scores = evaluate(sess, metrics, x, y, split, batch_size=1000)
    assert scores["mean_first"] == pytest.approx(1000.0 / n)          # not (0 + 1000) / 2
    assert scores["label_mean"] == pytest.approx(labels.mean())
