"""Lesson 2 — a neuron and its activation functions ("Neurônios Digitais", "Funções de Ativação")

The slide "Neurônios Digitais": a neuron of a network has three parts, 1. Pesos (weights),
2. Viés (bias) and 3. Função de ativação, and computes F(w·x + b). The slide "Funções de
Ativação": F modulates the neuron's weighted sum, and the oldest and simplest neuron, the
perceptron, uses the step function (1 when the sum reaches 0, else 0: lesson
perceptron_park, next, trains one); the others on the slide are sigmoid, tanh, ReLU, leaky
ReLU, ELU and maxout. This lesson, in three parts:

    1. One neuron, F(w·x + b), its parts named like the slide, with your w, b, x and F.
    2. The seven functions and their derivatives, the slopes gradient descent follows,
       computed by tf.gradients: drawn from x = -5 to 5, and printed at x = -2 ... 2.
       Maxout is the largest of several linear pieces of the neuron's input; with one
       input x it needs pieces to draw, here max(x, -0.5·x - 1.5): one piece rising, one
       falling, so the curve bends at x = -1 and rises again on the left — something no
       ReLU can do, and the pieces are weights a network learns.
    3. Why the choice matters: the dense network of lesson mnist_dense (784 pixels -> 256
       neurons with F -> 10 logits), trained once per function on the same digits with the
       same seed and the same number of steps at the slide's learning rate 0.01. The step
       function's layer cannot learn by gradient descent: its derivative is 0 wherever it
       exists, tf.gradients finds no path through it, and the layer's weights end exactly
       where they started. Its accuracy is not chance, though: the logit layer above it still
       learns, reading 256 fixed random yes/no features of the pixels. Sigmoid learns more
       slowly than ReLU at this learning rate: its slope is at most 0.25. The lesson prints
       what its own run measured.

At a kink, a derivative has no single value and tf.gradients picks one (part 2 prints them):
step: None (no gradient path; the lesson shows 0); ReLU, built as max(x, 0): 1 at 0 (a tie
in tf.maximum goes to its first argument; tf.nn.relu says 0); leaky ReLU: 0.01 at 0; ELU:
1 (smooth at 0); maxout where its pieces tie (x = -1): the mean of their slopes, 0.25.

Run it:
    python -m lessons.activations --data-dir ../shared/data/mnist
    python -m lessons.activations --compare      # parts 1-2 only: no digits needed
    python -m lessons.activations --compare --activation relu --weights 1 -2 --bias 0.5 --inputs 3 1
    python -m lessons.activations --data-dir ../shared/data/mnist --compare relu sigmoid --epochs 5
    python -m lessons.exercises start elu               # your turn: then check it

In TensorBoard (the lesson prints the command):
    Runs        `neuron`, and per function `dense_<activation>/train` and
                `dense_<activation>/test` (dense_step, dense_sigmoid, ...)
    Graphs      (run `neuron`) `neuron` holds the slide's parts, `neuron/pesos`,
                `neuron/vies`, `neuron/weighted_sum` and F in
                `neuron/funcao_de_ativacao/output`; the seven functions of `curves` (the x
                they are drawn over) in `functions` (maxout's two linear pieces:
                `functions/maxout/pieces/piece_1`, `functions/maxout/pieces/piece_2`) and
                their `derivatives`, built by tf.gradients; (runs
                `dense_<activation>/train`) mnist_dense's network: `inputs` ->
                the hidden layer (named after its function, e.g. relu_layer) ->
                `logit_layer` -> `cross_entropy` -> `gradients` -> `sgd_trainer`
    Scalars     `accuracy` and `loss`: the `dense_<activation>/train` and
                `dense_<activation>/test` runs overlay, one curve per function
    Histograms  `hidden_layer_weights`: the hidden layer's weights as they train (in the
                Distributions tab, dense_step's bands stay flat: nothing moves them)
    Images      (run `neuron`) `neuron`: the neuron with your numbers; `functions/step`,
                `functions/sigmoid`, `functions/tanh`, `functions/relu`,
                `functions/leaky_relu`, `functions/elu`, `functions/maxout`: each function
                and its derivative; `functions/all`: the seven side by side
"""

import textwrap
import time
from typing import NamedTuple

import numpy as np

from lessons import mnist_dense         # the network of lesson mnist_dense, raced in part 3
from tfgraph import activations, figures, new_graph, race, tf
from tfgraph.support import Run, board, cli, neuron_flags, report
from tfgraph.data.mnist import load_mnist
from tfgraph.train import fit, steps_per_epoch
from tfgraph.support.errors import UserError
from tfgraph.support.i18n import N_, _, ngettext, number
from tfgraph.support.runs import new_run_dir

LESSON = "activations"
FUNCTIONS = ("step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "maxout")  # the slide's
# 1. one neuron: F(w·x + b) = F(0.8·1 - 0.4·0.5 + 0.3·(-1) + 0.2) = F(0.5)
WEIGHTS = (0.8, -0.4, 0.3)
BIAS = 0.2
INPUTS = (1.0, 0.5, -1.0)
ACTIVATION = "step"     # the perceptron's
# 2. the curves
CURVE_X = np.arange(-500, 501, dtype=np.float32) / 100    # -5 ... 5 in steps of 0.01, 0 exact
TABLE_X = (-2.0, -1.0, 0.0, 1.0, 2.0)
MAXOUT_PIECES = ((1.0, 0.0), (-0.5, -1.5))   # (slope, intercept) of each piece: max(x, -0.5x - 1.5)
# 3. the race: mnist_dense's network and settings, a short budget
COMPARE = FUNCTIONS
HIDDEN = mnist_dense.HIDDEN
LEARNING_RATE = mnist_dense.LEARNING_RATE   # the slide's 0.01
BATCH_SIZE = mnist_dense.BATCH_SIZE
EPOCHS = 2
TRAIN_SIZE = 10_000     # first 10,000 training digits (all 7,200 of the offline split)
SUMMARY_EVERY = 50
WIDTH = 92              # printed paragraphs wrap at this column


class NeuronGraph(NamedTuple):
    x: object            # float32 [inputs]: the neuron's inputs
    weights: object      # float32 [inputs] variable: Pesos
    bias: object         # float32 [] variable: Viés
    weighted_sum: object  # float32 []: w·x + b
    output: object       # float32 []: F(w·x + b)
    curve_x: object      # float32 [n]: where the seven functions are evaluated
    values: dict         # name -> float32 [n]: F(x)
    derivatives: dict    # name -> float32 [n]: F'(x) by tf.gradients, or None (no path)


def activate(name, z, pieces=MAXOUT_PIECES):
    """F(z) for one of the seven functions, elementwise: z float32 of any shape.

    Maxout takes the largest of linear pieces of z, (slope·z + intercept) for each piece.
    """
    if name != "maxout":
        return activations.BY_NAME[name](z)
    with tf.name_scope("maxout"):
        with tf.name_scope("pieces"):
            stacked = tf.stack([tf.add(slope * z, intercept, name=f"piece_{i + 1}")
                                for i, (slope, intercept) in enumerate(pieces)], axis=-1)
        flat = tf.reshape(stacked, [-1, len(pieces)])                 # [elements, pieces]
        return tf.reshape(activations.maxout(flat, len(pieces), name="max"), tf.shape(z))


def build_graph(weights=WEIGHTS, bias=BIAS, activation=ACTIVATION, pieces=MAXOUT_PIECES):
    """One neuron F(w·x + b), and the seven functions with their derivatives over a 1-D x."""
    with tf.compat.v1.variable_scope("neuron"):
        x = tf.compat.v1.placeholder(tf.float32, [len(weights)], name="x")
        w = tf.compat.v1.get_variable(                                  # 1. Pesos (weights)
            "pesos", initializer=tf.constant(weights, tf.float32))
        b = tf.compat.v1.get_variable(                                  # 2. Viés (bias)
            "vies", initializer=tf.constant(bias, tf.float32))
        weighted_sum = tf.add(tf.tensordot(w, x, 1), b, name="weighted_sum")
        with tf.name_scope("funcao_de_ativacao"):                       # 3. Função de ativação
            output = tf.identity(activate(activation, weighted_sum, pieces), name="output")

    with tf.name_scope("curves"):
        curve_x = tf.compat.v1.placeholder(tf.float32, [None], name="x")
    # (each scope entered once: a second `name_scope("functions")` would be functions_1)
    with tf.name_scope("functions"):
        values = {name: activate(name, curve_x, pieces) for name in FUNCTIONS}
    with tf.name_scope("derivatives"):
        # Each F is elementwise, so the gradient of ΣF(x) is F'(x) at every x. Through the
        # step, tf.gradients finds no differentiable path and answers None.
        derivatives = {name: tf.compat.v1.gradients(tf.reduce_sum(values[name]), curve_x,
                                                    name=name)[0] for name in FUNCTIONS}
    return NeuronGraph(x, w, b, weighted_sum, output, curve_x, values, derivatives)


def train_dense(args, data, folder, name):
    """Part 3, one function: mnist_dense's network with activation `name`, trained by the MNIST
    lessons' loop (tfgraph.train.fit) in its own graph and run folder. Returns {"activation",
    "test_accuracy", "test_loss", "moved": the mean |change| of the hidden weights, "steps",
    "seconds", "run_dir"}."""
    graph = new_graph(args.seed)
    with graph.as_default():
        net = mnist_dense.build_graph(args.learning_rate, args.hidden, name, data.image_shape)
        # mnist_dense's own scalars (loss, accuracy), and one histogram with the same tag in
        # every run, so TensorBoard lines the seven hidden layers up side by side.
        summary = tf.compat.v1.summary.merge([*net.scalars, tf.compat.v1.summary.histogram(
            "hidden_layer_weights", net.hidden.weights)])
    print("\n" + ngettext("== {name}: {hidden} {name} neurons, {epochs} epoch ==",
                          "== {name}: {hidden} {name} neurons, {epochs} epochs ==", args.epochs).format(
        name=name, hidden=args.hidden, epochs=args.epochs))
    started = time.perf_counter()
    with Run(args, graph, writers=("train", "test"), checkpoints=False, folder=folder) as run:
        before = run.session.run(net.hidden.weights)
        _fitted, scores = fit(run, net, data, args, summary, splits=("test",))
        after = run.session.run(net.hidden.weights)
        steps = run.step
    return {"activation": name, "test_accuracy": scores["test"]["accuracy"],
            "test_loss": scores["test"]["loss"], "moved": float(np.mean(np.abs(after - before))),
            "steps": steps, "seconds": time.perf_counter() - started, "run_dir": str(folder)}


def main(argv=None):
    p = cli.parser(LESSON, __doc__, epochs=EPOCHS, batch_size=BATCH_SIZE,
                   learning_rate=LEARNING_RATE, data_dir=True, summary_every=SUMMARY_EVERY)
    p.set_defaults(train_size=TRAIN_SIZE)
    g = p.add_argument_group(_("1. one neuron"))
    neuron_flags.add(g, WEIGHTS, BIAS, INPUTS)
    g.add_argument("--activation", choices=FUNCTIONS, default=ACTIVATION,
                   help=cli.with_default("Função de ativação"))        # the slide's words
    g = p.add_argument_group(_("3. why the choice matters"))
    g.add_argument("--compare", nargs="*", choices=FUNCTIONS, default=list(COMPARE), metavar="F",
                   help=_("train mnist_dense's network once per function (default: all seven; "
                          "--compare alone skips part 3)"))
    cli.add_hidden(g, HIDDEN)
    args = cli.parse(p, argv)
    neuron_flags.check(args)                    # one weight per input, w·x + b within float32
    args.compare = list(dict.fromkeys(args.compare))                   # each once, in order

    # 1. Data: only part 3 needs digits; found (or refused) before anything runs
    data = None
    if args.compare:
        try:
            data = load_mnist(args.data_dir, train_size=args.train_size)
        except UserError as e:
            raise UserError(_("{error} (only part 3 needs the digits: --compare alone runs "
                              "parts 1 and 2 without them)").format(error=e)) from None
        print(_("Data: {source}").format(source=data.source))

    # 2. Graph: the neuron, the seven functions, their derivatives (part 3's: `train_dense`)
    graph = new_graph(args.seed)
    with graph.as_default():
        net = build_graph(tuple(args.weights), args.bias, args.activation)

    # 3. Session: parts 1 and 2 in the run `neuron`, drawn; part 3, the race, one run each
    root = new_run_dir(args.logdir, LESSON, args.run_name)
    with Run(args, graph, checkpoints=False, folder=root / "neuron") as run:
        sess, writer = run.session, run.writer()
        weighted_sum, output = sess.run([net.weighted_sum, net.output],
                                        {net.x: np.float32(args.inputs)})
        points = np.concatenate([CURVE_X, np.float32(TABLE_X)])
        found = {k: v for k, v in net.derivatives.items() if v is not None}
        values, derivatives = sess.run([net.values, found], {net.curve_x: points})
        same_sum = sess.run(net.values, {net.curve_x: np.float32([weighted_sum])})
        no_gradient = {name for name, d in net.derivatives.items() if d is None}
        for name in no_gradient:
            derivatives[name] = np.zeros_like(points)      # the true slope wherever it exists
        n = len(CURVE_X)
        table = {name: {"values": values[name][n:].tolist(),
                        "derivatives": derivatives[name][n:].tolist(),
                        "no_gradient": name in no_gradient} for name in FUNCTIONS}
        curves = {name: values[name][:n] for name in FUNCTIONS}
        slopes = {name: derivatives[name][:n] for name in FUNCTIONS}
        figures.write(writer, "neuron", figures.neuron(
            args.weights, args.bias, args.inputs, weighted_sum, output, args.activation))
        for name in FUNCTIONS:
            figures.write(writer, f"functions/{name}", figures.activation_curve(
                name, CURVE_X, curves[name], slopes[name], name in no_gradient, TABLE_X,
                table[name]["derivatives"], MAXOUT_PIECES if name == "maxout" else ()))
        figures.write(writer, "functions/all", figures.activation_curves(CURVE_X, curves, slopes))

    print("\n" + _("1. One digital neuron, F(w·x + b)"))
    listed = _(", ").join                    # between numbers: "; " where the decimal mark is ","
    print(_("   Pesos (weights)     w = {w}").format(w=listed(number(v, "g") for v in args.weights)))
    print(_("   inputs              x = {x}").format(x=listed(number(v, "g") for v in args.inputs)))
    print(_("   Viés (bias)         b = {b}").format(b=number(args.bias, "g")))
    print(_("   weighted sum    w·x + b = {sum}").format(sum=number(weighted_sum, ".6g")))
    pieces = _(" of the pieces {pieces}, z = w·x + b").format(pieces=_(" and ").join(
        f"{number(a, 'g')}·z {'-' if c < 0 else '+'} {number(abs(c), 'g')}" for a, c in MAXOUT_PIECES)
    ) if args.activation == "maxout" else ""
    print(_("   Função de ativação  F = {activation}{pieces}  ->  output {output}").format(
        activation=args.activation, pieces=pieces, output=number(output, ".6g")))
    paragraph(_("The same sum through each of the seven: {values}").format(values=listed(
        f"{name} {number(float(same_sum[name][0]), '.4g')}" for name in FUNCTIONS)))

    print("\n" + _("2. The seven functions of the slide, and their derivatives by tf.gradients"))
    at_x = [number(x, "g") for x in TABLE_X]
    mark = {True: "(tf.gradients: None)", False: ""}
    print(report.table(
        [*([name, *table[name]["values"]] for name in FUNCTIONS), [_("F'(x)  at x ="), *at_x],
         *([name, *table[name]["derivatives"], mark[name in no_gradient]] for name in FUNCTIONS)],
        header=[N_("F(x)   at x ="), *at_x], formats=["", *[".4f"] * len(TABLE_X)], indent="   "))
    d0 = {name: number(table[name]["derivatives"][TABLE_X.index(0.0)], "g") for name in FUNCTIONS}
    (a1, c1), (a2, c2) = MAXOUT_PIECES
    paragraph(_("At the kinks tf.gradients picks one slope: relu'(0) = {relu} (tf.maximum gives a "
                "tie to its first argument), leaky_relu'(0) = {leaky_relu}, elu'(0) = {elu}; "
                "maxout's pieces {piece_1} and {piece_2} tie at x = -1, where its slope is their "
                "mean, {maxout}; step has no gradient path at all.").format(
        relu=d0["relu"], leaky_relu=d0["leaky_relu"], elu=d0["elu"],
        piece_1=f"{number(a1, 'g')}·x{number(c1, '+g')}",
        piece_2=f"{number(a2, 'g')}·x{number(c2, '+g')}",
        maxout=number(table["maxout"]["derivatives"][TABLE_X.index(-1.0)], "g")))

    # part 3, the race: mnist_dense's network once per function, each in its own graph and run
    results = []
    if args.compare:
        steps = args.epochs * steps_per_epoch(len(data.train), args.batch_size)
        print()
        paragraph(_("3. Why the choice matters: mnist_dense's network, {hidden} hidden neurons, "
                    "trained once per function: {digits} digits, {steps} steps of {batch}, learning "
                    "rate {learning_rate}, seed {seed}").format(
            hidden=args.hidden, digits=number(len(data.train), ","), steps=number(steps, ","),
            batch=args.batch_size, learning_rate=number(args.learning_rate, "g"), seed=args.seed),
            indent="")
        results = [train_dense(args, data, root / f"dense_{name}", name) for name in args.compare]
        print("\n" + report.table(race.rows(results), header=race.HEADER,
                                  formats=race.FORMATS, indent="   "))
        print(_("   (chance: 0.1; 'moved': mean |change| of the hidden layer's weights)"))
        for line in race.what_it_shows(results, args.hidden, args.learning_rate):
            paragraph(line, then="     ")

    # 4. TensorBoard
    board.show(args, root)
    return {"neuron": {"weighted_sum": float(weighted_sum), "output": float(output),
                       "activation": args.activation,
                       "same_sum": {k: float(v[0]) for k, v in same_sum.items()}},
            "table_x": list(TABLE_X), "table": table, "comparison": results,
            "run_dir": str(root)}


def paragraph(text, indent="   ", then="   "):
    """Print `text` wrapped at WIDTH columns."""
    print(textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=then))


if __name__ == "__main__":
    cli.run(main)
