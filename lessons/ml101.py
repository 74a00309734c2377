"""Lesson 1 — Machine Learning 101: three kinds of model, each as a graph ("Tipos de modelos")

"O que é Machine Learning?": learning is finding a mathematical function that describes data it
has not seen; finding it is *training*, using it is *prediction*. "Não existe uma bala de
prata": there are many kinds of model. Three of the slide's, as graphs run in sessions:
    1. Linear regression (supervised: examples with answers): the best line through noisy
       points, by the normal equations (XᵀX) w = Xᵀy in one chain of ops with no loop, and by
       gradient descent one step per session.run. Both land on numpy's lstsq line.
    2. Nearest neighbour (supervised, nothing to train: "training" is one assign op that
       remembers the labelled digits): a test digit takes the label of its k nearest; one matrix
       product gives a batch's distances (../shared/data/mnist, 1-NN: 0.9675 right, in a second).
    3. k-means (unsupervised: the graph never sees a label): 10 clusters by two ops in turn,
       *assign* (each digit joins its nearest centroid) and *update* (each centroid moves to
       the mean of its digits). Only afterwards do the labels say how pure each cluster is.

Run it:
    python -m lessons.ml101 --data-dir ../shared/data/mnist      # add --k 5 --distance l1
    python -m lessons.ml101 --models linear_regression --noise 3 --points 20   # no digits
    python -m lessons.exercises start normal_equations  # your turn: then check it

In TensorBoard (the lesson prints the command), one run per model:
    `linear_regression`: Graphs `data` -> `normal_equations` (`MatrixSolve`: no loop) beside
        `model` -> `mean_squared_error` -> `gradients` -> `sgd_trainer`; Scalars `loss`, `slope`,
        `intercept` per step; Images `fit`, the lines after 0, 1, 3, 10, 30, ... steps
    `nearest_neighbour`: Graphs `memory` (its op `memory/remember` is the whole training),
        `queries` -> `distance` -> `nearest` (`TopKV2`) -> `vote` -> `evaluation`; Scalars
        `accuracy` (at step k); Images `right`, `wrong`: test digits over their nearest ones
    `k_means`: Graphs `points` -> `assign` (`ArgMin`) -> `update` (`OneHot`, `MatMul`: all the
        clusters' sums in one product), `centroids`; Scalars per iteration (0: the random start)
        `mean_squared_distance`, `changed` (0: converged), `purity`; Images `centroids` (start, end)
"""

import time
from typing import NamedTuple

import numpy as np

from tfgraph import clustering, figures, neighbours, new_graph, optimizers, tf
from tfgraph.data import line
from tfgraph.data.mnist import load_mnist
from tfgraph.support import Run, UserError, board, cli, model_flags
from tfgraph.support.i18n import N_, _, number
from tfgraph.support.runs import new_run_dir

LESSON = "ml101"
MODELS = ("linear_regression", "nearest_neighbour", "k_means")
# 1. Linear regression: y = SLOPE·x + INTERCEPT + NOISE·(a normal draw), x in line.X_RANGE
SLOPE, INTERCEPT, NOISE, POINTS = 2.0, -1.0, 1.0, 100
EPOCHS = 1000           # gradient descent's steps, each over all points
LEARNING_RATE = 0.02    # x up to 10 makes the loss steep along the slope: 0.03 diverges
K, DISTANCE, CLASSES = 1, "l2", 10      # 2. Nearest neighbour
QUERY_BATCH = 500       # test digits per session.run (L2: [500, 8000] distances at once)
L1_BATCH_FLOATS = 2 ** 24   # L1 has no matmul trick: [batch, n, 784] differences, ~64 MB
SHOWN, SHOWN_NEIGHBOURS = 8, 5      # test digits per picture; at most 5 neighbours under each
CLUSTERS, ITERATIONS = 10, 100          # 3. k-means: at most 100 rounds; it stops when none moves
TITLES = {"right": N_("Nearest neighbour (k={k}): test digits it got right (top) and their nearest training digits"),
          "wrong": N_("Nearest neighbour (k={k}): test digits it got wrong (top) and their nearest training digits")}


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
        x, y = (tf.compat.v1.placeholder(tf.float32, [None], name=name) for name in ("x", "y"))
    with tf.name_scope("normal_equations"):
        # One column per weight: the slope multiplies x, the intercept multiplies 1. The
        # weights w minimising |Xw - y|² solve (XᵀX) w = Xᵀy: a 2x2 system, one solve op.
        design = tf.stack([x, tf.ones_like(x)], axis=1, name="X")                  # [n, 2]
        xtx = tf.matmul(design, design, transpose_a=True, name="XtX")             # [2, 2]
        xty = tf.matmul(design, y[:, None], transpose_a=True, name="Xty")          # [2, 1]
        solved = tf.reshape(tf.linalg.solve(xtx, xty), [2], name="weights")
    with tf.compat.v1.variable_scope("model"):
        slope, intercept = (tf.compat.v1.get_variable(name, [], tf.float32, tf.compat.v1.zeros_initializer())
                            for name in ("slope", "intercept"))
        prediction = tf.add(slope * x, intercept, name="prediction")              # [n]
    with tf.name_scope("mean_squared_error"):
        loss = tf.reduce_mean(tf.square(prediction - y), name="loss")
    train_op, _, _ = optimizers.sgd(loss, learning_rate)    # boxes gradients, sgd_trainer
    summary = tf.compat.v1.summary.merge([tf.compat.v1.summary.scalar(name, value) for name, value
                                          in (("loss", loss), ("slope", slope), ("intercept", intercept))])
    return RegressionGraph(x, y, solved, slope, intercept, loss, train_op, summary)


class NeighbourGraph(NamedTuple):
    new_images: object   # float32 [n, features]: fed once, to be remembered
    new_labels: object   # int64 [n]
    remember: object     # op "memory/remember": the whole "training", three assigns
    queries: object      # float32 [batch, features]: test digits
    truth: object        # int64 [batch]: their labels, only to count the right answers
    distances: object    # float32 [batch, k]: to the k nearest remembered digits, nearest first
    indices: object      # int32 [batch, k]: which remembered digits they are
    neighbour_labels: object  # int64 [batch, k]
    predicted: object    # int64 [batch]: the vote
    correct: object      # int32 []: how many predictions equal the truth


def build_nearest_neighbour(memory_size, features, k=K, distance=DISTANCE, classes=CLASSES):
    """k-nearest-neighbour classification of a batch of queries against a remembered set."""
    memory = neighbours.memory(memory_size, features)     # box "memory": images, labels, |m|²
    with tf.name_scope("queries"):
        queries = tf.compat.v1.placeholder(tf.float32, [None, features], name="images")
        truth = tf.compat.v1.placeholder(tf.int64, [None], name="labels")
    with tf.name_scope("distance"):
        remembered, q_sq = memory.images.read_value(), None                  # [n, features]
        if distance == "l2":
            # |q - m|² = |q|² - 2 q·m + |m|²: every pair of a batch from one matrix product.
            # |q|² is the same for every m, so the nearest m has the largest 2 q·m - |m|²;
            # |q|² is added back for the k nearest only.
            closeness = tf.subtract(2.0 * tf.matmul(queries, remembered, transpose_b=True),
                                    memory.squared_norms.read_value(), name="closeness")  # [batch, n]
            q_sq = tf.reduce_sum(tf.square(queries), axis=1, keepdims=True)  # [batch, 1]
        elif distance == "l1":   # Σ|q - m| has no such trick: all differences, [batch, n, features]
            closeness = -tf.reduce_sum(tf.abs(queries[:, None, :] - remembered[None, :, :]),
                                       axis=2, name="l1")                   # [batch, n]
        else:
            raise ValueError(_("distance must be 'l2' or 'l1', got {distance!r}").format(distance=distance))
    distances, indices, neighbour_labels = neighbours.nearest(closeness, k, memory.labels, q_sq)
    predicted = neighbours.vote(neighbour_labels, k, classes)   # most votes; a tie: the nearest
    with tf.name_scope("evaluation"):
        correct = tf.reduce_sum(tf.cast(tf.equal(predicted, truth), tf.int32), name="correct")
    return NeighbourGraph(memory.new_images, memory.new_labels, memory.remember, queries, truth,
                          distances, indices, neighbour_labels, predicted, correct)


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
    points = clustering.points(points_count, features)       # box "points": images, |p|²
    zeros = tf.compat.v1.zeros_initializer()                # nothing here learns by gradients
    with tf.compat.v1.variable_scope("centroids"):
        centroids = tf.compat.v1.get_variable("centroids", [clusters, features], tf.float32, zeros, trainable=False)
        picks = tf.random.shuffle(tf.range(points_count))[:clusters]       # graph-seeded
        initialise = centroids.assign(tf.gather(points.images.read_value(), picks), name="initialise").op
    with tf.compat.v1.variable_scope("assign"):
        membership = tf.compat.v1.get_variable("membership", [points_count], tf.int64, zeros, trainable=False)
        c = centroids.read_value()
        squared = (points.squared_norms.read_value()[:, None]                # |p - c|², all pairs
                   - 2.0 * tf.matmul(points.images.read_value(), c, transpose_b=True)
                   + tf.reduce_sum(tf.square(c), axis=1))                    # [n, clusters]
        assignment = membership.assign(tf.argmin(squared, axis=1), name="assignment")  # [n]
        mean_squared_distance = tf.reduce_mean(
            tf.maximum(tf.reduce_min(squared, axis=1), 0.0), name="mean_squared_distance")
    with tf.name_scope("update"):
        # Row i of one_hot(membership) marks point i's cluster, so one matrix product sums
        # every cluster's points at once (2.5 times faster here than unsorted_segment_sum).
        members = tf.one_hot(membership.read_value(), clusters)              # [n, clusters]
        sums = tf.matmul(members, points.images.read_value(), transpose_a=True)  # [clusters, features]
        counts = tf.reduce_sum(members, axis=0)                              # [clusters]
        old = centroids.read_value()    # a cluster left without points keeps its centroid
        means = tf.where(counts[:, None] > 0, sums / tf.maximum(counts, 1.0)[:, None], old)
        update = centroids.assign(means, name="move_centroids").op
    return KMeansGraph(points.new_images, points.load, centroids, initialise, assignment, mean_squared_distance, update)


def linear_regression(args, x, y, folder):
    """The normal equations in one session.run, then gradient descent one step per run."""
    with new_graph(args.seed).as_default() as graph:
        net = build_linear_regression(args.learning_rate)
    with Run(args, graph, folder=folder, checkpoints=False) as run:
        sess, writer, feed = run.session, run.writer(), {net.x: x, net.y: y}
        solved, losses = sess.run(net.solved, feed), []  # one run of the chain: no loop
        for step in range(args.epochs + 1):   # the state after `step` updates, then one more update
            summary, loss, slope, intercept = sess.run([net.summary, net.loss, net.slope, net.intercept], feed)
            writer.add_summary(summary, step)
            losses.append(float(loss))
            if not np.isfinite(loss):
                raise UserError(_("gradient descent diverged at step {step} (loss {loss}): try a smaller "
                                  "--learning-rate than {lr:g}").format(step=step, loss=loss, lr=args.learning_rate))
            if step in figures.log_steps(args.epochs):
                figures.write(writer, "fit", figures.line_fit(x, y, [
                    (_("true line"), args.slope, args.intercept, "k:"), (_("normal equations"), *solved, "C0-"),
                    (_("gradient descent"), slope, intercept, "C1--")],
                    _("Linear regression, gradient descent after {step} steps").format(step=step), line.X_RANGE), step)
            if step < args.epochs:
                sess.run(net.train_op, feed)
    print(_("1. Linear regression (supervised): ") + line.summary(x, y, (args.slope, args.intercept), args.noise, [
        (_("normal equations (one op chain)"), *solved, None),
        (_("gradient descent ({steps} steps)").format(steps=args.epochs), slope, intercept, losses[-1])]))
    return {"lstsq": line.lstsq(x, y), "normal_equations": [float(v) for v in solved], "losses": losses,
            "gradient_descent": [float(slope), float(intercept)], "steps": args.epochs, "run_dir": str(folder)}


def nearest_neighbour(args, data, folder):
    """Remember the training digits in one op, then answer the test digits a batch at a time."""
    memory, test = data.train, data.test
    n, features = memory.images.shape
    with new_graph(args.seed).as_default() as graph:
        net = build_nearest_neighbour(n, features, args.k, args.distance)
    with Run(args, graph, folder=folder, checkpoints=False) as run:
        started = time.perf_counter()
        run.session.run(net.remember, {net.new_images: memory.images, net.new_labels: memory.labels})
        remembered, started = time.perf_counter() - started, time.perf_counter()
        batch = QUERY_BATCH if args.distance == "l2" else max(1, L1_BATCH_FLOATS // (n * features))
        fetches = [net.predicted, net.indices, net.distances, net.correct]
        answers = [run.session.run(fetches, {net.queries: test.images[rows], net.truth: test.labels[rows]})
                   for rows in (slice(start, start + batch) for start in range(0, len(test), batch))]
        answered = time.perf_counter() - started
        predicted, indices, distances = (np.concatenate(a) for a in list(zip(*answers))[:3])
        correct = sum(int(right) for *_, right in answers)
        run.log("", args.k, accuracy=correct / len(test))
        for tag, picks in (("right", predicted == test.labels), ("wrong", predicted != test.labels)):
            if np.any(picks):     # a few of them, each over its nearest remembered digits
                figures.write(run.writer(), tag, figures.neighbours(
                    np.flatnonzero(picks)[:SHOWN], test, memory, predicted, indices, distances, data.image_shape[0],
                    _(TITLES[tag]).format(k=args.k), SHOWN_NEIGHBOURS), args.k)
    print("\n" + _("2. Nearest neighbour (supervised, no training step): k = {k}, {distance} distance\n"
                   "   'Training' remembered {n} labelled digits in one assign op ({remembered} s).\n"
                   "   {tested} test digits answered in {answered} s ({batch} per session.run): {right} right, "
                   "{wrong} wrong, accuracy {accuracy}").format(
        k=args.k, distance=args.distance.upper(), batch=batch, n=number(n, ","), tested=number(len(test), ","),
        right=number(correct, ","), wrong=number(len(test) - correct, ","), remembered=number(remembered, ".2f"),
        answered=number(answered, ".1f"), accuracy=number(correct / len(test), ".4f")))
    return {"accuracy": correct / len(test), "k": args.k, "distance": args.distance, "memory_size": n,
            "tested": len(test), "seconds": answered, "predicted": predicted, "indices": indices,
            "shown_right": min(SHOWN, correct), "shown_wrong": min(SHOWN, len(test) - correct), "run_dir": str(folder)}


def k_means(args, data, folder):
    """Group the digits without their labels; only then score the groups against the labels."""
    images, labels, side = data.train.images, data.train.labels, data.image_shape[0]
    n, features = images.shape
    with new_graph(args.seed).as_default() as graph:
        net = build_k_means(n, features, args.clusters)
    with Run(args, graph, folder=folder, checkpoints=False) as run:
        sess, writer = run.session, run.writer()
        sess.run(net.load, {net.new_points: images})
        sess.run(net.initialise)
        figures.write(writer, "centroids", figures.cluster_centres(sess.run(net.centroids), side,
                      _("k-means: the centroids at the start (digits picked at random)")), 0)
        iteration, previous = 0, None
        while True:       # "assign"; step i shows the digits assigned to the centroids after i updates
            assignment, spread = sess.run([net.assignment, net.mean_squared_distance])
            changed = n if previous is None else int(np.sum(assignment != previous))
            overall, stats = clustering.purity(assignment, labels, args.clusters)
            run.log("", iteration, mean_squared_distance=spread, changed=changed, purity=overall)
            if not changed or iteration == args.iterations:
                break                           # converged: another update would move nothing
            sess.run(net.update)                # "update": each centroid to the mean of its digits
            iteration, previous = iteration + 1, assignment
        figures.write(writer, "centroids", figures.cluster_centres(sess.run(net.centroids), side, _(
            "k-means after {iterations} iterations: overall purity {purity}").format(
                iterations=iteration, purity=number(overall, ".3f")), stats), iteration)
    print("\n" + _("3. k-means (unsupervised: the graph never saw a label): {n} digits, {clusters} clusters,").format(
        n=number(n, ","), clusters=args.clusters) + "\n" + clustering.summary(stats, overall, iteration, changed))
    return {"purity": overall, "clusters": stats, "iterations": iteration, "converged": not changed,
            "assignment": assignment, "run_dir": str(folder)}


def main(argv=None):
    p = cli.parser(LESSON, __doc__, epochs=EPOCHS, learning_rate=LEARNING_RATE, data_dir=True,
                   seed_help=model_flags.SEED_HELP)
    model_flags.add(p, MODELS, slope=SLOPE, intercept=INTERCEPT, noise=NOISE, points=POINTS, k=K,
                    distance=DISTANCE, clusters=CLUSTERS, iterations=ITERATIONS)
    args = model_flags.check(cli.parse(p, argv))

    # 1. Data: points around a known line; every labelled digit (nothing here tunes a setting)
    x, y = line.points(args.slope, args.intercept, args.noise, args.points, args.seed)
    data = None
    if model_flags.needs_digits(args):
        with model_flags.digits_hint():
            data = load_mnist(args.data_dir, validation_size=0, train_size=args.train_size)
        print(_("Data: {source}").format(source=data.source) + "\n")
        model_flags.check_sizes(args, len(data.train))     # --k, --clusters: at most the digits

    # 2. Graph and 3. Session, model by model: each its own graph, session and run
    root = new_run_dir(args.logdir, LESSON, args.run_name)
    result = {"run_dir": str(root), "models": [m for m in MODELS if m in args.models]}
    if "linear_regression" in args.models:
        result["linear_regression"] = linear_regression(args, x, y, root / "linear_regression")
    for model, run_model in (("nearest_neighbour", nearest_neighbour), ("k_means", k_means)):
        if model in args.models:        # each on the digits
            result[model] = run_model(args, data, root / model)

    # 4. TensorBoard
    board.show(args, root)
    return result


if __name__ == "__main__":
    cli.run(main)
