"""Lesson 9 — going deep: the slide's VGGNet16, and a VGG-style network that reads digits

The slides "Going Deep", "VGGNet16" and "Deep Learning?": deep learning means networks with
many layers, which can abstract a lot but need much data and computing power. Two parts:

1. The slide's VGGNet16 (Simonyan and Zisserman, 2014), built as a graph but not trained:
   13 convolutions of 3x3 in five blocks (64, 64, pool/2, 128, 128, pool/2, 256 x3, pool/2,
   512 x3, pool/2, 512 x3, pool/2), then fc 4096, fc 4096, fc 1000 on a 224x224 colour
   image. The lesson prints every layer's output shape and parameters: 138,357,544 in all,
   the published count (553 MB of float32), and about 15.5 billion multiply-adds per image.
   The slide's text lists a third "fc 4096": the published network ends in fc 1000, one
   output per ImageNet class. Training it is far beyond a laptop; opening it is not.
2. The same pattern scaled to 28x28 digits, and trained: three blocks of two 3x3
   convolutions, the channels doubling after each 2x2 pool (16, 32, 64), then a dense
   ReLU layer (fc4) and the logit layer (fc5), trained with Adam. It has fewer weights than
   mnist_dense's network (146,938 against 203,530) but does 36 times the arithmetic per
   image, because every 3x3 filter is applied at every position of the image: that is
   what "deep" costs (an epoch takes about 5 times as long). It reaches 0.994 test
   accuracy on full MNIST where mnist_dense reaches 0.979 (60 wrong digits instead of
   213), in 3 to 8.5 minutes of training on 2 cores (the README times two machines).

Run it:
    python -m lessons.going_deep                        # full MNIST: about 99.4% correct
    python -m lessons.going_deep --data-dir ../shared/data/mnist     # offline, 10k digits
    python -m lessons.going_deep --digits 0-4           # digits 0-4: transfer_learning's base
    python -m lessons.going_deep --channels 8           # change a number, compare
    python -m lessons.exercises start vgg_block         # your turn: then check it

In TensorBoard (the lesson prints the command):
    Graphs      run `vgg16`: the slide's network, `inputs` -> `conv1_1` `conv1_2` `pool1`
                -> `conv2_1` `conv2_2` `pool2` -> `conv3_1` `conv3_2` `conv3_3` `pool3`
                -> `conv4_1` `conv4_2` `conv4_3` `pool4` -> `conv5_1` `conv5_2` `conv5_3`
                `pool5` -> `flatten` -> `fc6` `fc7` `fc8` -> `softmax` (built, never run);
                run `train`: the digit network, `inputs` -> `conv1_1` ... `pool3` ->
                `flatten` -> `fc4` -> `fc5` -> `cross_entropy` -> `gradients` ->
                `adam_trainer`, with its `schedule` (the learning rate) and `evaluation`;
                `save`: the checkpoint ops (Ctrl-C, --resume)
    Scalars     `accuracy` and `loss` of the `train`, `validation` and `test` runs,
                overlaid; `schedule/learning_rate`, shrinking every epoch
    Histograms  the weights and the output of every layer: `conv1_1/weights/histogram`,
                `conv1_1/activations`, `conv1_2/weights/histogram`, `conv1_2/activations`,
                `conv2_1/weights/histogram`, `conv2_1/activations`, `conv2_2/weights/histogram`,
                `conv2_2/activations`, `conv3_1/weights/histogram`, `conv3_1/activations`,
                `conv3_2/weights/histogram`, `conv3_2/activations`, `fc4/weights/histogram`,
                `fc4/activations`, `fc5/weights/histogram`, `fc5/activations`
    Images      `inputs/digits`; `conv1_1/filters`: the first layer's sixteen 3x3 filters
                (grey = 0, white positive, black negative); they hardly move from their
                random start: random 3x3 filters already respond to edges and strokes
                (on full MNIST these weights move by 13% of their size, those of the conv
                layers above by 33 to 52%); in the test run, one test digit's feature maps
                after each block (`feature_maps/block1`, `feature_maps/block2`,
                `feature_maps/block3`) and the digits it got wrong (`misclassified/...`)
"""

import time
from typing import NamedTuple

from lessons import mnist_dense
from tfgraph import counts, figures, layers, losses, new_graph, optimizers, summaries, tf
from tfgraph.data.digits import ALL_DIGITS, only_digits, parse_digits
from tfgraph.data.mnist import load_mnist
from tfgraph.support import Run, board, cli, flag_types, report
from tfgraph.support.i18n import N_, _, ngettext, number
from tfgraph.train import fit, steps_per_epoch

LESSON = "going_deep"
EPOCHS = 10
BATCH_SIZE = 100
LEARNING_RATE = 0.001   # Adam's usual first step size
DECAY = 0.7             # the learning rate shrinks by this factor every epoch
CHANNELS = 16           # channels of the first block; each block after a pool doubles them
BLOCKS = 3              # 28x28 -> 14x14 -> 7x7 -> 3x3
CONVS_PER_BLOCK = 2
DENSE = 128             # units of fc4
SUMMARY_EVERY = 100     # steps between training summaries
CLASSES = 10

# The slide's VGGNet16: (name, what the slide says, channels or units); "pool" halves.
VGG16 = [
    ("conv1_1", "3x3 conv, 64", 64), ("conv1_2", "3x3 conv, 64", 64), ("pool1", "pool/2", None),
    ("conv2_1", "3x3 conv, 128", 128), ("conv2_2", "3x3 conv, 128", 128), ("pool2", "pool/2", None),
    ("conv3_1", "3x3 conv, 256", 256), ("conv3_2", "3x3 conv, 256", 256), ("conv3_3", "3x3 conv, 256", 256),
    ("pool3", "pool/2", None),
    ("conv4_1", "3x3 conv, 512", 512), ("conv4_2", "3x3 conv, 512", 512), ("conv4_3", "3x3 conv, 512", 512),
    ("pool4", "pool/2", None),
    ("conv5_1", "3x3 conv, 512", 512), ("conv5_2", "3x3 conv, 512", 512), ("conv5_3", "3x3 conv, 512", 512),
    ("pool5", "pool/2", None), ("flatten", "", None),
    ("fc6", "fc 4096", 4096), ("fc7", "fc 4096", 4096), ("fc8", N_("fc 1000 (slide: 4096)"), 1000),
]
VGG16_INPUT = (224, 224, 3)
VGG16_PARAMETERS = 138_357_544     # the published count


# -- 1. the slide's VGGNet16 ------------------------------------------------------------------

class Vgg16Graph(NamedTuple):
    images: object          # float32 [batch, 224, 224, 3]
    logits: object          # float32 [batch, 1000]
    probabilities: object   # float32 [batch, 1000]
    table: list             # [counts.Row]: every layer as the slide lists it


def build_vgg16(image_shape=VGG16_INPUT, spec=VGG16):
    """The slide's VGGNet16 from raw variables, conv2d and max_pool. Runs nothing.

    Building declares 138 million weights but allocates none: a variable's memory is only
    taken when a session initialises it, which this lesson never does. Every ReLU here is
    TensorFlow's fused tf.nn.relu: the values and gradients of lesson activations' `maximum`
    formula in one op each way, which trained conv networks 20 to 40% faster here.
    """
    with tf.name_scope("inputs"):
        images = tf.compat.v1.placeholder(tf.float32, [None, *image_shape], name="images")
    table = [counts.layer_row("inputs", _("{0}x{1} RGB image").format(*image_shape[:2]), images)]
    h = images
    for name, slide, size in spec:
        layer = None
        if name.startswith("conv"):
            layer = layers.conv2d(h, size, tf.nn.relu, name=name)
            h = layer.output
        elif name.startswith("pool"):
            h = layers.max_pool(h, name=name)
        elif name == "flatten":
            h = layers.flatten(h, name=name)
        else:                                   # fc: ReLU but the last (the logits)
            last = name == spec[-1][0]
            layer = layers.dense(h, size, None if last else tf.nn.relu, name=name)
            h = layer.output
        table.append(counts.layer_row(name, _(slide), h, layer))
    return Vgg16Graph(images, h, tf.nn.softmax(h, name="softmax"), table)


# -- 2. a VGG-style network for digits --------------------------------------------------------

class DeepGraph(NamedTuple):
    x: object               # float32 [batch, 784]: pixels in [0, 1]
    y: object               # float32 [batch, 10]: one-hot labels
    images: object          # float32 [batch, 28, 28, 1]: x as images
    layers: dict            # name -> layers.Conv / layers.Dense (conv1_1 ... fc5)
    blocks: list            # float32 [batch, 14, 14, c], [batch, 7, 7, 2c], [batch, 3, 3, 4c]
    table: list             # [counts.Row]: the layer table
    logits: object          # float32 [batch, 10]
    probabilities: object   # float32 [batch, 10]
    predicted: object       # int64 [batch]
    loss: object            # float32 []
    accuracy: object        # float32 []
    learning_rate: object   # float32 []: the schedule's value at the current step
    train_op: object
    global_step: object     # int64 []
    summary: object         # string: training summaries
    scalar_summary: object  # string: only loss, accuracy, learning rate (transfer_learning's base)


def conv_blocks(images, channels=CHANNELS, blocks=BLOCKS, convs=CONVS_PER_BLOCK):
    """The feature extractor: `blocks` times (`convs` 3x3 convolutions, then pool/2),
    the channels doubling after each pool, then flatten. Returns (features float32
    [batch, n], {name: layers.Conv}, [each block's pooled output], [counts.Row])."""
    found, outputs, table, h = {}, [], [], images
    for b in range(1, blocks + 1):
        for i in range(1, convs + 1):
            name = f"conv{b}_{i}"
            found[name] = layers.conv2d(h, channels * 2 ** (b - 1), tf.nn.relu, name=name)
            h = found[name].output
            table.append(counts.layer_row(name, f"3x3 conv, {h.shape[-1]}", h, found[name]))
        h = layers.max_pool(h, name=f"pool{b}")
        outputs.append(h)
        table.append(counts.layer_row(f"pool{b}", "pool/2", h))
    features = layers.flatten(h)
    table.append(counts.layer_row("flatten", "", features))
    return features, found, outputs, table


def dense_layers(features, classes=CLASSES, units=DENSE, blocks=BLOCKS):
    """The classifier on top: a dense ReLU layer, then the logit layer, numbered after the
    blocks as VGG numbers them (its five blocks are followed by fc6, fc7, fc8).
    Returns (logits float32 [batch, classes], {name: layers.Dense}, [counts.Row])."""
    hidden, logit = f"fc{blocks + 1}", f"fc{blocks + 2}"
    found = {hidden: layers.dense(features, units, tf.nn.relu, name=hidden)}
    found[logit] = layers.dense(found[hidden].output, classes, name=logit)
    table = [counts.layer_row(hidden, f"fc {units}", found[hidden].output, found[hidden]),
             counts.layer_row(logit, f"fc {classes} (logits)", found[logit].output, found[logit])]
    return found[logit].output, found, table


def build_graph(learning_rate=LEARNING_RATE, decay=DECAY, steps_per_epoch=550,
                channels=CHANNELS, image_shape=(28, 28), classes=CLASSES):
    """inputs -> conv blocks -> flatten -> fc4 -> fc5; cross_entropy, gradients, adam_trainer
    with a learning rate that shrinks by `decay` every `steps_per_epoch` steps, evaluation."""
    height, width = image_shape
    with tf.name_scope("inputs"):
        x = tf.compat.v1.placeholder(tf.float32, [None, height * width], name="x")
        y = tf.compat.v1.placeholder(tf.float32, [None, classes], name="y")
        images = tf.reshape(x, [-1, height, width, 1], name="images")   # [batch, 28, 28, 1]
        digits = tf.compat.v1.summary.image("digits", images, 4)

    features, convs, blocks, rows = conv_blocks(images, channels)
    logits, dense, rows_fc = dense_layers(features, classes)
    table = [counts.layer_row("inputs", _("{0}x{1} grey image").format(height, width), images), *rows, *rows_fc]
    probabilities = tf.nn.softmax(logits, name="softmax")

    loss = losses.cross_entropy(logits, y)
    global_step = tf.compat.v1.train.get_or_create_global_step()
    with tf.name_scope("schedule"):
        # Large steps while far from a minimum, small ones to settle into it:
        # learning_rate * decay^(epochs done), continuously.
        epochs_done = tf.cast(global_step, tf.float32) / float(steps_per_epoch)
        rate = tf.multiply(learning_rate, tf.pow(decay, epochs_done), name="rate")
        rate_summary = tf.compat.v1.summary.scalar("learning_rate", rate)
    train_op = optimizers.adam(loss, rate)[0]
    predicted, accuracy = losses.evaluation(logits, y)

    found = {**convs, **dense}
    histograms = [h for layer in found.values() for h in summaries.layer_histograms(layer, biases=False)]
    with tf.name_scope("conv1_1/"):
        filters = tf.compat.v1.summary.image("filters", figures.filter_grid(found["conv1_1"].weights))
    scalars = tf.compat.v1.summary.merge([
        tf.compat.v1.summary.scalar("loss", loss),
        tf.compat.v1.summary.scalar("accuracy", accuracy), rate_summary])
    summary = tf.compat.v1.summary.merge([scalars, digits, filters, *histograms])
    return DeepGraph(x, y, images, found, blocks, table, logits, probabilities, predicted,
                     loss, accuracy, rate, train_op, global_step, summary, scalars)


def main(argv=None):
    p = cli.parser(LESSON, __doc__, epochs=EPOCHS, batch_size=BATCH_SIZE, data_dir=True,
                   learning_rate=LEARNING_RATE, summary_every=SUMMARY_EVERY, resume=True,
                   learning_rate_help=_("Adam's step size in the first epoch; it shrinks by "
                                        "{decay} every epoch").format(decay=number(DECAY)))
    p.add_argument("--digits", type=flag_types.checked(parse_digits), default=ALL_DIGITS, metavar="DIGITS",
                   help=_("train and test on these digits only, e.g. 0-4 or 0,2,4 (default: all, 0-9)"))
    p.add_argument("--channels", type=cli.positive_int, default=CHANNELS, metavar="C",
                   help=cli.with_default(N_("channels of the first block; the second has 2C, the third 4C")))
    args = cli.parse(p, argv)

    # 1. Data: images float32 [n, 784] in [0, 1], labels 0-9 (only --digits)
    data = only_digits(load_mnist(args.data_dir, train_size=args.train_size), args.digits)

    # 2. Graph: the slide's VGGNet16 (built, never run), the same pattern for digits, mnist_dense's
    vgg_graph = new_graph(args.seed)     # seeded: its initial weights are random ops
    with vgg_graph.as_default():
        vgg = build_vgg16()
    print("\n" + _("The slide's VGGNet16, built as a graph (not trained: 553 MB of weights, and "
                   "weeks of GPUs on ImageNet):") + f"\n{counts.table(vgg.table)}")
    print(_("  The slide's text lists a third fc 4096; the published network ends in fc 1000, "
            "one output per ImageNet class."))
    graph = new_graph(args.seed)
    with graph.as_default():
        net = build_graph(args.learning_rate, DECAY, steps_per_epoch(len(data.train), args.batch_size),
                          args.channels, data.image_shape)
    with new_graph(args.seed).as_default():     # lesson mnist_dense's network, for scale
        dense = mnist_dense.build_graph()
        dense_params, dense_adds = counts.totals(
            [counts.layer_row("", "", layer.output, layer) for layer in (dense.hidden, dense.logit)])

    # 3. Session: lesson mnist_softmax's training loop (tfgraph.train.fit), unchanged: it
    #    only needs x, y, train_op, loss, accuracy and summary
    print("\n" + _("Data: {source}").format(source=data.source))
    print(ngettext("Training {epochs} epoch of {n} digits, batch {batch}, Adam from {rate} shrinking by {decay} per "
                   "epoch:", "Training {epochs} epochs of {n} digits, batch {batch}, Adam from {rate} shrinking by "
                   "{decay} per epoch:", args.epochs).format(epochs=args.epochs, n=number(len(data.train), ","),
          batch=args.batch_size, rate=number(args.learning_rate, "g"), decay=number(DECAY)))
    with Run(args, graph, writers=("train", "validation", "test")) as run:
        if not args.resume:          # the VGGNet16 as a run of its own, written once
            with vgg_graph.as_default():     # a FileWriter needs its graph as the default
                tf.compat.v1.summary.FileWriter(str(run.dir / "vgg16"), vgg_graph).close()
        started, cpu = time.perf_counter(), time.process_time()
        progress, scores = fit(run, net, data, args)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        steps, test = run.step, run.writer("test")
        wrong, tags = summaries.log_misclassified(run.session, net, data.test, test, steps)
        digit, label, maps = data.test.images[0], int(data.test.labels[0]), []
        for b, block in enumerate(run.session.run(net.blocks, {net.x: digit[None]}), 1):
            maps.append(f"feature_maps/block{b}")     # what the network sees of one digit
            figures.write(test, maps[-1], figures.feature_maps(digit, label, block[0], b), steps)
    params, adds = counts.totals(net.table)
    print("\n" + _("The VGG-style network for digits (trained):") + f"\n{counts.table(net.table)}")
    print(_("  mnist_dense's network: {params} parameters, {adds} multiply-adds per image: "
            "{more}x the parameters, {times}x the arithmetic").format(
        params=number(dense_params, ","), adds=number(dense_adds, ","),
        more=number(params / dense_params, ".2f"), times=number(adds / dense_adds, ".0f")))
    print("\n" + _("Training took {seconds} s ({cpu} CPU-seconds; with the evaluation after each "
                   "epoch), {speed} examples/s").format(seconds=number(seconds, ".0f"),
          cpu=number(cpu, ".0f"), speed=number(progress.examples_per_second, ",.0f")))
    accuracy = report.test_accuracy(scores["test"], len(data.test), steps)
    print(_("{accuracy}; {wrong} wrong, the first {shown} in TensorBoard's Images tab (test run, "
            "misclassified/...)").format(accuracy=accuracy, wrong=number(wrong), shown=number(len(tags))))

    # 4. TensorBoard
    board.show(args, run.dir)
    vgg_params, vgg_adds = counts.totals(vgg.table)
    return {"test_accuracy": scores["test"]["accuracy"], "test_loss": scores["test"]["loss"],
            "train_loss": progress.loss, "epochs": args.epochs, "steps": steps, "misclassified": wrong,
            "misclassified_tags": tags, "feature_map_tags": maps, "training_seconds": seconds,
            "training_cpu_seconds": cpu, "examples_per_second": progress.examples_per_second,
            "run_dir": str(run.dir), "parameters": params, "multiply_adds": adds, "table": net.table,
            "vgg16_parameters": vgg_params, "vgg16_multiply_adds": vgg_adds, "vgg16_table": vgg.table,
            "digits": list(args.digits)}


if __name__ == "__main__":
    cli.run(main)
