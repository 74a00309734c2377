"""Lesson 5 — the TensorFlow Playground as a graph ("O Playground")

The talk sends its audience to the TensorFlow Playground (playground.tensorflow.org), where a
small network learns to colour the plane in the browser. This lesson runs the Playground's
experiments as a compat.v1 graph and session — the same data, the same knobs, the same
training rule — and TensorBoard replays the training like the Playground's animation.

What the Playground does, read from its source (tensorflow/playground, src/dataset.ts,
nn.ts, state.ts, playground.ts), and what this lesson does the same way:
  data      circle, xor, gauss, spiral: 500 points, label +1 (blue) or -1 (orange); with
            --problem regression, reg-plane or reg-gauss: 1,200 points, a number as label.
            --noise in percent. Shuffled once, split by --perc-train-data (50: 250 + 250).
  features  the input neurons, any of x1, x2, x1_squared, x2_squared, x1_times_x2, sin_x1,
            sin_x2, cos_x1, cos_x2 (or the Playground's names x, y, xSquared, ...); default
            x1, x2. Computed inside the graph, from the point (x1, x2). (The Playground's
            page offers the first seven today; its links still carry cosX and cosY, which
            its network now ignores and this lesson uses.)
  network   --network-shape 4,2 (neurons per hidden layer; "" for none; up to 6 layers of
            8, as the Playground's buttons allow), --activation relu, tanh, sigmoid or
            linear; one output neuron, tanh for classification, linear for regression.
            Weights start uniform in [-0.5, 0.5), biases at 0.1 (--init-zero: 0).
  loss      the square error 0.5 (output - label)^2, averaged over the points: the numbers
            the Playground prints and plots, for the training and the test points.
  training  one epoch = one tick of the Playground's "Epoch" counter: the training points in
            one fixed order, the weights updated after every --batch-size points by
            --learning-rate times the mean gradient (points left over at the end of an
            epoch join the next epoch's first update, as there). --epochs N is N ticks.
            --regularization L1 or L2 with --regularization-rate: after that step each weight
            (biases never) moves again by -learning_rate * rate * sign(w) (L1) or * w (L2);
            with L1, a weight pushed across 0 by it is set to 0 and frozen for good (the
            Playground's "dead link"): that is how L1 makes weights exactly 0.
  accuracy  not in the Playground: the share of points whose output has the label's sign.

Run it:
    python -m lessons.playground                       # the Playground's default experiment
    python -m lessons.playground --dataset xor --network-shape "" --features x1,x2
    python -m lessons.playground --dataset xor --network-shape "" --features x1,x2,x1_times_x2
    python -m lessons.playground --dataset spiral --network-shape 8,8,8 --learning-rate 0.1 \\
        --epochs 400
    python -m lessons.playground --url "https://playground.tensorflow.org/#dataset=xor&..."

What to expect (seed 0, measured; tests/test_playground.py holds each):
  - the default (circle, x1 x2 -> 4, 2 tanh): test accuracy 1.0 from epoch 45, test loss
    0.004 after the 300 epochs, about 10 s;
  - xor from x1, x2 without a hidden layer: 0.62 on the test points, a coin toss (seeds
    1-4: 0.35-0.62): no line splits the four quadrants; add x1_times_x2 and it is 1.0;
  - circle without a hidden layer from x1_squared, x2_squared: 1.0 (in those features the
    circle is a line); from x1, x2 with one hidden layer of 4 ReLUs: 1.0 (100 epochs);
  - spiral from x1, x2 (400 epochs, learning rate 0.1): one hidden layer of 8 tanh neurons
    0.66, three layers of 8 (the flags above) 0.98 (seeds 1 and 2: 0.91). Depth is not the
    only way: 32 neurons in one layer reach 0.94 after 600 epochs; sin_x1 and sin_x2 as
    features make the spiral easy even for one layer of 8 (0.99).

--url "<a Playground link>" runs the experiment of the link's "#key=value&..." part. Every
key of the Playground's links is read; showTestData, discretize, collectStats, tutorial,
hideText and the *_hide keys change only its page (this lesson always shows the test points,
in the test run) and are named as ignored. A key it does not have, or a value it cannot
use, is an error. Flags written beside --url win over the link. The Playground's seed is a
text ("0.59624"): it becomes --seed through the first 31 bits of its SHA-256, so one link
always gives the same run here — the same kind of points, though not the very points the
Playground's page draws (numpy's random numbers are not its).

In TensorBoard (the lesson prints the command):
    Images   `output/heatmap`: the output over the plane (x1 and x2 from -6 to 6, orange -1,
             grey 0, blue +1) with the training points in run `train` and the test points
             in run `test`, at 10 epochs from 0 to the last (--frames): drag the step slider
             to replay the training; `network/neurons` (run train): the middle of the
             Playground's page at the same epochs, a thumbnail of every neuron's output over
             the plane (features, hidden layers, output) joined by the weights (blue
             positive, orange negative, wider when larger): which neuron learnt which edge
    Scalars  `loss` of runs `train` and `test` overlaid, the Playground's two curves, and
             `accuracy`; one point per epoch, epoch 0 is the untrained network
    Graphs   (run `train`) `data` -> `features` -> `hidden_1` -> `hidden_2` -> `output` ->
             `loss` -> `gradients` -> `trainer`, where the Playground's update rule is
             `AssignSubVariableOp`s; `accuracy` beside them
    Text     `experiment`: the settings, and a link to the same experiment in the Playground
"""

import argparse
import math
from typing import NamedTuple

import numpy as np

from tfgraph import activations, figures, layers, new_graph, optimizers, summaries, tf
from tfgraph.support import Run, board, cli
from tfgraph.data import playground as pg
from tfgraph.support.errors import UserError
from tfgraph.train import Batch, TrainStep
from tfgraph.support.watch import Diverged

LESSON = "playground"
EPOCHS = 300        # the default experiment is learnt (test loss below 0.01) well before
FRAMES = 10         # heatmaps per run: TensorBoard keeps 10 images per tag unless told more
DENSITY = 100       # the heatmap's grid, 100 x 100 points, as the Playground's
INIT_WEIGHT = 0.5   # weights start uniform in [-0.5, 0.5): nn.ts's Math.random() - 0.5
INIT_BIAS = 0.1

# Each flag of the lesson and the Playground setting (state.ts key) it stands for.
SETTINGS = {"dataset": "dataset", "reg_dataset": "regDataset", "problem": "problem",
            "noise": "noise", "perc_train_data": "percTrainData", "features": "features",
            "network_shape": "networkShape", "activation": "activation",
            "regularization": "regularization", "regularization_rate": "regularizationRate",
            "learning_rate": "learningRate", "batch_size": "batchSize", "init_zero": "initZero"}


class PlaygroundGraph(NamedTuple):
    points: object       # float32 [batch, 2]: (x1, x2)
    labels: object       # float32 [batch, 1]: +1 / -1, or the regression target
    features: object     # float32 [batch, features]: the input neurons
    hidden: list         # layers.Dense per hidden layer, output float32 [batch, units]
    output: object       # layers.Dense: weights [last, 1], output float32 [batch, 1]
    loss: object         # float32 []: mean of 0.5 (output - label)^2
    accuracy: object     # float32 []: share of outputs with the label's sign (None: regression)
    gradients: list      # [(dloss/dvariable, variable)] for every weight and bias
    alive: list          # L1 only: float32 [inputs, units] per layer, 0 = a dead link
    train_op: object     # one update of every weight and bias
    global_step: object  # int64 []: updates so far


def feature_layer(points, keys):
    """float32 [batch, 2] -> float32 [batch, len(keys)]: the input neurons, one op each."""
    with tf.name_scope("features"):
        x1, x2 = points[:, 0:1], points[:, 1:2]                  # [batch, 1] each
        columns = [tf.identity(pg.FEATURE_BY_NAME[k].compute(x1, x2, tf.math),
                               name=pg.FEATURE_BY_NAME[k].name) for k in keys]
        return tf.concat(columns, axis=1, name="inputs")


def playground_update(gradients, learning_rate, regularization="none", rate=0.0):
    """nn.ts's updateWeights as graph ops: returns (train_op, [alive masks], global_step).

    Each variable moves by -learning_rate * its gradient (the loss is a mean over the
    batch, so this is the mean of the points' gradients). Then, for weights only, the
    regularization step -learning_rate * rate * dR/dw, with dR/dw taken at the weight
    before this update: sign(w) for L1 (+1 at 0), w for L2. With L1 a weight that this
    second step pushes across 0 is set to 0 and its link dies: a non-trainable mask stops
    every later update of it.
    """
    global_step = tf.compat.v1.train.get_or_create_global_step()
    updates, masks = [], []
    with tf.compat.v1.variable_scope("trainer"):
        for grad, var in gradients:
            layer, kind = var.op.name.split("/")[-2:]
            with tf.name_scope(f"{layer}_{kind}"):
                if kind != "weights" or regularization == "none":
                    updates.append(tf.compat.v1.assign_sub(var, learning_rate * grad))
                    continue
                before = tf.identity(var, name="before")      # one read, before any assign
                if regularization == "L2":
                    penalty_slope = before
                else:
                    penalty_slope = tf.where(before < 0, -tf.ones_like(before),
                                             tf.ones_like(before), name="sign")
                    alive = tf.compat.v1.get_variable(
                        f"{layer}_alive", var.shape, tf.float32,
                        tf.compat.v1.ones_initializer(), trainable=False)
                    masks.append(alive)
                    alive_now = tf.identity(alive)
                    grad = grad * alive_now                   # a dead link learns nothing
                stepped = before - learning_rate * grad
                regularized = tf.subtract(stepped, learning_rate * rate * penalty_slope,
                                          name="regularized")
                if regularization == "L2":
                    updates.append(tf.compat.v1.assign(var, regularized))
                    continue
                crossed = stepped * regularized < 0           # L1 pushed it across 0
                dead = tf.logical_or(crossed, alive_now <= 0, name="dead_link")
                updates.append(tf.compat.v1.assign(var, tf.where(dead, tf.zeros_like(before),
                                                                 regularized)))
                updates.append(tf.compat.v1.assign(alive, tf.where(
                    dead, tf.zeros_like(alive_now), alive_now)))
        updates.append(tf.compat.v1.assign_add(global_step, 1))
        train_op = tf.group(*updates, name="train")
    return train_op, masks, global_step


def build_graph(features=("x", "y"), network_shape=(4, 2), activation="tanh",
                problem="classification", learning_rate=0.03, regularization="none",
                regularization_rate=0.0, init_zero=False):
    """data -> features -> hidden_1 -> ... -> output; loss, gradients, trainer (nothing runs).

    features: the Playground's names of the input features (x, y, xSquared, ...), in the
    order of `pg.FEATURES`; network_shape: neurons per hidden layer, () for none; the rest
    as the flags of the same names.
    """
    with tf.name_scope("data"):
        points = tf.compat.v1.placeholder(tf.float32, [None, 2], name="points")
        labels = tf.compat.v1.placeholder(tf.float32, [None, 1], name="labels")
    inputs = feature_layer(points, features)                          # [batch, features]
    x = inputs

    if init_zero:   # every neuron of a layer equal, and staying equal: try it
        init, bias = "zeros", 0.0
    else:
        init = tf.compat.v1.random_uniform_initializer(-INIT_WEIGHT, INIT_WEIGHT)
        bias = INIT_BIAS
    hidden_activation = None if activation == "linear" else activations.BY_NAME[activation]
    hidden = []
    for i, units in enumerate(network_shape, 1):
        hidden.append(layers.dense(x, units, hidden_activation, f"hidden_{i}", init, bias))
        x = hidden[-1].output                                         # [batch, units]
    output_activation = activations.tanh if problem == "classification" else None
    output = layers.dense(x, 1, output_activation, "output", init, bias)   # [batch, 1]

    with tf.name_scope("loss"):
        loss = tf.reduce_mean(0.5 * tf.square(output.output - labels), name="square_error")
    accuracy = None
    if problem == "classification":
        with tf.name_scope("accuracy"):
            predicted = tf.where(output.output >= 0, tf.ones_like(labels), -tf.ones_like(labels))
            accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, labels), tf.float32),
                                      name="accuracy")

    variables = [v for layer in [*hidden, output] for v in (layer.weights, layer.biases)]
    gradients = optimizers.backward(loss, variables)
    train_op, alive, global_step = playground_update(gradients, learning_rate, regularization,
                                                     regularization_rate)
    return PlaygroundGraph(points, labels, inputs, hidden, output, loss, accuracy, gradients,
                           alive, train_op, global_step)


# -- the experiment: flags written on the command line, else the link's, else the Playground's

def _checked(key, convert):
    """An argparse type checking a value as the Playground's setting `key` would be."""
    def parse(text):
        try:
            return pg.check_value(key, convert(text))
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        except pg.LinkError as e:     # "noise=90: a percentage..." -> "a percentage..., got 90"
            raise argparse.ArgumentTypeError(f"{str(e).split(': ', 1)[-1]}, got {text}") from None
    return parse


def _network_shape(text):
    text = text.strip()
    if text.lower() in ("", "none"):
        return []
    return [float(t) for t in text.split(",")]


def _features(text):
    keys = set()
    for name in filter(None, (t.strip() for t in text.split(","))):
        if name not in pg.FEATURE_BY_NAME:
            raise argparse.ArgumentTypeError(
                f"unknown feature {name!r}: choose from "
                + ", ".join(f"{f.name} ({f.key})" for f in pg.FEATURES))
        keys.add(pg.FEATURE_BY_NAME[name].key)
    if not keys:
        raise argparse.ArgumentTypeError("name at least one feature, e.g. x1,x2")
    return [f.key for f in pg.FEATURES if f.key in keys]    # the Playground's order


def _regularization(text):
    names = {r.lower(): r for r in pg.REGULARIZATIONS}
    if text.lower() not in names:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(pg.REGULARIZATIONS)}, "
                                         f"got {text!r}")
    return names[text.lower()]


def parser():
    p = cli.parser(LESSON, __doc__, epochs=EPOCHS)
    d = pg.DEFAULTS
    g = p.add_argument_group(
        "the Playground's settings (default: the Playground's own; with --url, the link's)")
    g.add_argument("--url", metavar="LINK",
                   help="a Playground link: its '#key=value&...' part sets the experiment")
    g.add_argument("--problem", choices=pg.PROBLEMS, help=f"(default: {d['problem']})")
    g.add_argument("--dataset", choices=tuple(pg.DATASETS),
                   help=f"the classification data (default: {d['dataset']})")
    g.add_argument("--reg-dataset", choices=tuple(pg.REG_DATASETS),
                   help=f"the regression data (default: {d['regDataset']})")
    g.add_argument("--noise", type=_checked("noise", float), metavar="PERCENT",
                   help=f"0 to {pg.NOISE_MAX} (default: {d['noise']:g})")
    g.add_argument("--perc-train-data", type=_checked("percTrainData", float),
                   metavar="PERCENT", help="ratio of training to test data "
                                           f"(default: {d['percTrainData']:g})")
    g.add_argument("--features", type=_features, metavar="NAMES",
                   help="the input neurons, comma-separated: "
                        + ", ".join(f.name for f in pg.FEATURES) + " (default: x1,x2)")
    g.add_argument("--network-shape", type=_checked("networkShape", _network_shape),
                   metavar="SIZES", help='neurons per hidden layer, e.g. 4,2; "" for no hidden '
                                         'layer; up to 6 layers of up to 8 (default: 4,2)')
    g.add_argument("--activation", choices=pg.ACTIVATIONS,
                   help=f"of the hidden neurons (default: {d['activation']})")
    g.add_argument("--learning-rate", type=cli.positive_float, metavar="LR",
                   help=f"(default: {d['learningRate']:g})")
    g.add_argument("--batch-size", type=cli.positive_int, metavar="POINTS",
                   help=f"points per update of the weights (default: {d['batchSize']})")
    g.add_argument("--regularization", type=_regularization, metavar="none|L1|L2",
                   help=f"(default: {d['regularization']})")
    g.add_argument("--regularization-rate", type=_checked("regularizationRate", float),
                   metavar="RATE", help=f"(default: {d['regularizationRate']:g})")
    g.add_argument("--init-zero", action=argparse.BooleanOptionalAction,
                   help="start every weight and bias at 0 (default: no)")
    p.add_argument("--frames", type=cli.positive_int, default=FRAMES, metavar="N",
                   help="heatmaps written per run, at epochs spread from 0 to the last, closer "
                        "together early, where training changes most (default: %(default)s; "
                        "TensorBoard shows 10 per tag unless started with "
                        "--samples_per_plugin images=N)")
    return p


def experiment(args, seed_given):
    """Fill `args` with the run's settings: flags written on the command line, else the
    link's (--url), else the Playground's defaults. Returns (settings by the Playground's
    names, the settings the link gave, the link's ignored keys, a line about the seed or
    None)."""
    from_link, ignored, seed_text = pg.parse_url(args.url) if args.url else ({}, [], None)
    problem = args.problem or from_link.get("problem", pg.DEFAULTS["problem"])
    for flag, dest, wants in (("--dataset", "dataset", "classification"),
                              ("--reg-dataset", "reg_dataset", "regression")):
        if getattr(args, dest) is not None and problem != wants:   # (a link carries both)
            raise UserError(f"{flag} {getattr(args, dest)} is {wants} data, but the problem "
                            f"is {problem}: add --problem {wants}")
    settings = {}
    for dest, key in SETTINGS.items():
        value = getattr(args, dest)
        settings[key] = value if value is not None else from_link.get(key, pg.DEFAULTS[key])
        setattr(args, dest, settings[key])
    if not settings["features"]:
        raise UserError("no input feature is switched on: the network would see nothing "
                        "(switch one on, e.g. --features x1,x2 or x=true in the link)")
    n = pg.SAMPLES[settings["problem"]]
    n_train = math.floor(n * settings["percTrainData"] / 100)
    if not 0 < n_train < n:
        raise UserError(f"percTrainData {settings['percTrainData']:g}% of {n} points leaves "
                        f"{n_train} to train and {n - n_train} to test: both need points")
    if settings["batchSize"] > n_train:
        raise UserError(f"batch size {settings['batchSize']} is more than the {n_train} "
                        f"training points: the weights would never be updated")
    seed_note = None
    if seed_text is not None and not seed_given:
        args.seed = pg.seed_from_text(seed_text)
        seed_note = (f"the link's seed {seed_text!r} -> --seed {args.seed} (SHA-256 of the "
                     f"text; numpy draws the points, so they are not the very points the "
                     f"Playground's page draws for it)")
    args.seed_text = seed_text if not seed_given else None
    if args.run_name is None:
        args.run_name = dataset_name(settings)
    return settings, list(from_link), ignored, seed_note


def dataset_name(settings):
    return settings["dataset" if settings["problem"] == "classification" else "regDataset"]


def describe(settings, n_train, n_test):
    """The experiment in two lines, the way the Playground's page lays it out."""
    s = settings
    hidden = ", ".join(map(str, s["networkShape"])) or "none"
    features = ", ".join(pg.FEATURE_BY_NAME[k].name for k in s["features"])
    output = "tanh" if s["problem"] == "classification" else "linear"
    regularization = ("none" if s["regularization"] == "none"
                      else f"{s['regularization']} rate {s['regularizationRate']:g}")
    return (f"Data: {dataset_name(s)} ({s['problem']}), noise {s['noise']:g}%, "
            f"{n_train} training and {n_test} test points\n"
            f"Network: features {features} -> hidden {hidden} ({s['activation']}) -> output "
            f"({output}); learning rate {s['learningRate']:g}, batch {s['batchSize']}, "
            f"regularization {regularization}"
            + (", every weight and bias starting at 0" if s["initZero"] else ""))


def frame_epochs(epochs, frames):
    """The epochs that get a heatmap: 0, the last, and the rest spread geometrically between
    (training changes fastest at first), all different: min(frames, epochs + 1) of them."""
    if frames == 1:
        return [epochs]
    chosen = [0]
    for i in range(1, frames):
        target = round(epochs ** (i / (frames - 1)))
        room = epochs - (frames - 1 - i)          # leave one epoch for each later frame
        value = min(max(target, chosen[-1] + 1), room)
        if value > chosen[-1]:
            chosen.append(value)
    return chosen


# -- the pictures: the output over the plane, each neuron over the plane --------------------

GRID = pg.grid(DENSITY)        # float32 [10000, 2]: the plane, row by row from the top


class Pictures:
    """The Playground's pictures of the network as it is now, written to TensorBoard."""

    def __init__(self, run, net, data, feature_keys):
        self.run, self.net, self.data = run, net, data
        self.labels = [pg.FEATURE_BY_NAME[k].label for k in feature_keys]
        # The Playground paints its planes at alpha 160/255 over white, the points in full.
        self.plane_colours = figures.colour_scale(pg.COLOURS, lighten=1 - 160 / 255)
        self.point_colours = figures.colour_scale(pg.COLOURS)
        self.layers = [*net.hidden, net.output]
        self.fetch = [net.features, *[layer.output for layer in self.layers]]

    def frame(self, epoch, scores):
        """`output/heatmap` with the training points (run train) and with the test points
        (run test); `network/neurons`, every neuron over the plane (run train)."""
        columns = [v.reshape(DENSITY, DENSITY, -1) for v in     # [100, 100, units] per layer
                   self.run.session.run(self.fetch, {self.net.points: GRID})]
        weights = self.run.session.run([layer.weights for layer in self.layers])
        figures.write(self.run.writer("train"), "network/neurons",
                      self.network(epoch, columns, weights), epoch)
        for name, split, rim in (("train", self.data.train, "white"),
                                 ("test", self.data.test, "black")):
            fig, ax = figures.new(4.3, 4.0)
            image = figures.heatmap(ax, columns[-1][:, :, 0], (-pg.RADIUS, pg.RADIUS) * 2,
                                    self.plane_colours, points=split.points,
                                    point_values=split.labels, edgecolor=rim,
                                    point_cmap=self.point_colours)
            fig.colorbar(image, ax=ax, ticks=[-1, 0, 1], fraction=0.046, pad=0.04)
            ax.set_xlabel("x1")
            ax.set_ylabel("x2")
            measured = scores[name]
            accuracy = (f", accuracy {measured['accuracy']:.3f}"
                        if "accuracy" in measured else "")
            ax.set_title(f"epoch {epoch}: {name} loss {measured['loss']:.3f}{accuracy}",
                         fontsize=9)
            figures.write(self.run.writer(name), "output/heatmap", fig, epoch)

    def network(self, epoch, columns, weights):
        """The middle of the Playground's page: a thumbnail of each neuron's output over the
        plane, in columns from the features to the output, joined by one line per weight
        (blue positive, orange negative, wider when larger)."""
        size, down, across = 1.0, 1.25, 1.7         # thumbnail, row and column spacing
        rows = max(c.shape[2] for c in columns)
        wide, high = (len(columns) - 1) * across + size + 0.8, rows * down + 0.45
        fig, ax = figures.new(0.7 * wide, 0.7 * high + 0.3)     # inches: 0.7 per thumbnail
        middles = []                                # the y of each neuron's centre
        for c, maps in enumerate(columns):
            x = c * across
            middles.append([i * down + size / 2 for i in range(maps.shape[2])])
            for i in range(maps.shape[2]):
                ax.imshow(maps[:, :, i], extent=(x, x + size, i * down + size, i * down),
                          cmap=self.plane_colours, vmin=-1, vmax=1, zorder=2)
            header = ("features" if c == 0 else "output" if c == len(columns) - 1
                      else f"hidden_{c}")
            ax.text(x + size / 2, -0.12, header, ha="center", va="bottom", fontsize=8)
        for label, y in zip(self.labels, middles[0]):
            ax.text(-0.08, y, label, ha="right", va="center", fontsize=8)
        for c, w in enumerate(weights):             # w: [neurons of c, neurons of c + 1]
            for i, j in np.ndindex(*w.shape):
                colour = self.point_colours((np.clip(w[i, j], -1, 1) + 1) / 2)
                ax.plot([c * across + size, (c + 1) * across], [middles[c][i], middles[c + 1][j]],
                        color=colour, linewidth=0.4 + 2.6 * min(abs(w[i, j]), 5) / 5, zorder=1)
        ax.set_xlim(-0.75, wide - 0.75)
        ax.set_ylim(high - 0.45, -0.45)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(f"epoch {epoch}", fontsize=9)
        return fig


def score(run, net, data, epoch, learning_rate):
    """{"train" | "test": {"loss", "accuracy"}} on every point of each split, written to the
    split's run at `epoch`; a loss that is not a number any more stops the run."""
    fetch = {"loss": net.loss}
    if net.accuracy is not None:
        fetch["accuracy"] = net.accuracy
    scores = {}
    for name, split in (("train", data.train), ("test", data.test)):
        values = run.session.run(fetch, {net.points: split.points,
                                         net.labels: split.labels[:, None]})
        scores[name] = {k: float(v) for k, v in values.items()}
        if not math.isfinite(scores[name]["loss"]):
            raise Diverged(f"the {name} loss became {scores[name]['loss']} at epoch {epoch}; "
                           f"try a smaller --learning-rate than {learning_rate:g}; the "
                           f"summaries up to that epoch are kept")
        run.log(name, epoch, **scores[name])
    return scores


def main(argv=None):
    p = parser()
    args = cli.parse(p, argv)
    seed_given = "seed" in cli.given(p, argv)

    # 1. The experiment and its data
    settings, from_link, ignored, seed_note = experiment(args, seed_given)
    data = pg.make_data(dataset_name(settings), settings["noise"], settings["percTrainData"],
                        args.seed)
    print(describe(settings, len(data.train), len(data.test)))
    if args.url:
        print(f"From the link: {', '.join(from_link) or 'nothing'}"
              + (f"; ignored (they change only the Playground's page): {', '.join(ignored)}"
                 if ignored else ""))
    if seed_note:
        print(f"Seed: {seed_note}")

    # 2. Graph
    graph = new_graph(args.seed)
    with graph.as_default():
        net = build_graph(settings["features"], settings["networkShape"],
                          settings["activation"], settings["problem"], settings["learningRate"],
                          settings["regularization"], settings["regularizationRate"],
                          settings["initZero"])

    # 3. Session: epochs of the Playground's updates; pictures at a few epochs
    frames = frame_epochs(args.epochs, args.frames)
    link = pg.to_url(settings, args.seed_text or str(args.seed))
    history = {"train": [], "test": []}
    with Run(args, graph, writers=("train", "test"), checkpoints=False) as run:
        summaries.text(run.writer("train"), "experiment", experiment_markdown(
            settings, args, link, ignored))
        pictures = Pictures(run, net, data, settings["features"])
        train_step = TrainStep(run.session, net.train_op, net.loss, net.points, net.labels)
        train_labels = data.train.labels[:, None]                         # [n, 1]
        for epoch in range(args.epochs + 1):
            if epoch > 0:    # epoch 0 is the untrained network, the Playground's first picture
                for indices in pg.update_batches(len(data.train), settings["batchSize"], epoch):
                    train_step(Batch(0, epoch, data.train.points[indices],
                                     train_labels[indices], False))
            scores = score(run, net, data, epoch, settings["learningRate"])
            for name in history:
                history[name].append(scores[name])
            if epoch in frames:
                pictures.frame(epoch, scores)
                print(f"epoch {epoch:>5}  " + "  ".join(
                    f"{metric} train {scores['train'][metric]:.4f} "
                    f"test {scores['test'][metric]:.4f}" for metric in scores["test"]),
                    flush=True)
        steps = run.step
        dead = [int((m == 0).sum()) for m in run.session.run(net.alive)]

    final = {name: history[name][-1] for name in history}
    print(f"\nAfter {args.epochs} epochs ({steps:,} updates of the weights): test loss "
          f"{final['test']['loss']:.4f} (train {final['train']['loss']:.4f})" + (
              f", test accuracy {final['test']['accuracy']:.3f} "
              f"(train {final['train']['accuracy']:.3f})" if net.accuracy is not None else ""))
    if dead:
        total = sum(int(np.prod(m.shape)) for m in net.alive)
        print(f"L1 set {sum(dead)} of {total} weights to 0 for good (dead links).")
    print(f"The same settings in the Playground: {link}")

    # 4. TensorBoard
    if len(frames) > 10:
        print(f"TensorBoard shows 10 heatmaps per tag unless started with "
              f"--samples_per_plugin images={len(frames)}")
    board.show(args, run.dir)
    return {"train_loss": final["train"]["loss"], "test_loss": final["test"]["loss"],
            "train_accuracy": final["train"].get("accuracy"),
            "test_accuracy": final["test"].get("accuracy"),
            "history": history, "epochs": args.epochs, "steps": steps, "frames": frames,
            "settings": settings, "seed": args.seed, "ignored": ignored, "link": link,
            "dead_links": sum(dead), "neurons": list(settings["networkShape"]),
            "features": [pg.FEATURE_BY_NAME[k].name for k in settings["features"]],
            "run_dir": str(run.dir)}


def experiment_markdown(settings, args, link, ignored):
    """The Text tab's record of the run: every setting, and the link to try it in the browser."""
    rows = [f"| `{key}` | `{value}` |" for key, value in settings.items()]
    origin = f" (from the link's `{args.seed_text}`)" if args.seed_text else ""
    rows += [f"| `seed` | `{args.seed}`{origin} |",
             f"| `epochs` | `{args.epochs}` |"]
    text = "\n".join(["| setting | value |", "|---|---|", *rows, "", f"Playground: {link}"])
    if ignored:
        text += f"\n\nIgnored (they change only the Playground's page): {', '.join(ignored)}"
    return text


if __name__ == "__main__":
    cli.run(main)
