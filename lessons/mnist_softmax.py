"""Lesson 7 — reading digits with logits and softmax ("Logits?!")

The hands-on part of the talk, "Criando e treinando Redes Neurais": recognise handwritten
digits (MNIST, 28x28 pixels) with the smallest network there is — one layer of 10 neurons,
one per digit. Each neuron's weighted sum of the 784 pixels is its *logit*, a raw score;
softmax turns the 10 scores into probabilities; the cross-entropy between those and the
one-hot label is the error; gradient descent lowers it, one mini-batch per step.

Three arrays a learner must not confuse (the lesson prints all three for a real digit):
    one-hot label   0 0 0 0 0 1 0 0 0 0   the answer, as the slide "Logits?!" draws it
    logits          -2.1 0.3 ... 7.9 ...   the 10 neurons' raw scores, any real numbers
    probabilities   0.00 0.00 ... 0.97 ... softmax(logits): positive, summing to 1

Run it:
    python -m lessons.mnist_softmax                       # full MNIST: about 92% correct
    python -m lessons.mnist_softmax --data-dir ../shared/data/mnist   # offline, 10k digits
    python -m lessons.exercises start cross_entropy     # your turn: then check it

In TensorBoard (the lesson prints the command):
    Graphs      (run `train`) `inputs` -> `logit_layer` -> `softmax`; `cross_entropy` ->
                `gradients` -> `sgd_trainer`; `evaluation` (accuracy); `save`: the
                checkpoint ops (Ctrl-C, --resume)
    Scalars     `accuracy` and `loss`: the `train`, `validation` and `test` runs overlay
    Histograms  `logit_layer/weights/histogram` and `logit_layer/biases/histogram`
                spreading out as the layer learns (the Distributions tab shows the same
                over time)
    Images      `inputs/digits`: what the network is fed; `logit_layer/weight_maps`: one
                28x28 picture per digit — bright pixels vote for it, dark ones against
"""

from typing import NamedTuple

import numpy as np

from tfgraph import activations, layers, losses, new_graph, optimizers, summaries, tf
from tfgraph.support import Run, board, cli, report
from tfgraph.support.i18n import _, number
from tfgraph.data.mnist import load_mnist
from tfgraph.train import fit

LESSON = "mnist_softmax"
EPOCHS = 5
BATCH_SIZE = 100
LEARNING_RATE = 0.5     # the TF tutorial's value: one linear layer tolerates a large step
SUMMARY_EVERY = 100     # steps between training summaries
CLASSES = 10


class SoftmaxGraph(NamedTuple):
    x: object               # float32 [batch, 784]: pixels in [0, 1]
    y: object               # float32 [batch, 10]: one-hot labels
    weights: object         # float32 [784, 10]
    biases: object          # float32 [10]
    logits: object          # float32 [batch, 10]: x·W + b, the raw scores
    probabilities: object   # float32 [batch, 10]: softmax(logits)
    loss: object            # float32 []: mean cross-entropy
    accuracy: object        # float32 []: fraction of correct answers
    train_op: object        # one step of gradient descent
    global_step: object     # int64 []: steps done
    summary: object         # string: training summaries (scalars, histograms, images)


def build_graph(learning_rate=LEARNING_RATE, image_shape=(28, 28), classes=CLASSES):
    """Placeholders -> one layer of logits -> softmax; loss, SGD and accuracy. Runs nothing."""
    height, width = image_shape
    with tf.name_scope("inputs"):
        x = tf.compat.v1.placeholder(tf.float32, [None, height * width], name="x")
        y = tf.compat.v1.placeholder(tf.float32, [None, classes], name="y")
        digits = tf.compat.v1.summary.image("digits", summaries.as_images(x, height, width), 4)

    # Weights start at 0: the loss of a single softmax layer is convex, so symmetry does no
    # harm here (a hidden layer would need random weights, see mnist_dense).
    logit = layers.dense(x, classes, name="logit_layer", init="zeros")
    probabilities = activations.softmax(logit.output)                  # [batch, 10]

    loss = losses.cross_entropy(logit.output, y)
    train_op, _, global_step = optimizers.sgd(loss, learning_rate)
    _, accuracy = losses.evaluation(logit.output, y)

    with tf.name_scope("logit_layer/"):
        weight_maps = tf.compat.v1.summary.image(
            "weight_maps", summaries.weight_maps(logit.weights, height, width), classes)
    summary = tf.compat.v1.summary.merge([
        tf.compat.v1.summary.scalar("loss", loss),
        tf.compat.v1.summary.scalar("accuracy", accuracy),
        digits, weight_maps, *summaries.layer_histograms(logit, activations=False)])
    return SoftmaxGraph(x, y, logit.weights, logit.biases, logit.output, probabilities,
                        loss, accuracy, train_op, global_step, summary)


def show_one_digit(session, net, split, index=0):
    """Print one real digit and the three arrays: one-hot label, logits, probabilities."""
    image, label = split.images[index], int(split.labels[index])
    logits, probs = session.run([net.logits, net.probabilities], {net.x: image[None]})
    side = int(np.sqrt(image.size))
    print("\n" + _("A real test digit (a {label}):").format(label=label))
    for row in image.reshape(side, side)[::2]:                           # every other row
        print("   " + "".join(" .:-=+*#%@"[min(int(v * 10), 9)] for v in row))
    print()
    print(report.table([[_("one-hot label"), *split.one_hot()[index].astype(int)],
                        ["logits", *(number(v, ".1f") for v in logits[0])],
                        [_("probabilities"), *(number(v, ".2f") for v in probs[0])]],
                       header=["", *map(str, range(CLASSES))]))
    print(_("  -> predicted {digit} with probability {probability}; the probabilities sum to "
            "{total}").format(digit=int(np.argmax(logits[0])),
                              probability=number(probs[0].max(), ".2f"),
                              total=number(probs[0].sum(), ".3f")))
    return {"label": label, "logits": logits[0].tolist(), "probabilities": probs[0].tolist()}


def main(argv=None):
    p = cli.parser(LESSON, __doc__, epochs=EPOCHS, batch_size=BATCH_SIZE,
                   learning_rate=LEARNING_RATE, data_dir=True, summary_every=SUMMARY_EVERY,
                   resume=True)
    args = cli.parse(p, argv)

    # 1. Data: images float32 [n, 784] in [0, 1], labels 0-9
    data = load_mnist(args.data_dir, train_size=args.train_size)
    print(_("Data: {source}").format(source=data.source))
    print(_('The slide "Logits?!": the label 5 as a one-hot array'))
    print("  Rótulo " + " ".join(str(d) for d in range(CLASSES)))
    print("  Array  " + " ".join("1" if d == 5 else "0" for d in range(CLASSES)))
    print(_("The slide calls this array the logits; in TensorFlow it is the one-hot label, and"
            "\nthe logits are the 10 raw scores the network computes (shown at the end).") + "\n")

    # 2. Graph
    graph = new_graph(args.seed)
    with graph.as_default():
        net = build_graph(args.learning_rate, data.image_shape)

    # 3. Session: train, then test on digits never seen in training
    with Run(args, graph, writers=("train", "validation", "test")) as run:
        # The loop (tfgraph/train.py, `fit`, a dozen lines: read it): one mini-batch per
        # session.run (forward, backward, SGD update), the splits scored after each epoch.
        progress, scores = fit(run, net, data, args)
        test = scores["test"]          # scored after the last epoch
        steps = run.step
        print("\n" + report.test_accuracy(test, len(data.test), steps))
        example = show_one_digit(run.session, net, data.test)

    # 4. TensorBoard
    board.show(args, run.dir)
    return {"test_accuracy": test["accuracy"], "test_loss": test["loss"],
            "train_loss": progress.loss, "epochs": args.epochs, "steps": steps,
            "examples_per_second": progress.examples_per_second, "example": example,
            "run_dir": str(run.dir)}


if __name__ == "__main__":
    cli.run(main)
