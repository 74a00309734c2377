"""Lesson 3 — one perceptron decides: shall we go to the park? ("Uma rede neural simples")

The slides "Dados de treino" and "Uma rede neural simples", exactly: two inputs, x1 = the
weather (-1 Chovendo, 0 Nublado, 1 Sol) and x2 = the money (-1 Falido, 0 Ok de grana,
1 Rico!); Y = 1 we go, 0 we don't. One perceptron: weights start at 0, the bias is a
constant 0, the step activation fires when the weighted sum reaches t = 0, and the error is
(output - Y)². It learns by the perceptron rule, one row of the table at a time:

    w <- w + learning_rate * (Y - output) * x

Every piece is a graph op (placeholders for x and Y, a variable for w, an assign op for the
rule) and a session runs them row by row, printing the same table as the slides. It stops
after the first epoch without a mistake, then answers the slides' last question: raining
but rich (-1, 1) — do we go?

Run it:
    python -m lessons.perceptron_park
    python -m lessons.perceptron_park --predict 1 -1      # sunny, but broke?
    python -m lessons.exercises start perceptron_rule   # your turn: then check it

In TensorBoard (the lesson prints the command):
    Graphs   boxes `inputs` -> `perceptron` -> `error` -> `update`; open `update` to see
             the rule as ops (`Sub`, `Mul`, `AssignAddVariableOp`) and `perceptron` for
             `perceptron/weights` and `perceptron/bias`; `decision` answers for all nine
             days at once (the picture below).
    Scalars  `error/squared_error`, one point per row, reaching 0 and staying there;
             `perceptron/w1` and `perceptron/w2` stepping to 1. Set "Smoothing" (left) to 0:
             with 12 points, the default smoothing draws curves the perceptron never made.
    Images   `decision/days`: the 3x3 grid of days after each epoch (white = vamos!, black
             = não), money from Rico! (top) to Falido, weather from Chovendo (left) to Sol;
             drag the step slider to see epoch 1's grid, then epoch 2's.
"""

from typing import NamedTuple

from tfgraph import activations, new_graph, tf
from tfgraph.support import Run, board, cli
from tfgraph.data import park
from tfgraph.support.i18n import N_, _, ngettext, number

LESSON = "perceptron_park"
EPOCHS = 10          # at most; the lesson stops at the first epoch without a mistake
LEARNING_RATE = 1.0  # the slide's rule adds or subtracts x itself
THRESHOLD = 0.0      # "Perceptrons com t=0": fire when the weighted sum is >= t


class ParkGraph(NamedTuple):
    x: object               # float32 [2]: one day (x1 weather, x2 money)
    y: object               # float32 []: 1 we go, 0 we don't
    weights: object         # float32 [2] variable, starts at 0
    bias: object            # float32 [] constant 0
    weighted_sum: object    # float32 []: w . x + b
    output: object          # float32 []: step(weighted_sum), 0 or 1
    error: object           # float32 []: (output - Y)^2
    update: object          # float32 [2]: the weights after the perceptron rule
    step_summary: object    # string: error and weights, written every row
    decisions: object       # float32 [3, 3]: the answer for every day of the grid
    decision_summary: object  # string: that grid as an image, written every epoch


def build_graph(learning_rate=LEARNING_RATE, threshold=THRESHOLD):
    """The perceptron, its error and its learning rule as graph ops (nothing runs here)."""
    with tf.name_scope("inputs"):
        x = tf.compat.v1.placeholder(tf.float32, [2], name="x")
        y = tf.compat.v1.placeholder(tf.float32, [], name="Y")

    with tf.compat.v1.variable_scope("perceptron"):
        weights = tf.compat.v1.get_variable(                       # "Pesos iniciais 0"
            "weights", [2], tf.float32, tf.compat.v1.zeros_initializer())
        bias = tf.constant(0.0, name="bias")                       # "Viés constante e 0"
        weighted_sum = tf.add(tf.tensordot(weights, x, 1), bias, name="weighted_sum")
        output = activations.step(weighted_sum, threshold)        # 1.0 or 0.0

    with tf.name_scope("error"):
        error = tf.square(output - y)                             # "Função erro: (output-Y)²"
        error_summary = tf.compat.v1.summary.scalar("squared_error", error)

    with tf.name_scope("update"):
        # The perceptron rule. The step function has no useful gradient (0 almost
        # everywhere), so this is not backpropagation: a wrong answer moves w towards x
        # (missed a yes) or away from it (a false yes); a right answer leaves w alone.
        delta = tf.multiply(learning_rate * (y - output), x, name="delta")
        # (resource variables ignore the name given to assign_add: name the result instead)
        update = tf.identity(tf.compat.v1.assign_add(weights, delta), name="perceptron_rule")

    with tf.name_scope("perceptron/"):  # the trailing "/" re-opens the scope: tags perceptron/w1
        weight_summaries = [tf.compat.v1.summary.scalar(f"w{i + 1}", update[i]) for i in range(2)]
    step_summary = tf.compat.v1.summary.merge([error_summary, *weight_summaries])

    with tf.name_scope("decision"):
        # Every day of the slide's table at once: rows Rico! -> Falido, columns Chovendo -> Sol.
        days = tf.constant([[x1, x2] for x2 in (1, 0, -1) for x1 in (-1, 0, 1)], tf.float32,
                           name="grid")                            # [9, 2]
        decisions = tf.reshape(
            activations.step(tf.linalg.matvec(days, weights) + bias, threshold), [3, 3])
        # A 96x96 picture: each day a 28x28 square (white = vamos!) in a grey frame, so the
        # white squares stay visible on TensorBoard's white page.
        cells = tf.tile(decisions[:, :, None, None], [1, 1, 28, 28])       # [3, 3, 28, 28]
        cells = tf.pad(cells, [[0, 0], [0, 0], [2, 2], [2, 2]], constant_values=0.5)
        picture = tf.reshape(tf.transpose(cells, [0, 2, 1, 3]), [96, 96])
        decision_summary = tf.compat.v1.summary.image("days", picture[None, :, :, None])

    return ParkGraph(x, y, weights, bias, weighted_sum, output, error, update,
                     step_summary, decisions, decision_summary)


def main(argv=None):
    p = cli.parser(LESSON, __doc__, epochs=EPOCHS, learning_rate=LEARNING_RATE,
                   learning_rate_help=N_("how far the perceptron rule moves the weights on a "
                                         "mistake: w <- w + LR * (Y - output) * x"),
                   seed_help=N_("has no effect here: nothing in this lesson is random (the "
                                "weights start at 0, the rows come in the slide's order); kept "
                                "so every lesson takes the same flags"))
    p.add_argument("--predict", nargs=2, type=cli.finite_float, metavar=("X1", "X2"),
                   default=park.QUESTION,
                   help=_("the day to ask about after training (default: -1 1, raining but rich)"))
    args = cli.parse(p, argv)

    # 1. Data: the slide's six rows
    rows_x, rows_y = park.table()

    # 2. Graph: build, don't run
    graph = new_graph(args.seed)
    with graph.as_default():
        net = build_graph(args.learning_rate)

    # 3. Session: one row per step, until an epoch without a mistake
    with Run(args, graph, checkpoints=False) as run:   # 12 steps: nothing worth resuming
        sess, writer = run.session, run.writer()
        wide = max(4, len(_("step")))                  # the step column fits its heading
        print(f"{_('step'):>{wide}} {'x1':>3} {'x2':>3} {'Y':>2} {_('output'):>7} {_('error'):>6}"
              f" {'w1':>6} {'w2':>6}")
        step, epochs_run, converged = 0, 0, False
        for epoch in range(1, args.epochs + 1):
            mistakes = 0
            for x, y in zip(rows_x, rows_y):
                step += 1
                output, error, weights, summary = sess.run(
                    [net.output, net.error, net.update, net.step_summary], {net.x: x, net.y: y})
                writer.add_summary(summary, step)
                mistakes += int(error)
                print(f"{step:>{wide}} {x[0]:>3.0f} {x[1]:>3.0f} {y:>2.0f} {output:>7.0f}"
                      f" {error:>6.0f} {number(weights[0], '>6g')} {number(weights[1], '>6g')}")
            writer.add_summary(sess.run(net.decision_summary), step)
            epochs_run = epoch
            print(ngettext("-- epoch {epoch}: {n} mistake", "-- epoch {epoch}: {n} mistakes",
                           mistakes).format(epoch=epoch, n=mistakes))
            if mistakes == 0:
                converged = True
                break

        weights, bias, grid = sess.run([net.weights, net.bias, net.decisions])
        day = [float(v) for v in args.predict]
        answer = int(sess.run(net.output, {net.x: day}))

    if converged:
        print("\n" + ngettext("Learned in {epochs} epoch ({steps} steps): w = ({w1}, {w2}), b = {b}",
                              "Learned in {epochs} epochs ({steps} steps): w = ({w1}, {w2}), b = {b}",
                              epochs_run).format(
            epochs=epochs_run, steps=step, w1=number(weights[0], "g"), w2=number(weights[1], "g"),
            b=number(bias, "g")))
    else:
        print("\n" + ngettext("Still making mistakes after {epochs} epoch: try more --epochs.",
                              "Still making mistakes after {epochs} epochs: try more --epochs.",
                              epochs_run).format(epochs=epochs_run))
    print("\n" + _("The decision for every day (x2 down, x1 across):"))
    print(" " * 12 + "".join(f"{park.WEATHER[x1]:>10}" for x1 in (-1, 0, 1)))
    for r, x2 in enumerate((1, 0, -1)):
        print(f"{park.MONEY[x2]:<12}" + "".join(
            f"{'vamos!' if grid[r, c] else 'não':>10}" for c in range(3)))
    print("\n" + _("{day} (x1={x1}, x2={x2}): output {output} -> {answer}").format(
        day=park.describe(*day), x1=f"{day[0]:g}", x2=f"{day[1]:g}", output=answer,
        answer=_(park.ANSWER[answer])))

    # 4. TensorBoard
    board.show(args, run.dir)
    return {
        "weights": [float(w) for w in weights],
        "bias": float(bias),
        "epochs": epochs_run,
        "steps": step,
        "converged": converged,
        "prediction": {"x1": day[0], "x2": day[1], "output": answer},
        "decisions": grid.astype(int).tolist(),
        "run_dir": str(run.dir),
    }


if __name__ == "__main__":
    cli.run(main)
