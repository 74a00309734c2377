"""Lesson 4 — how learning happens: backpropagation in four steps ("Como o aprendizado acontece?")

The slide lists backpropagation (Rumelhart et al., 1986) as four steps:

    1. Predição (feed forward)                  predict with the current weights
    2. Avaliação do erro total da rede          measure the total error
    3. Cálculo da contribuição de erro de cada camada   how much each layer's weights
                                                 contributed to it (the chain rule, from the
                                                 output back to the input)
    4. Ajuste pequeno de cada um dos pesos       a small step of gradient descent

This lesson writes each step as graph ops, on lesson perceptron_park's park table, with a network that can
learn by gradients: two inputs -> a hidden layer of 2 sigmoid neurons -> 1 sigmoid output
(a step function has no slope to follow, so backpropagation needs a smooth activation).
Step 3 is written out by hand, layer by layer, and checked at every step against what
TensorFlow's automatic `tf.gradients` computes: the two agree to float32 precision.

Run it:
    python -m lessons.backprop
    python -m lessons.backprop --learning-rate 0.5 --epochs 3000   # smaller steps, longer
    python -m lessons.exercises start layer_error       # your turn: then check it

In TensorBoard (the lesson prints the command):
    Graphs   `inputs` and the four boxes `1_predicao` -> `2_erro` -> `3_backpropagation`
             -> `4_ajuste` (its `AssignSubVariableOp`s move the weights); open
             `3_backpropagation` to see the chain rule as ops
             (`3_backpropagation/delta_output`, `3_backpropagation/delta_hidden`), and
             `tf_gradients` beside it, TensorFlow's own backward pass, for the check
    Scalars  `2_erro/total_error` falling;
             `3_backpropagation/max_difference_vs_tf_gradients` staying near 1e-8: the
             hand-written gradients are right
"""

from typing import NamedTuple

import numpy as np

from tfgraph import activations, layers, new_graph, tf
from tfgraph.support import Run, board, cli
from tfgraph.data import park
from tfgraph.support.i18n import N_, _, number

LESSON = "backprop"
EPOCHS = 2000         # one full-batch step per epoch: the table has only six rows
LEARNING_RATE = 2.0
HIDDEN = 2


class BackpropGraph(NamedTuple):
    x: object              # float32 [6, 2]: the days
    y: object              # float32 [6, 1]: 1 we go, 0 we don't
    hidden: object         # layers.Dense: weights [2, 2], biases [2], output [6, 2]
    out: object            # layers.Dense: weights [2, 1], biases [1], output [6, 1]
    error: object          # float32 []: mean of (output - Y)^2
    gradients: object      # [dE/dW1, dE/db1, dE/dW2, dE/db2] by hand, same shapes as those
    tf_gradients: object   # the same four from tf.gradients
    max_difference: object  # float32 []: largest |by hand - tf.gradients|
    train_op: object       # step 4: every weight moves against its gradient
    summary: object        # string: error and the check, every step


def build_graph(learning_rate=LEARNING_RATE, hidden=HIDDEN):
    """The four steps of backpropagation as graph ops (nothing runs here)."""
    with tf.name_scope("inputs"):
        x = tf.compat.v1.placeholder(tf.float32, [None, 2], name="x")
        y = tf.compat.v1.placeholder(tf.float32, [None, 1], name="Y")

    with tf.name_scope("1_predicao"):                      # feed forward
        hidden_layer = layers.dense(x, hidden, activations.sigmoid, name="hidden_layer")
        out = layers.dense(hidden_layer.output, 1, activations.sigmoid, name="output_layer")

    with tf.name_scope("2_erro"):                          # the slide's error, (output - Y)²
        n = tf.cast(tf.shape(x)[0], tf.float32)
        error = tf.reduce_mean(tf.square(out.output - y), name="mean_squared_error")

    with tf.name_scope("3_backpropagation"):               # the chain rule, layer by layer
        h, o = hidden_layer.output, out.output             # [n, hidden], [n, 1]
        # The error's slope at the output, times the sigmoid's own slope σ' = σ(1 - σ):
        delta_output = tf.multiply(2.0 * (o - y) / n, o * (1.0 - o), name="delta_output")
        d_w2 = tf.matmul(h, delta_output, transpose_a=True, name="d_output_weights")
        d_b2 = tf.reduce_sum(delta_output, axis=0, name="d_output_biases")
        # Each hidden neuron's share of the output's error, through the weight joining them:
        delta_hidden = tf.multiply(tf.matmul(delta_output, out.weights, transpose_b=True),
                                   h * (1.0 - h), name="delta_hidden")       # [n, hidden]
        d_w1 = tf.matmul(x, delta_hidden, transpose_a=True, name="d_hidden_weights")
        d_b1 = tf.reduce_sum(delta_hidden, axis=0, name="d_hidden_biases")
        by_hand = [d_w1, d_b1, d_w2, d_b2]

    variables = [hidden_layer.weights, hidden_layer.biases, out.weights, out.biases]
    automatic = tf.compat.v1.gradients(error, variables, name="tf_gradients")
    with tf.name_scope("3_backpropagation/"):
        max_difference = tf.reduce_max(
            [tf.reduce_max(tf.abs(a - b)) for a, b in zip(by_hand, automatic)],
            name="max_difference")

    # Step 4 waits for the error and the check: ops in one session.run are ordered only by
    # their inputs, and tf.gradients reads the weights itself, so without this it could read
    # them after the update and compare gradients of two different networks.
    with tf.name_scope("4_ajuste"), tf.control_dependencies([error, max_difference]):
        train_op = tf.group(*[tf.compat.v1.assign_sub(v, learning_rate * g)
                              for v, g in zip(variables, by_hand)], name="gradient_descent")

    summary = tf.compat.v1.summary.merge([
        tf.compat.v1.summary.scalar("2_erro/total_error", error),
        tf.compat.v1.summary.scalar("3_backpropagation/max_difference_vs_tf_gradients",
                                    max_difference)])
    return BackpropGraph(x, y, hidden_layer, out, error, by_hand, automatic, max_difference,
                         train_op, summary)


def main(argv=None):
    p = cli.parser(LESSON, __doc__, epochs=EPOCHS, learning_rate=LEARNING_RATE,
                   seed_help=N_("seed of the random initial weights (every step uses all six "
                                "rows, so there is no order to shuffle): same seed, same numbers"))
    p.add_argument("--hidden", type=cli.positive_int, default=HIDDEN, metavar="UNITS",
                   help=cli.with_default(N_("sigmoid neurons in the hidden layer")))
    p.add_argument("--predict", nargs=2, type=cli.finite_float, metavar=("X1", "X2"),
                   default=park.QUESTION,
                   help=_("the day to ask about after training (default: -1 1, raining but rich)"))
    args = cli.parse(p, argv)

    # 1. Data: the park table's six rows, all of them in every step
    rows_x, rows_y = park.table()
    feed_y = rows_y[:, None]                                           # [6, 1]

    # 2. Graph
    graph = new_graph(args.seed)
    with graph.as_default():
        net = build_graph(args.learning_rate, args.hidden)

    # 3. Session: the four steps, once per epoch
    with Run(args, graph, checkpoints=False) as run:
        sess, writer = run.session, run.writer()
        feed = {net.x: rows_x, net.y: feed_y}
        errors, worst = [], 0.0
        for epoch in range(1, args.epochs + 1):
            # One run does all four: the fetches need steps 1-3, the train op is step 4.
            error, difference, summary, _trained = sess.run(
                [net.error, net.max_difference, net.summary, net.train_op], feed)
            writer.add_summary(summary, epoch)
            errors.append(float(error))
            worst = max(worst, float(difference))
            if epoch == 1 or epoch % (args.epochs // 10 or 1) == 0:
                print(_("epoch {epoch}  total error {error}  |by hand - tf.gradients| <= "
                        "{difference}").format(epoch=f"{epoch:>5}", error=number(error, ".5f"),
                                               difference=number(difference, ".1e")))
        outputs = sess.run(net.out.output, {net.x: rows_x})[:, 0]
        day = np.array([args.predict], np.float32)
        answer = float(sess.run(net.out.output, {net.x: day})[0, 0])

    print("\n" + _("The hand-written gradients matched tf.gradients within {worst} at every "
                   "step.").format(worst=number(worst, ".1e")))
    print("\n x1  x2   Y   " + _("output"))
    for (x1, x2), y, o in zip(rows_x, rows_y, outputs):
        print(f"{x1:>3.0f} {x2:>3.0f} {y:>3.0f}   {number(o, '.3f')}  "
              f"{'ok' if (o > 0.5) == (y == 1) else _('WRONG')}")
    undecided = abs(answer - 0.5) < 0.1
    print("\n" + _("{day}: output {output} -> {answer}").format(
        day=park.describe(*args.predict), output=number(answer, ".3f"), answer=_(
            "undecided: no training row is like this day, and it lies on the line between the "
            "yes and the no rows (perceptron_park's step rule, 'fire when the sum >= 0', breaks "
            "the tie with vamos!)") if undecided else _(park.ANSWER[int(answer > 0.5)])))

    # 4. TensorBoard
    board.show(args, run.dir)
    return {"errors": errors, "max_gradient_difference": worst,
            "outputs": outputs.tolist(), "prediction": answer, "epochs": args.epochs,
            "run_dir": str(run.dir)}


if __name__ == "__main__":
    cli.run(main)
