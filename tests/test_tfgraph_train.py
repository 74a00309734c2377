"""tfgraph.train: batches that resume exactly where they stopped; evaluation weighs every example once."""

import numpy as np
import pytest

from tfgraph import new_graph, tf
from tfgraph.data.mnist import Split
from tfgraph.train import evaluate, steps_per_epoch, training_batches


def _split(n):
    return Split(np.arange(n * 2, dtype=np.float32).reshape(n, 2) / (2 * n),
                 np.arange(n) % 10)


def test_training_batches_resume_exactly_where_they_stopped():
    split = _split(23)
    full = list(training_batches(split, 5, 3, seed=4))
    assert len(full) == 3 * steps_per_epoch(23, 5) == 15
    assert [b.step for b in full] == list(range(1, 16))
    assert [b.end_of_epoch for b in full].count(True) == 3 and full[-1].end_of_epoch
    resumed = list(training_batches(split, 5, 3, seed=4, start_step=7))
    assert [b.step for b in resumed] == list(range(8, 16))
    for a, b in zip(full[7:], resumed):
        assert a.epoch == b.epoch and np.array_equal(a.images, b.images)
    # each epoch shows every example once, in a new order
    epoch1 = np.concatenate([b.images for b in full[:5]])
    epoch2 = np.concatenate([b.images for b in full[5:10]])
    assert sorted(epoch1[:, 0]) == sorted(split.images[:, 0])
    assert not np.array_equal(epoch1, epoch2)


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


def test_the_epoch_line_names_each_split_in_the_learners_language():
    from tfgraph.support import i18n
    from tfgraph.train import accuracy_line
    scores = {"validation": {"accuracy": 0.91234}, "test": {"accuracy": 0.9}}
    assert accuracy_line(scores) == "  validation accuracy 0.9123, test accuracy 0.9000"
    i18n.use("pt")
    assert accuracy_line(scores) == "  acurácia na validação 0,9123, acurácia no teste 0,9000"
    assert accuracy_line({"train": {"accuracy": 1.0}}) == "  acurácia no treino 1,0000"
