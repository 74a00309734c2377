"""tfgraph.neighbours: the memory ("training" is one assign op), the k nearest turned back into
distances, and the vote, whose tie rule is checked against numpy brute force."""

import numpy as np
import pytest

from tfgraph import neighbours, new_graph, tf


def session_run(build):
    """Run what build() returns, in a fresh graph with its variables initialised."""
    graph = new_graph(0)
    with graph.as_default():
        fetches = build()
        init = tf.compat.v1.global_variables_initializer()
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        return sess.run(fetches)


def numpy_vote(rows, classes):
    """Most votes; a tie goes to the tied label met first (the nearest)."""
    found = []
    for row in rows:
        votes = np.bincount(row, minlength=classes)
        found.append(next(label for label in row if votes[label] == votes.max()))
    return found


@pytest.mark.parametrize("k", [1, 2, 3, 4, 6])
def test_vote_matches_numpy_ties_and_all(k):
    rows = np.random.default_rng(k).integers(0, 4, size=(200, k)).astype(np.int64)
    predicted = session_run(lambda: neighbours.vote(tf.constant(rows), k, classes=4))
    np.testing.assert_array_equal(predicted, numpy_vote(rows, 4))
    if k > 1:
        assert any(len(set(np.bincount(r)[np.bincount(r) > 0])) == 1 and len(set(r)) > 1
                   for r in rows), "the rows should hold ties"


def test_nearest_turns_closeness_back_into_distances():
    labels_value = np.int64([7, 8, 9])
    closeness_value = np.float32([[1.0, 5.0, 3.0]])        # L2: 2 q·m - |m|², |q|² = 6

    def build():
        labels = tf.compat.v1.get_variable("labels", initializer=labels_value, trainable=False)
        closeness = tf.constant(closeness_value)
        l2 = neighbours.nearest(closeness, 2, labels, tf.constant([[6.0]]))
        l1 = neighbours.nearest(-closeness, 2, labels)
        return [l2, l1]
    (d2, i2, n2), (d1, i1, n1) = session_run(build)
    np.testing.assert_allclose(d2, [[1.0, np.sqrt(3.0)]])  # sqrt(6 - 5), sqrt(6 - 3)
    assert i2.tolist() == [[1, 2]] and n2.tolist() == [[8, 9]]
    np.testing.assert_allclose(d1, [[1.0, 3.0]])            # -closeness is the distance
    assert i1.tolist() == [[0, 2]] and n1.tolist() == [[7, 9]]


def test_memory_remembers_in_one_op():
    images = np.float32([[1, 2], [3, 0]])
    graph = new_graph(0)
    with graph.as_default():
        memory = neighbours.memory(2, 2)
        assert memory.remember.name == "memory/remember"
        assert not tf.compat.v1.trainable_variables()      # data, not weights
        init = tf.compat.v1.global_variables_initializer()
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        sess.run(memory.remember, {memory.new_images: images, memory.new_labels: np.int64([4, 2])})
        held, labels, norms = sess.run([memory.images, memory.labels, memory.squared_norms])
    np.testing.assert_array_equal(held, images)
    assert labels.tolist() == [4, 2] and norms.tolist() == [5.0, 9.0]
