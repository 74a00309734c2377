"""Lesson 1 — Machine Learning 101: three kinds of model, each as a graph ("Tipos de modelos")

The talk opens with "O que é Machine Learning?": learning is finding a mathematical function
that describes data it has not seen; finding it is *training*, using it is *prediction*. "Não
existe uma bala de prata": there are many kinds of model, supervised (they learn from
examples with answers) and unsupervised (no answers at all), among others. This lesson builds
three of the slide's models as TensorFlow graphs and runs them in sessions:

    1. Linear regression (supervised): noisy points around a known line. The best line is
       found twice: by the normal equations, (XᵀX) w = Xᵀy, solved in one chain of ops
       with no loop; and by gradient descent, one small step per session.run. Both land on
       the line numpy.linalg.lstsq gives, printed side by side.
    2. Nearest neighbour (supervised, and nothing to train: "training" is one assign op that
       remembers the labelled digits). A test digit gets the label of the k training digits
       closest to it (a majority vote; a tie goes to the label of the nearest one). All
       distances of a batch of test digits to every remembered digit come from one matrix
       product: 2,000 digits are answered in about a second.
    3. k-means (unsupervised: the graph never sees a label). The same digits are grouped into
       10 clusters by two ops run in turn: *assign* (each digit joins its nearest centroid)
       and *update* (each centroid moves to the mean of its digits). Only afterwards does
       the lesson look at the labels, to say how pure each cluster is.

Nearest neighbour and k-means use every labelled digit the data has (no validation split:
nothing here tunes a setting on held-out digits). On ../shared/data/mnist that is 8,000
digits remembered and 2,000 tested: 1-NN with L2 distance answers 0.9675 of them right.

Run it:
    python -m lessons.ml101 --data-dir ../shared/data/mnist
    python -m lessons.ml101 --data-dir ../shared/data/mnist --k 5 --distance l1
    python -m lessons.ml101 --models linear_regression --noise 3 --points 20   # no digits

In TensorBoard (the lesson prints the command; one run per model):
    Runs     `linear_regression`, `nearest_neighbour` and `k_means`
    Graphs   (run `linear_regression`) `data` -> `normal_equations` (open it:
             `MatrixSolve`, no loop) beside `model` -> `mean_squared_error` -> `gradients`
             -> `sgd_trainer`; (run `nearest_neighbour`) `memory` (its op `memory/remember` is
             the whole training), `queries` -> `distance` -> `nearest` (`TopKV2`) -> `vote` ->
             `evaluation`; (run `k_means`) `points` -> `assign` (`ArgMin`) -> `update`
             (`OneHot`, `MatMul`: every cluster's sum in one product), and `centroids`
    Scalars  `loss`, `slope` and `intercept` of gradient descent, step by step, settling on
             the normal equations' line; `accuracy` of nearest neighbour (one point, at
             step k); k-means' `mean_squared_distance`, `changed` (digits that moved to
             another cluster: 0 when it has converged) and `purity`, per iteration (step 0:
             the random start)
    Images   `fit`: the points, the true line and both fitted lines (drag the step slider:
             gradient descent's line after 0, 1, 3, 10, 30, 100, 300 and 1,000 steps);
             `right` and `wrong`: test digits with their
             nearest training digits; `centroids`: the 10 cluster centres as pictures, at
             the start (random digits) and at the end
"""

import textwrap
import time
from typing import NamedTuple

import numpy as np

from tfgraph import figures, new_graph, optimizers, tf
from tfgraph.support import Run, board, cli
from tfgraph.data.mnist import load_mnist
from tfgraph.support.errors import UserError
from tfgraph.support.runs import new_run_dir

LESSON = "ml101"
MODELS = ("linear_regression", "nearest_neighbour", "k_means")
# 1. Linear regression: y = SLOPE·x + INTERCEPT + NOISE·(a normal draw), x in X_RANGE
SLOPE, INTERCEPT, NOISE, POINTS = 2.0, -1.0, 1.0, 100
X_RANGE = (0.0, 10.0)
EPOCHS = 1000           # gradient descent's steps, each over all points
LEARNING_RATE = 0.02    # x up to 10 makes the loss steep along the slope: 0.03 diverges
# 2. Nearest neighbour
K = 1
DISTANCE = "l2"
QUERY_BATCH = 500       # test digits per session.run (L2: [500, 8000] distances at once)
L1_BATCH_FLOATS = 2 ** 24   # L1 has no matmul trick: [batch, n, 784] differences, ~64 MB
SHOWN = 8               # test digits per picture
SHOWN_NEIGHBOURS = 5    # at most this many neighbours drawn under each
# 3. k-means
CLUSTERS = 10
ITERATIONS = 100        # at most; it stops when no digit changes cluster
CLASSES = 10


# -- 1. linear regression ----------------------------------------------------------------

class RegressionGraph(NamedTuple):
    x: object            # float32 [n]: the inputs
    y: object            # float32 [n]: the noisy targets
    solved: object       # float32 [2]: (slope, intercept) from the normal equations
    slope: object        # float32 [] variable: gradient descent's slope, starts at 0
    intercept: object    # float32 [] variable: gradient descent's intercept, starts at 0
    loss: object         # float32 []: mean squared error of gradient descent's line
    train_op: object     # one step of gradient descent
    summary: object      # string: loss, slope, intercept


def build_linear_regression(learning_rate=LEARNING_RATE):
    """The best line through (x, y), by the normal equations and by gradient descent."""
    with tf.name_scope("data"):
        x = tf.compat.v1.placeholder(tf.float32, [None], name="x")
        y = tf.compat.v1.placeholder(tf.float32, [None], name="y")

    with tf.name_scope("normal_equations"):
        # One column per weight: the slope multiplies x, the intercept multiplies 1. The
        # weights w minimising |Xw - y|² solve (XᵀX) w = Xᵀy: a 2x2 system, one solve op.
        design = tf.stack([x, tf.ones_like(x)], axis=1, name="X")                  # [n, 2]
        xtx = tf.matmul(design, design, transpose_a=True, name="XtX")             # [2, 2]
        xty = tf.matmul(design, y[:, None], transpose_a=True, name="Xty")          # [2, 1]
        solved = tf.reshape(tf.linalg.solve(xtx, xty), [2], name="weights")

    with tf.compat.v1.variable_scope("model"):
        zeros = tf.compat.v1.zeros_initializer()
        slope = tf.compat.v1.get_variable("slope", [], tf.float32, zeros)
        intercept = tf.compat.v1.get_variable("intercept", [], tf.float32, zeros)
        prediction = tf.add(slope * x, intercept, name="prediction")              # [n]
    with tf.name_scope("mean_squared_error"):
        loss = tf.reduce_mean(tf.square(prediction - y), name="loss")
    train_op, _, _ = optimizers.sgd(loss, learning_rate)    # boxes gradients, sgd_trainer

    summary = tf.compat.v1.summary.merge([
        tf.compat.v1.summary.scalar("loss", loss),
        tf.compat.v1.summary.scalar("slope", slope),
        tf.compat.v1.summary.scalar("intercept", intercept)])
    return RegressionGraph(x, y, solved, slope, intercept, loss, train_op, summary)


def line_points(slope, intercept, noise, count, seed, x_range=X_RANGE):
    """`count` points y = slope·x + intercept + noise·N(0, 1), x uniform in x_range.

    Returns (x, y), both float32 [count].
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(*x_range, size=count)
    y = slope * x + intercept + noise * rng.normal(size=count)
    return x.astype(np.float32), y.astype(np.float32)


def picture_steps(steps):
    """When to draw gradient descent's line: 0, 1, 3, 10, 30, 100, ... and the last step.

    The line moves most in the first steps, so the pictures are spread on a log scale; at
    most 10 for the default 1,000 steps (TensorBoard keeps 10 images per tag by default).
    """
    marks = {0, steps}
    scale = 1
    while scale <= steps:
        marks |= {m for m in (scale, 3 * scale) if m <= steps}
        scale *= 10
    return sorted(marks)


def lstsq_line(x, y):
    """numpy's least-squares line (float64), the reference: (slope, intercept)."""
    design = np.stack([x, np.ones_like(x)], axis=1).astype(np.float64)
    (slope, intercept), *_ = np.linalg.lstsq(design, y.astype(np.float64), rcond=None)
    return float(slope), float(intercept)


def fit_figure(x, y, lines, step):
    """The points and some lines over them: lines = [(label, slope, intercept, style)]."""
    fig, ax = figures.new(6.4, 4.2)
    ax.scatter(x, y, s=12, color="#888888", label=f"{len(x)} noisy points")
    xs = np.array(X_RANGE)
    for label, slope, intercept, style in lines:
        sign = "-" if intercept < 0 else "+"
        ax.plot(xs, slope * xs + intercept, style, linewidth=2,
                label=f"{label}: y = {slope:.3f}·x {sign} {abs(intercept):.3f}")
    figures.label(ax, f"Linear regression, gradient descent after {step} steps", "x", "y")
    return fig


def linear_regression(args, folder):
    """Section 1: the data, the graph, the session loop, the comparison; returns a dict."""
    # Data: points around a line we know, so we can see how close each method gets
    x, y = line_points(args.slope, args.intercept, args.noise, args.points, args.seed)
    reference = lstsq_line(x, y)

    graph = new_graph(args.seed)
    with graph.as_default():
        net = build_linear_regression(args.learning_rate)

    with Run(args, graph, folder=folder, checkpoints=False) as run:
        sess, writer = run.session, run.writer()
        feed = {net.x: x, net.y: y}
        solved = sess.run(net.solved, feed)              # one run of the chain: no loop
        true_line = ("true line", args.slope, args.intercept, "k:")
        solved_line = ("normal equations", *solved, "C0-")
        losses, pictures = [], picture_steps(args.epochs)
        for step in range(args.epochs + 1):
            # The state after `step` updates, written before the next update runs.
            summary, loss, slope, intercept = sess.run(
                [net.summary, net.loss, net.slope, net.intercept], feed)
            writer.add_summary(summary, step)
            losses.append(float(loss))
            if not np.isfinite(loss):
                raise UserError(f"gradient descent diverged at step {step} (loss {loss}): "
                                f"try a smaller --learning-rate than {args.learning_rate:g}")
            if step in pictures:
                figures.write(writer, "fit", fit_figure(
                    x, y, [true_line, solved_line, ("gradient descent", slope, intercept,
                                                    "C1--")], step), step)
            if step < args.epochs:
                sess.run(net.train_op, feed)

    solved_loss = float(np.mean((solved[0] * x + solved[1] - y) ** 2))
    ref_loss = float(np.mean((reference[0] * x + reference[1] - y) ** 2))
    sign = "-" if args.intercept < 0 else "+"
    print(f"1. Linear regression (supervised): {args.points} points around y = "
          f"{args.slope:g}·x {sign} {abs(args.intercept):g}, noise {args.noise:g}")
    print(f"   {'':<34}{'slope':>10}{'intercept':>11}{'mean sq. error':>16}")
    rows = [("true line", args.slope, args.intercept, None),
            ("numpy.linalg.lstsq (float64)", *reference, ref_loss),
            ("normal equations (one op chain)", *solved, solved_loss),
            (f"gradient descent ({args.epochs} steps)", slope, intercept, losses[-1])]
    for name, s, b, mse in rows:
        print(f"   {name:<34}{s:>10.4f}{b:>11.4f}" + (f"{mse:>16.4f}" if mse is not None else ""))
    gap = max(abs(solved[0] - reference[0]), abs(solved[1] - reference[1]),
              abs(slope - reference[0]), abs(intercept - reference[1]))
    print(textwrap.fill(
        f"Both land on numpy's line within {gap:.1e}. The training found the function (a "
        f"slope and an intercept); prediction uses it: x = 5 -> y = {slope * 5 + intercept:.3f}.",
        92, initial_indent="   ", subsequent_indent="   "))
    return {"lstsq": reference, "normal_equations": [float(v) for v in solved],
            "gradient_descent": [float(slope), float(intercept)], "losses": losses,
            "steps": args.epochs, "run_dir": str(folder)}


# -- 2. nearest neighbour ------------------------------------------------------------------

class NeighbourGraph(NamedTuple):
    new_images: object   # float32 [n, features]: fed once, to be remembered
    new_labels: object   # int64 [n]
    remember: object     # op: the whole "training", two assigns
    queries: object      # float32 [batch, features]: test digits
    truth: object        # int64 [batch]: their labels, only to count the right answers
    distances: object    # float32 [batch, k]: to the k nearest remembered digits, nearest first
    indices: object      # int32 [batch, k]: which remembered digits they are
    neighbour_labels: object  # int64 [batch, k]
    predicted: object    # int64 [batch]: the vote
    correct: object      # int32 []: how many predictions equal the truth


def build_nearest_neighbour(memory_size, features, k=K, distance=DISTANCE, classes=CLASSES):
    """k-nearest-neighbour classification of a batch of queries against a remembered set."""
    with tf.compat.v1.variable_scope("memory"):
        zeros = tf.compat.v1.zeros_initializer()
        images = tf.compat.v1.get_variable("images", [memory_size, features], tf.float32,
                                           zeros, trainable=False)
        labels = tf.compat.v1.get_variable("labels", [memory_size], tf.int64, zeros,
                                           trainable=False)
        # |m|² of every remembered image, computed once (L2 needs it for every query).
        norms = tf.compat.v1.get_variable("squared_norms", [memory_size], tf.float32, zeros,
                                          trainable=False)
        new_images = tf.compat.v1.placeholder(tf.float32, [memory_size, features], "new_images")
        new_labels = tf.compat.v1.placeholder(tf.int64, [memory_size], "new_labels")
        remember = tf.group(images.assign(new_images), labels.assign(new_labels),
                            norms.assign(tf.reduce_sum(tf.square(new_images), axis=1)),
                            name="remember")

    with tf.name_scope("queries"):
        queries = tf.compat.v1.placeholder(tf.float32, [None, features], name="images")
        truth = tf.compat.v1.placeholder(tf.int64, [None], name="labels")

    with tf.name_scope("distance"):
        memory = images.read_value()                                         # [n, features]
        if distance == "l2":
            # |q - m|² = |q|² - 2 q·m + |m|²: every pair of a batch from one matrix product.
            # |q|² is the same for every m, so the nearest m has the largest 2 q·m - |m|²;
            # |q|² is added back for the k nearest only.
            closeness = tf.subtract(2.0 * tf.matmul(queries, memory, transpose_b=True),
                                    norms.read_value(), name="closeness")   # [batch, n]
            q_sq = tf.reduce_sum(tf.square(queries), axis=1, keepdims=True)  # [batch, 1]
        elif distance == "l1":
            # Σ|q - m| has no such trick: all differences, [batch, n, features] at once.
            closeness = -tf.reduce_sum(tf.abs(queries[:, None, :] - memory[None, :, :]),
                                       axis=2, name="l1")                   # [batch, n]
        else:
            raise ValueError(f"distance must be 'l2' or 'l1', got {distance!r}")

    with tf.name_scope("nearest"):
        # The k closest, nearest first (equal distances: the lower index first).
        top, indices = tf.math.top_k(closeness, k=k, name="top_k")          # [batch, k]
        if distance == "l2":   # rounding can dip a tiny squared distance below 0
            distances = tf.sqrt(tf.maximum(q_sq - top, 0.0), name="distances")
        else:
            distances = tf.negative(top, name="distances")
        neighbour_labels = tf.gather(labels.read_value(), indices, name="labels")  # [batch, k]

    with tf.name_scope("vote"):
        # The label with the most votes; a tie goes to the label whose first vote is nearest
        # (score = votes·(k+1) + k - rank of that first vote: exact integers, no float ties).
        is_class = tf.equal(neighbour_labels[:, :, None],
                            tf.range(classes, dtype=tf.int64))               # [batch, k, 10]
        votes = tf.reduce_sum(tf.cast(is_class, tf.int32), axis=1, name="votes")  # [batch, 10]
        ranks = tf.range(k)[None, :, None]                                   # [1, k, 1]
        first = tf.reduce_min(tf.where(is_class, ranks, k), axis=1)         # [batch, 10]
        predicted = tf.argmax(votes * (k + 1) + (k - first), axis=1, name="predicted")

    with tf.name_scope("evaluation"):
        correct = tf.reduce_sum(tf.cast(tf.equal(predicted, truth), tf.int32), name="correct")
    return NeighbourGraph(new_images, new_labels, remember, queries, truth, distances,
                          indices, neighbour_labels, predicted, correct)


def query_batch(distance, memory_size, features):
    """Test digits per session.run: L2 needs [batch, n] floats, L1 [batch, n, features]."""
    if distance == "l2":
        return QUERY_BATCH
    return max(1, L1_BATCH_FLOATS // (memory_size * features))


def digit_grid(columns, title):
    """A figure of digit pictures: columns = [[(image [h, w], caption, colour)], ...], one
    list per column, drawn top to bottom."""
    rows = max(len(c) for c in columns)
    fig, axes = figures.new(1.25 * len(columns), 1.35 * rows + 0.4, rows, len(columns))
    axes = np.asarray(axes).reshape(rows, len(columns))
    for c, column in enumerate(columns):
        for r in range(rows):
            ax = axes[r, c]
            ax.set_axis_off()
            if r < len(column):
                image, caption, colour = column[r]
                ax.imshow(image, cmap="gray_r", vmin=0.0, vmax=1.0)
                ax.set_title(caption, fontsize=8, color=colour)
    fig.suptitle(title, fontsize=10)
    return fig


def neighbour_figure(picks, test, memory, found, side, k, right):
    """Test digits (top row) and their nearest remembered digits below them."""
    columns = []
    for i in picks:
        column = [(test.images[i].reshape(side, side),
                   f"test: {test.labels[i]}" + ("" if right else f"\nsaid {found['predicted'][i]}"),
                   "black" if right else "#c00000")]
        for j in range(min(k, SHOWN_NEIGHBOURS)):
            index, label = found["indices"][i, j], found["labels"][i, j]
            column.append((memory.images[index].reshape(side, side),
                           f"{label}, distance {found['distances'][i, j]:.1f}",
                           "black" if label == test.labels[i] else "#c00000"))
        columns.append(column)
    kind = "right" if right else "wrong"
    return digit_grid(columns, f"Nearest neighbour (k={k}): test digits it got {kind} (top) "
                               f"and their nearest training digits")


def nearest_neighbour(args, data, folder):
    """Section 2: remember, then answer every test digit in batches; returns a dict."""
    memory, test = data.train, data.test
    n, features = memory.images.shape
    graph = new_graph(args.seed)
    with graph.as_default():
        net = build_nearest_neighbour(n, features, args.k, args.distance)

    with Run(args, graph, folder=folder, checkpoints=False) as run:
        sess, writer = run.session, run.writer()
        started = time.perf_counter()
        sess.run(net.remember, {net.new_images: memory.images, net.new_labels: memory.labels})
        remembered = time.perf_counter() - started
        started = time.perf_counter()
        batch = query_batch(args.distance, n, features)
        parts = {"predicted": [], "indices": [], "labels": [], "distances": []}
        correct = 0
        for start in range(0, len(test), batch):
            predicted, indices, labels, distances, right = sess.run(
                [net.predicted, net.indices, net.neighbour_labels, net.distances, net.correct],
                {net.queries: test.images[start:start + batch],
                 net.truth: test.labels[start:start + batch]})
            for key, value in zip(parts, (predicted, indices, labels, distances)):
                parts[key].append(value)
            correct += int(right)
        answered = time.perf_counter() - started
        found = {key: np.concatenate(value) for key, value in parts.items()}
        accuracy = correct / len(test)
        run.log("", args.k, accuracy=accuracy)
        side = data.image_shape[0]
        right_picks = np.flatnonzero(found["predicted"] == test.labels)[:SHOWN]
        wrong_picks = np.flatnonzero(found["predicted"] != test.labels)[:SHOWN]
        for tag, picks, is_right in (("right", right_picks, True), ("wrong", wrong_picks, False)):
            if len(picks):
                figures.write(writer, tag, neighbour_figure(
                    picks, test, memory, found, side, args.k, is_right), args.k)

    print(f"\n2. Nearest neighbour (supervised, no training step): k = {args.k}, "
          f"{args.distance.upper()} distance")
    print(f"   'Training' remembered {n:,} labelled digits in one assign op "
          f"({remembered:.2f} s).")
    print(f"   {len(test):,} test digits answered in {answered:.1f} s "
          f"({batch} per session.run): {correct:,} right, {len(test) - correct:,} wrong, "
          f"accuracy {accuracy:.4f}")
    return {"accuracy": accuracy, "k": args.k, "distance": args.distance,
            "memory_size": n, "tested": len(test), "seconds": answered,
            "predicted": found["predicted"], "indices": found["indices"],
            "shown_right": len(right_picks), "shown_wrong": len(wrong_picks),
            "run_dir": str(folder)}


# -- 3. k-means ----------------------------------------------------------------------------

class KMeansGraph(NamedTuple):
    new_points: object   # float32 [n, features]: fed once (images only: no labels anywhere)
    load: object         # op: remember the points
    centroids: object    # float32 [clusters, features] variable
    initialise: object   # op: the centroids start as `clusters` distinct random points
    assignment: object   # int64 [n]: step "assign": every point's nearest centroid, stored
    mean_squared_distance: object  # float32 []: mean |point - its nearest centroid|²
    update: object       # op: step "update": every centroid moves to the mean of its points


def build_k_means(points_count, features, clusters=CLUSTERS):
    """k-means as two ops run in turn: assign each point to its nearest centroid, then move
    each centroid to the mean of its points."""
    zeros = tf.compat.v1.zeros_initializer()
    with tf.compat.v1.variable_scope("points"):
        points = tf.compat.v1.get_variable("images", [points_count, features], tf.float32,
                                           zeros, trainable=False)
        # |p|², computed once: every assign step needs it, and it never changes.
        norms = tf.compat.v1.get_variable("squared_norms", [points_count], tf.float32, zeros,
                                          trainable=False)
        new_points = tf.compat.v1.placeholder(tf.float32, [points_count, features], "new_images")
        load = tf.group(points.assign(new_points),
                        norms.assign(tf.reduce_sum(tf.square(new_points), axis=1)), name="load")
    with tf.compat.v1.variable_scope("centroids"):
        centroids = tf.compat.v1.get_variable("centroids", [clusters, features], tf.float32,
                                              zeros, trainable=False)
        picks = tf.random.shuffle(tf.range(points_count))[:clusters]       # graph-seeded
        initialise = centroids.assign(tf.gather(points.read_value(), picks), name="initialise").op

    with tf.compat.v1.variable_scope("assign"):
        membership = tf.compat.v1.get_variable("membership", [points_count], tf.int64, zeros,
                                               trainable=False)
        c = centroids.read_value()
        squared = (norms.read_value()[:, None]                               # |p - c|², all pairs
                   - 2.0 * tf.matmul(points.read_value(), c, transpose_b=True)
                   + tf.reduce_sum(tf.square(c), axis=1))                    # [n, clusters]
        assignment = membership.assign(tf.argmin(squared, axis=1), name="assignment")  # [n]
        mean_squared_distance = tf.reduce_mean(
            tf.maximum(tf.reduce_min(squared, axis=1), 0.0), name="mean_squared_distance")

    with tf.name_scope("update"):
        # Row i of one_hot(membership) marks point i's cluster, so one matrix product sums
        # every cluster's points at once (2.5 times faster here than unsorted_segment_sum).
        members = tf.one_hot(membership.read_value(), clusters)              # [n, clusters]
        sums = tf.matmul(members, points.read_value(), transpose_a=True)     # [clusters, features]
        counts = tf.reduce_sum(members, axis=0)                              # [clusters]
        # A cluster left without points keeps its centroid (its mean would be 0/0).
        old = centroids.read_value()
        means = tf.where(counts[:, None] > 0, sums / tf.maximum(counts, 1.0)[:, None], old)
        update = centroids.assign(means, name="move_centroids").op
    return KMeansGraph(new_points, load, centroids, initialise, assignment,
                       mean_squared_distance, update)


def purity(assignment, labels, clusters, classes=CLASSES):
    """How pure each cluster is against labels k-means never saw.

    Returns (overall, per cluster (size, [(label, share)] most common first)): overall is
    the fraction of points whose label is the most common one of their cluster.
    """
    table = np.zeros((clusters, classes), np.int64)
    np.add.at(table, (assignment, labels), 1)
    per_cluster = []
    for row in table:
        size = int(row.sum())
        order = np.argsort(-row, kind="stable")
        per_cluster.append((size, [(int(c), float(row[c] / size)) for c in order
                                   if row[c]] if size else []))
    return float(table.max(axis=1).sum() / len(labels)), per_cluster


def centroid_figure(centroids, side, title, stats=None):
    """The centroids as pictures, in rows of 5, captioned with their cluster's stats."""
    per_row = 5
    columns = [[] for _ in range(min(per_row, len(centroids)))]
    for i, centroid in enumerate(centroids):
        caption = f"cluster {i}"
        if stats is not None:
            size, shares = stats[i]
            caption += (f": {size} digits\n" + ", ".join(f"{label}: {share:.0%}"
                                                         for label, share in shares[:2])
                        if size else ": empty")
        columns[i % per_row].append((centroid.reshape(side, side), caption, "black"))
    return digit_grid(columns, title)


def k_means(args, data, folder):
    """Section 3: cluster the digits without their labels, then score against them."""
    images, labels = data.train.images, data.train.labels
    n, features = images.shape
    graph = new_graph(args.seed)
    with graph.as_default():
        net = build_k_means(n, features, args.clusters)

    side = data.image_shape[0]
    with Run(args, graph, folder=folder, checkpoints=False) as run:
        sess, writer = run.session, run.writer()
        sess.run(net.load, {net.new_points: images})
        sess.run(net.initialise)
        figures.write(writer, "centroids", centroid_figure(
            sess.run(net.centroids), side, "k-means: the centroids at the start "
                                           "(digits picked at random)"), 0)
        # Step i shows the state after i updates: the digits assigned to those centroids.
        assignment, spread = sess.run([net.assignment, net.mean_squared_distance])
        overall, stats = purity(assignment, labels, args.clusters)
        run.log("", 0, mean_squared_distance=spread, changed=n, purity=overall)
        iteration, changed = 0, n
        while changed and iteration < args.iterations:
            iteration += 1
            sess.run(net.update)                    # move the centroids to their means...
            previous = assignment
            assignment, spread = sess.run([net.assignment, net.mean_squared_distance])  # ...assign
            changed = int(np.sum(assignment != previous))
            overall, stats = purity(assignment, labels, args.clusters)
            run.log("", iteration, mean_squared_distance=spread, changed=changed,
                    purity=overall)
        converged = changed == 0                    # another update would move nothing
        centroids = sess.run(net.centroids)
        figures.write(writer, "centroids", centroid_figure(
            centroids, side, f"k-means after {iteration} iterations: overall purity "
                             f"{overall:.3f}", stats), iteration)

    print(f"\n3. k-means (unsupervised: the graph never saw a label): {n:,} digits, "
          f"{args.clusters} clusters,\n   " + (
              f"converged after {iteration} iterations" if converged else
              f"stopped after {iteration} iterations (--iterations), not yet converged "
              f"({changed:,} digits moved in the last)"))
    print(f"   {'cluster':>9}{'digits':>8}  purity  its labels, most common first")
    for i, (size, shares) in enumerate(stats):
        labels_seen = "  ".join(f"{label}: {share:.0%}" for label, share in shares[:3])
        print(f"   {i:>9}{size:>8}  {shares[0][1] if size else 0:>6.3f}  {labels_seen}")
    print(f"   Overall purity {overall:.3f}: the share of digits whose cluster's most common "
          f"label is their own.\n   The clusters were found without labels (the labels only "
          f"score them afterwards): a cluster\n   mixing two labels holds digits that look "
          f"alike pixel by pixel.")
    return {"purity": overall, "clusters": stats, "iterations": iteration,
            "converged": converged, "assignment": assignment, "run_dir": str(folder)}


def main(argv=None):
    p = cli.parser(LESSON, __doc__, epochs=EPOCHS, learning_rate=LEARNING_RATE,
                   data_dir=True, seed_help="seed of the noise of the regression's points "
                   "and of k-means' starting centroids: same seed, same numbers")
    p.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS),
                   metavar="MODEL", help="which of the three models to run: "
                                         f"{', '.join(MODELS)} (default: all three)")
    g = p.add_argument_group("1. linear regression")
    g.add_argument("--slope", type=cli.finite_float, default=SLOPE,
                   help="of the true line (default: %(default)s)")
    g.add_argument("--intercept", type=cli.finite_float, default=INTERCEPT,
                   help="of the true line (default: %(default)s)")
    g.add_argument("--noise", type=cli.finite_float, default=NOISE,
                   help="standard deviation of the noise added to y (default: %(default)s)")
    g.add_argument("--points", type=cli.positive_int, default=POINTS,
                   help="how many points (default: %(default)s)")
    g = p.add_argument_group("2. nearest neighbour")
    g.add_argument("--k", type=cli.positive_int, default=K,
                   help="neighbours that vote (default: %(default)s)")
    g.add_argument("--distance", choices=("l2", "l1"), default=DISTANCE,
                   help="l2: straight-line distance between pixel vectors; l1: sum of the "
                        "pixel differences (slower: no matrix-product trick) "
                        "(default: %(default)s)")
    g = p.add_argument_group("3. k-means")
    g.add_argument("--clusters", type=int, default=CLUSTERS,
                   help="how many groups, at least 2 (default: %(default)s)")
    g.add_argument("--iterations", type=cli.positive_int, default=ITERATIONS,
                   help="at most this many assign/update rounds (default: %(default)s)")
    args = cli.parse(p, argv)
    if args.noise < 0:
        raise UserError(f"--noise is a standard deviation: it must be 0 or more, "
                        f"got {args.noise:g}")
    if args.points < 2:
        raise UserError(f"--points {args.points}: a line needs at least 2 points")
    if args.clusters < 2:
        raise UserError(f"--clusters {args.clusters}: grouping needs at least 2 clusters")
    models = [m for m in MODELS if m in args.models]

    # 1. Data: the digits (only for the models that use them), with their labels
    data = None
    if "nearest_neighbour" in models or "k_means" in models:
        # No validation split: nothing here tunes a setting, so every labelled digit counts.
        try:
            data = load_mnist(args.data_dir, validation_size=0, train_size=args.train_size)
        except UserError as e:
            raise UserError(f"{e} (--models linear_regression runs without the digits)") from None
        print(f"Data: {data.source}\n")
        n = len(data.train)
        if "nearest_neighbour" in models and args.k > n:
            raise UserError(f"--k {args.k} is more neighbours than the {n:,} training digits "
                            f"to remember; choose --k {n} or less")
        if "k_means" in models and args.clusters > n:
            raise UserError(f"--clusters {args.clusters} is more clusters than the {n:,} "
                            f"digits to group; choose --clusters {n} or less")

    # 2.-4. Each model: its own graph, session and TensorBoard run, inside one run folder
    root = new_run_dir(args.logdir, LESSON, args.run_name)
    result = {"run_dir": str(root), "models": models}
    if "linear_regression" in models:
        result["linear_regression"] = linear_regression(args, root / "linear_regression")
    if "nearest_neighbour" in models:
        result["nearest_neighbour"] = nearest_neighbour(args, data, root / "nearest_neighbour")
    if "k_means" in models:
        result["k_means"] = k_means(args, data, root / "k_means")

    # 5. TensorBoard
    board.show(args, root)
    return result


if __name__ == "__main__":
    cli.run(main)
