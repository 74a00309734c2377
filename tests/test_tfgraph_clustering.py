"""tfgraph.clustering: k-means' points held in the graph, and purity against labels the
clustering never saw (counted by hand), in numbers and in words."""

import numpy as np
import pytest

from tfgraph import clustering, new_graph, tf


def test_purity_against_hand_counted_labels():
    assignment = np.array([0, 0, 0, 1, 1, 2])
    labels = np.array([4, 4, 9, 1, 7, 3])
    overall, per_cluster = clustering.purity(assignment, labels, clusters=4)
    assert overall == pytest.approx(4 / 6)                 # 2 + 1 + 1 of 6
    assert per_cluster[0] == (3, [(4, pytest.approx(2 / 3)), (9, pytest.approx(1 / 3))])
    assert per_cluster[2] == (1, [(3, 1.0)])
    assert per_cluster[3] == (0, [])                       # an empty cluster


def test_summary_says_whether_it_converged_and_scores_every_cluster():
    overall, per_cluster = clustering.purity(np.array([0, 0, 0, 1, 1, 2]),
                                             np.array([4, 4, 9, 1, 7, 3]), clusters=4)
    done = clustering.summary(per_cluster, overall, iterations=7, changed=0).split("\n")
    assert done[0] == "   converged after 7 iterations"
    assert done[1].split() == ["cluster", "digits", "purity", "its", "labels,", "most", "common",
                               "first"]
    assert done[2].split() == ["0", "3", "0.667", "4:", "67%", "9:", "33%"]
    assert done[5].split() == ["3", "0", "0.000"]          # an empty cluster: nothing to list
    assert done[6].startswith("   Overall purity 0.667:")
    stopped = clustering.summary(per_cluster, overall, iterations=2, changed=1234)
    assert stopped.startswith("   stopped after 2 iterations (--iterations), not yet converged "
                              "(1,234 digits moved in the last)")


def test_points_hold_the_images_and_their_squared_norms():
    images = np.float32([[1, 2], [3, 4], [0, 0]])
    graph = new_graph(0)
    with graph.as_default():
        points = clustering.points(3, 2)
        assert points.load.name == "points/load"
        assert not tf.compat.v1.trainable_variables()      # data, not weights
        init = tf.compat.v1.global_variables_initializer()
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        assert not sess.run(points.images).any()           # zeros until loaded
        sess.run(points.load, {points.new_images: images})
        np.testing.assert_array_equal(sess.run(points.images), images)
        np.testing.assert_array_equal(sess.run(points.squared_norms), [5, 25, 0])


def test_summary_in_portuguese():
    from conftest import english_left
    from tfgraph.support import i18n
    overall, per_cluster = clustering.purity(np.array([0, 0, 0, 1, 1, 2]),
                                             np.array([4, 4, 9, 1, 7, 3]), clusters=4)
    i18n.use("pt")
    done = clustering.summary(per_cluster, overall, iterations=1, changed=0)
    lines = done.split("\n")
    assert lines[0] == "   convergiu após 1 iteração"
    assert lines[1].split() == ["grupo", "dígitos", "pureza", "seus", "rótulos,", "o", "mais",
                                "comum", "primeiro"]
    assert lines[2].split() == ["0", "3", "0,667", "4:", "67%", "9:", "33%"]
    assert lines[6].startswith("   Pureza geral 0,667: a fração dos dígitos")
    assert english_left(done) == []
    stopped = clustering.summary(per_cluster, overall, iterations=2, changed=1234)
    assert stopped.startswith("   parou após 2 iterações (--iterations), ainda sem convergir "
                              "(1.234 dígitos mudaram de grupo na última)")
