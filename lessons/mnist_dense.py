"""Lesson 8 — a dense network reads digits ("Uma rede Densa")

The network on the slide "Tensorflow", built by hand: pixels -> a ReLU layer -> a logit
layer -> softmax cross-entropy -> gradients -> an SGD trainer with learning rate 0.01.
A hidden layer of ReLU neurons lets the network combine pixels into strokes before voting
for a digit, which a single layer (lesson mnist_softmax) cannot: about 92% correct becomes
about 98% (0.979 on full MNIST with the defaults: 20 epochs, 110,000 steps of 10 digits).
Same data, same loss, same training loop as mnist_softmax — only the graph grew.

Run it:
    python -m lessons.mnist_dense                          # full MNIST
    python -m lessons.mnist_dense --data-dir ../shared/data/mnist     # offline, 10k digits
    python -m lessons.mnist_dense --hidden 64 --activation sigmoid    # change a number, compare
    python -m lessons.exercises start two_hidden_layers # your turn: then check it

In TensorBoard (the lesson prints the command):
    Graphs      (run `train`) the slide's boxes: `inputs` -> `relu_layer` -> `logit_layer`
                -> `cross_entropy` -> `gradients` -> `sgd_trainer` (double-click a box to
                open it); `evaluation` (predictions, accuracy); `save`: the checkpoint ops
                (Ctrl-C, --resume)
    Scalars     `accuracy` and `loss` of the `train`, `validation` and `test` runs, overlaid
    Histograms  for both layers, `relu_layer/weights/histogram`,
                `relu_layer/biases/histogram`, `relu_layer/activations`,
                `logit_layer/weights/histogram`, `logit_layer/biases/histogram`,
                `logit_layer/activations`; `relu_layer/activations` shows how many neurons
                output exactly 0 (the spike at 0)
    Images      `inputs/digits`, `relu_layer/weight_maps` (what 16 hidden neurons look
                for), and in the test run `misclassified/...`: digits the network got
                wrong, the true and predicted labels in each tag
"""

from typing import NamedTuple

from tfgraph import activations, layers, losses, new_graph, optimizers, summaries, tf
from tfgraph.support import Run, board, cli, report
from tfgraph.support.i18n import N_, _, number
from tfgraph.data.mnist import load_mnist
from tfgraph.train import fit

LESSON = "mnist_dense"
EPOCHS = 20
BATCH_SIZE = 10         # small batches, many steps: SGD at 0.01 needs the steps (see README)
LEARNING_RATE = 0.01    # the slide's "SGD Trainer learning_rate = 0.01"
HIDDEN = 256            # neurons in the ReLU layer
ACTIVATION = "relu"
SUMMARY_EVERY = 1000    # steps between training summaries (histograms are not free)
CLASSES = 10


class DenseGraph(NamedTuple):
    x: object               # float32 [batch, 784]
    y: object               # float32 [batch, 10]: one-hot labels
    hidden: object          # layers.Dense: weights [784, hidden], biases [hidden], output [batch, hidden]
    logit: object           # layers.Dense: weights [hidden, 10], biases [10], output [batch, 10]
    logits: object          # float32 [batch, 10]
    probabilities: object   # float32 [batch, 10]
    predicted: object       # int64 [batch]: the digit with the largest logit
    loss: object            # float32 []
    accuracy: object        # float32 []
    train_op: object
    gradients: object       # [(dL/dvariable, variable)] for every weight and bias
    global_step: object     # int64 []
    summary: object         # string: training summaries
    scalars: list           # [string]: the loss and accuracy summaries (for a lighter merge)


def build_graph(learning_rate=LEARNING_RATE, hidden=HIDDEN, activation=ACTIVATION,
                image_shape=(28, 28), classes=CLASSES):
    """inputs -> relu_layer -> logit_layer; cross_entropy, gradients, sgd_trainer, evaluation."""
    height, width = image_shape
    with tf.name_scope("inputs"):
        x = tf.compat.v1.placeholder(tf.float32, [None, height * width], name="x")
        y = tf.compat.v1.placeholder(tf.float32, [None, classes], name="y")
        digits = tf.compat.v1.summary.image("digits", summaries.as_images(x, height, width), 4)

    # Random initial weights: if every hidden neuron started equal, they would all receive
    # the same gradient and stay equal forever.
    hidden_layer = layers.dense(x, hidden, activations.BY_NAME[activation],
                                name=f"{activation}_layer")
    logit = layers.dense(hidden_layer.output, classes, name="logit_layer")
    probabilities = activations.softmax(logit.output)                    # [batch, 10]

    loss = losses.cross_entropy(logit.output, y)
    train_op, gradients, global_step = optimizers.sgd(loss, learning_rate)
    predicted, accuracy = losses.evaluation(logit.output, y)

    layer_summaries = [*summaries.layer_histograms(hidden_layer),
                       *summaries.layer_histograms(logit)]
    with tf.name_scope(f"{activation}_layer/"):
        shown = hidden_layer.weights[:, :16]                               # [784, 16]
        layer_summaries.append(tf.compat.v1.summary.image(
            "weight_maps", summaries.weight_maps(shown, height, width), 16))
    scalars = [tf.compat.v1.summary.scalar("loss", loss),
               tf.compat.v1.summary.scalar("accuracy", accuracy)]
    summary = tf.compat.v1.summary.merge([*scalars, digits, *layer_summaries])
    return DenseGraph(x, y, hidden_layer, logit, logit.output, probabilities, predicted,
                      loss, accuracy, train_op, gradients, global_step, summary, scalars)


def main(argv=None):
    p = cli.parser(LESSON, __doc__, epochs=EPOCHS, batch_size=BATCH_SIZE,
                   learning_rate=LEARNING_RATE, data_dir=True, summary_every=SUMMARY_EVERY,
                   resume=True)
    cli.add_hidden(p, HIDDEN)
    p.add_argument("--activation", choices=sorted(activations.BY_NAME), default=ACTIVATION,
                   help=cli.with_default(N_("the hidden layer's activation function")))
    args = cli.parse(p, argv)

    # 1. Data: images float32 [n, 784] in [0, 1], labels 0-9
    data = load_mnist(args.data_dir, train_size=args.train_size)
    print(_("Data: {source}").format(source=data.source))

    # 2. Graph
    graph = new_graph(args.seed)
    with graph.as_default():
        net = build_graph(args.learning_rate, args.hidden, args.activation, data.image_shape)

    # 3. Session: lesson mnist_softmax's training loop (tfgraph.train.fit), unchanged; only
    #    the graph grew
    with Run(args, graph, writers=("train", "validation", "test")) as run:
        progress, scores = fit(run, net, data, args)
        test = scores["test"]
        steps = run.step
        wrong, tags = summaries.log_misclassified(run.session, net, data.test,
                                                  run.writer("test"), steps)
    print("\n" + _("{accuracy}; {wrong} wrong, the first {shown} are in TensorBoard's Images "
                   "tab (test run, misclassified/...)").format(
        accuracy=report.test_accuracy(test, len(data.test), steps), wrong=number(wrong),
        shown=number(len(tags))))

    # 4. TensorBoard
    board.show(args, run.dir)
    return {"test_accuracy": test["accuracy"], "test_loss": test["loss"],
            "train_loss": progress.loss, "epochs": args.epochs, "steps": steps,
            "misclassified": wrong, "misclassified_tags": tags,
            "examples_per_second": progress.examples_per_second, "run_dir": str(run.dir)}


if __name__ == "__main__":
    cli.run(main)
