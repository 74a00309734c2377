"""Lesson ml101: the shapes of its three graphs, each model against a numpy oracle, its bad
input through the CLI, and (slow) nearest neighbour and k-means on the real digits."""

import numpy as np
import pytest

from conftest import assert_one_line_error, lesson_process, static_shapes
from lessons import ml101
from tfgraph import figures, new_graph, tf


def run_in_session(graph, body):
    with graph.as_default():
        init = tf.compat.v1.global_variables_initializer()
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        return body(sess)


# -- 1. linear regression ----------------------------------------------------------------

def test_regression_graph_shapes_and_boxes():
    graph = new_graph(0)
    with graph.as_default():
        net = ml101.build_linear_regression()
    assert static_shapes(net) == {"x": [None], "y": [None], "solved": [2], "slope": [],
                                  "intercept": [], "loss": [], "summary": []}
    scopes = {op.name.split("/")[0] for op in graph.get_operations()}
    assert {"data", "normal_equations", "model", "mean_squared_error", "gradients",
            "sgd_trainer"} <= scopes
    # "one op chain, no loop": the normal equations hold a solve and no control flow
    inside = {op.type for op in graph.get_operations()
              if op.name.startswith("normal_equations/")}
    assert "MatrixSolve" in inside
    assert not inside & {"While", "StatelessWhile", "Enter", "Exit", "NextIteration"}


def test_both_methods_land_on_lstsq_within_1e_3(tmp_path, events):
    result = ml101.main(["--logdir", str(tmp_path), "--models",
                         "linear_regression"])["linear_regression"]
    reference = np.array(result["lstsq"])
    np.testing.assert_allclose(result["normal_equations"], reference, atol=1e-3)
    np.testing.assert_allclose(result["gradient_descent"], reference, atol=1e-3)
    assert abs(reference[0] - ml101.SLOPE) < 0.2 and abs(reference[1] - ml101.INTERCEPT) < 0.5
    losses = result["losses"]
    assert len(losses) == ml101.EPOCHS + 1 and losses[-1] < losses[0] / 10
    acc = events(result["run_dir"])
    assert [e.step for e in acc.Scalars("loss")] == list(range(ml101.EPOCHS + 1))
    assert acc.Scalars("slope")[-1].value == pytest.approx(result["gradient_descent"][0])
    assert [e.step for e in acc.Images("fit")] == [0, 1, 3, 10, 30, 100, 300, 1000]
    assert {n.name.split("/")[0] for n in acc.Graph().node} >= {"normal_equations", "model"}


def test_pictures_spread_on_a_log_scale():
    assert figures.log_steps(1000) == [0, 1, 3, 10, 30, 100, 300, 1000]
    assert figures.log_steps(40) == [0, 1, 3, 10, 30, 40]
    assert figures.log_steps(1) == [0, 1]


def test_gradient_descent_diverging_is_one_clear_error(tmp_path):
    with pytest.raises(ml101.UserError, match="smaller --learning-rate"):
        ml101.main(["--logdir", str(tmp_path), "--models", "linear_regression",
                    "--learning-rate", "0.5", "--epochs", "200"])


# -- 2. nearest neighbour ------------------------------------------------------------------

def numpy_knn(memory, labels, queries, k, distance):
    """Brute force in float64: distances, the k nearest (ties: lower index), their vote."""
    diff = queries[:, None, :].astype(np.float64) - memory[None, :, :]
    d = np.sqrt((diff ** 2).sum(-1)) if distance == "l2" else np.abs(diff).sum(-1)
    order = np.argsort(d, axis=1, kind="stable")[:, :k]
    predicted = []
    for row in labels[order]:
        votes = np.bincount(row, minlength=10)
        tied = np.flatnonzero(votes == votes.max())
        predicted.append(next(label for label in row if label in tied))  # nearest of the tied
    return np.take_along_axis(d, order, 1), order, np.array(predicted)


def nearest(memory, labels, queries, k, distance, truth=None):
    graph = new_graph(0)
    with graph.as_default():
        net = ml101.build_nearest_neighbour(len(memory), memory.shape[1], k, distance)

    def body(sess):
        sess.run(net.remember, {net.new_images: memory, net.new_labels: labels})
        return sess.run([net.distances, net.indices, net.predicted, net.correct],
                        {net.queries: queries,
                         net.truth: labels[:len(queries)] if truth is None else truth})
    return net, run_in_session(graph, body)


def test_nearest_neighbour_graph_shapes():
    graph = new_graph(0)
    with graph.as_default():
        net = ml101.build_nearest_neighbour(50, 6, k=3)
    assert static_shapes(net) == {
        "new_images": [50, 6], "new_labels": [50], "queries": [None, 6], "truth": [None],
        "distances": [None, 3], "indices": [None, 3], "neighbour_labels": [None, 3],
        "predicted": [None], "correct": []}
    assert net.remember.name == "memory/remember"
    with graph.as_default():
        assert not tf.compat.v1.trainable_variables()       # nothing to train: it remembers
    assert {"TopKV2", "MatMul"} <= {op.type for op in graph.get_operations()}


@pytest.mark.parametrize("distance", ["l2", "l1"])
@pytest.mark.parametrize("k", [1, 3, 4])
def test_nearest_neighbour_matches_numpy_brute_force(distance, k):
    rng = np.random.default_rng(k)
    memory = rng.integers(0, 9, size=(60, 6)).astype(np.float32) / 8
    labels = rng.integers(0, 4, size=60).astype(np.int64)
    queries = rng.integers(0, 9, size=(25, 6)).astype(np.float32) / 8
    truth = rng.integers(0, 4, size=25).astype(np.int64)
    d_np, order_np, predicted_np = numpy_knn(memory, labels, queries, k, distance)
    _, (d_tf, order_tf, predicted_tf, correct) = nearest(memory, labels, queries, k, distance,
                                                         truth)
    np.testing.assert_allclose(d_tf, d_np, rtol=1e-6, atol=1e-6)
    # Eighths keep every distance exact in float32 (L2 compares squares), so even tied
    # distances order alike: both take the lower index first.
    np.testing.assert_array_equal(order_tf, order_np)
    np.testing.assert_array_equal(predicted_tf, predicted_np)
    ties = np.sum(d_np[:, :-1] == d_np[:, 1:]) if k > 1 else 0
    assert k == 1 or ties > 0, "the data should hold tied distances"
    assert correct == int(np.sum(predicted_tf == truth))


def test_vote_majority_then_the_nearest_breaks_a_tie():
    # Memory on a line; the query at 0. Neighbours by distance: 1 (label 7), 2 (label 3),
    # 3 (label 3), 4 (label 7), 5 (label 5).
    memory = np.float32([[5], [1], [3], [2], [4]])
    labels = np.int64([5, 7, 3, 3, 7])
    queries = np.float32([[0]])
    expectations = {1: 7,    # the nearest alone
                    2: 7,    # 7 and 3 tie one vote each: 7 is nearer
                    3: 3,    # 3 has two votes against one
                    4: 7,    # two votes each: the nearest of the tied labels is a 7
                    5: 7}    # 2-2-1: same tie
    for k, label in expectations.items():
        _, (_, indices, predicted, _) = nearest(memory, labels, queries, k, "l2",
                                                truth=np.int64([label]))
        assert list(indices[0]) == [1, 3, 2, 4, 0][:k]
        assert predicted[0] == label, (k, predicted)


# -- 3. k-means ----------------------------------------------------------------------------

def test_k_means_graph_shapes_and_no_labels_anywhere():
    graph = new_graph(0)
    with graph.as_default():
        net = ml101.build_k_means(40, 5, clusters=3)
    assert static_shapes(net) == {"new_points": [40, 5], "centroids": [3, 5],
                                  "assignment": [40], "mean_squared_distance": []}
    placeholders = [op for op in graph.get_operations() if op.type == "Placeholder"]
    assert [p.name for p in placeholders] == ["points/new_images"]   # images only: no labels
    with graph.as_default():
        assert not tf.compat.v1.trainable_variables()      # nothing learns by gradients here
    assert {"ArgMin", "OneHot"} <= {op.type for op in graph.get_operations()}


def test_k_means_one_round_matches_numpy_and_converges_on_blobs():
    rng = np.random.default_rng(3)
    centres = np.float32([[0, 0], [10, 0], [0, 10]])
    points = np.concatenate([c + rng.normal(size=(30, 2)) for c in centres]).astype(np.float32)
    graph = new_graph(1)
    with graph.as_default():
        net = ml101.build_k_means(len(points), 2, clusters=3)

    def body(sess):
        sess.run(net.load, {net.new_points: points})
        sess.run(net.initialise)
        start = sess.run(net.centroids)
        assignment, spread = sess.run([net.assignment, net.mean_squared_distance])
        sess.run(net.update)
        moved = sess.run(net.centroids)
        for _ in range(20):
            sess.run(net.assignment)
            sess.run(net.update)
        return start, assignment, spread, moved, sess.run([net.assignment, net.centroids])
    start, assignment, spread, moved, (final, centroids) = run_in_session(graph, body)

    # The start: three distinct points of the data.
    assert all(any(np.array_equal(c, p) for p in points) for c in start)
    assert len({tuple(c) for c in start}) == 3
    # One round = numpy's assign (nearest centroid) and update (mean, or unchanged if empty).
    d = ((points[:, None, :] - start[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(assignment, d.argmin(axis=1))
    assert spread == pytest.approx(d.min(axis=1).mean(), rel=1e-5)
    expected = np.stack([points[assignment == c].mean(0) if np.any(assignment == c) else start[c]
                         for c in range(3)])
    np.testing.assert_allclose(moved, expected, rtol=1e-5, atol=1e-5)
    # Converged on three clear blobs: each blob one cluster, each centroid at a blob's centre.
    blob = np.repeat(np.arange(3), 30)
    assert all(len(set(final[blob == b])) == 1 for b in range(3))
    assert len(set(final)) == 3
    np.testing.assert_allclose(np.sort(centroids, axis=0), np.sort(
        np.stack([points[blob == b].mean(0) for b in range(3)]), axis=0), atol=1e-4)


def test_k_means_keeps_an_empty_clusters_centroid():
    points = np.float32([[0.0], [0.1], [0.2]])
    graph = new_graph(0)
    with graph.as_default():
        net = ml101.build_k_means(3, 1, clusters=2)

    def body(sess):
        sess.run(net.load, {net.new_points: points})
        sess.run(net.centroids.assign(np.float32([[0.1], [50.0]])))   # cluster 1 gets nobody
        assert sess.run(net.assignment).tolist() == [0, 0, 0]
        sess.run(net.update)
        return sess.run(net.centroids)
    np.testing.assert_allclose(run_in_session(graph, body), [[0.1], [50.0]], rtol=1e-6)


# -- bad input: one line, exit 2 -------------------------------------------------------------

@pytest.mark.parametrize("flags, words", [
    (["--clusters", "1"], ["--clusters 1", "at least 2"]),
    (["--k", "0"], ["--k", "greater than 0"]),
    (["--distance", "cosine"], ["--distance", "invalid choice"]),
    (["--models", "svm"], ["--models", "invalid choice"]),
    (["--noise", "-1"], ["--noise", "0 or more"]),
    (["--slope", "nan"], ["--slope", "finite"]),
    (["--points", "1"], ["--points 1", "at least 2"]),
    (["--data-dir", "/no/such/folder"], ["/no/such/folder", "--models linear_regression"]),
])
def test_bad_flags(flags, words, tmp_path, lesson_main):
    # As `python -m lessons.ml101` runs it (tfgraph.support.cli.run), but in this process.
    assert_one_line_error(lesson_main("ml101", "--logdir", str(tmp_path), *flags), *words)


def test_bad_flags_through_the_real_command(tmp_path):
    # One of the cases above as the learner types it: a new Python, exit 2, one line.
    logdir = ["--logdir", str(tmp_path)]
    assert_one_line_error(lesson_process("ml101", *logdir, "--clusters", "1"), "at least 2")
    assert not list(tmp_path.rglob("*"))


def test_k_and_clusters_larger_than_the_data_are_refused(tmp_path, shared_mnist_dir, lesson_main):
    for flags, words in ((["--k", "101"], ["--k 101", "100 training digits"]),
                         (["--clusters", "101", "--models", "k_means"],
                          ["--clusters 101", "100 digits"])):
        proc = lesson_main("ml101", "--data-dir", str(shared_mnist_dir), "--train-size", "100",
                           "--logdir", str(tmp_path), *flags)
        assert_one_line_error(proc, *words)
    assert not list((tmp_path / "ml101").glob("*"))     # refused before any run folder


# -- slow: the real digits -------------------------------------------------------------------

@pytest.mark.slow
def test_nearest_neighbour_and_k_means_on_real_digits(tmp_path, shared_mnist_dir, events):
    result = ml101.main(["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
                         "--models", "nearest_neighbour", "k_means"])
    nn = result["nearest_neighbour"]
    # All 8,000 labelled digits remembered (7,200 train + 800 validation of the split).
    assert nn["memory_size"] == 8000 and nn["tested"] == 2000
    assert nn["accuracy"] >= 0.95           # numpy's 1-NN (L2, 8,000 remembered): 0.9675
    acc = events(nn["run_dir"])
    assert [(e.step, e.value) for e in acc.Scalars("accuracy")] == [
        (1, pytest.approx(nn["accuracy"]))]
    assert set(acc.Tags()["images"]) == {"right", "wrong"}

    km = result["k_means"]
    assert km["converged"] and km["iterations"] <= ml101.ITERATIONS
    assert 0.50 <= km["purity"] <= 0.65     # numpy k-means: 0.55-0.59 depending on the seed
    assert sum(size for size, _ in km["clusters"]) == 8000
    acc = events(km["run_dir"])
    assert acc.Scalars("changed")[-1].value == 0
    assert acc.Scalars("purity")[-1].value == pytest.approx(km["purity"])
    assert [e.step for e in acc.Scalars("purity")] == list(range(km["iterations"] + 1))
    assert [e.step for e in acc.Images("centroids")] == [0, km["iterations"]]


@pytest.mark.slow     # a whole lesson run, as in tests/test_portuguese.py
def test_linear_regression_in_portuguese(lesson_main, tmp_path):
    shown = lesson_main("ml101", "--lang", "pt", "--logdir", str(tmp_path), "--models",
                        "linear_regression", "--epochs", "30")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("1. Regressão linear (supervisionada): ")
    assert "   gradiente descendente (30 passos)  " in shown.stdout
    diverged = lesson_main("ml101", "--lang", "pt", "--logdir", str(tmp_path), "--models",
                           "linear_regression", "--learning-rate", "1")
    assert diverged.returncode == 2 and diverged.stdout == ""
    assert ("python -m lessons.ml101: erro: o gradiente descendente divergiu no passo 10 (perda "
            "inf): tente uma --learning-rate menor que 1\n") in diverged.stderr
