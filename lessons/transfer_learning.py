"""Lesson 10 — transfer learning: reuse a trained network, replace its last layers ("Os Modelos")

The slides say: deep models take much data and computing power to train, so it is common
to retrain a known one instead; the classification happens in the last layers, so replace
those with new ones and reuse the trained weights of the rest. Here, with the network of
lesson going_deep:

1. The base: that network trained on digits 0-4 only (`--from RUN` reuses a going_deep
   run trained with `--digits 0-4`; without it the lesson trains one first).
2. The reuse: a new graph whose convolutional layers are restored from the base's
   checkpoint by a Saver over just those variables and frozen (the optimizer's var_list
   holds only the new layers), with new dense layers (fc4, fc5) for the digits 5-9, which
   the base never saw; trained on a few labelled images per digit.
3. The comparison, for 10, 30 and 100 images per digit, all trained with the same steps:
   the same network from scratch; conv layers restored and frozen (the slides' advice);
   every layer restored then fine-tuned; and conv layers plus fc4 restored and frozen (only
   fc5 new). The lesson prints the accuracy on all test digits 5-9 and the time and
   arithmetic of a training step, and what the numbers show. On full MNIST with 10
   images per digit: scratch 0.82, frozen 0.92 at a third of the arithmetic per step,
   fine-tuned 0.92, fc4 kept 0.87 (see the README for 30 and 100).

Run it:
    python -m lessons.transfer_learning            # full MNIST: trains the base, then 12 runs
    python -m lessons.transfer_learning --data-dir ../shared/data/mnist   # offline, 10k
        # digits; there training and test digits come from the same writers (MNIST's test
        # set), so scratch learns from few images as well as reuse: compare on full MNIST
    python -m lessons.going_deep --digits 0-4 --run-name base
    python -m lessons.transfer_learning --from <that run's folder name>
    python -m lessons.transfer_learning --images-per-digit 5 20 --steps 500
    python -m lessons.exercises start frozen_layers     # your turn: then check it

In TensorBoard (the lesson prints the command):
    Runs        `base/train`, `base/validation`, `base/test`: the base, when the lesson
                trains it; for each number n of images per digit, `<n>_per_digit/scratch`,
                `<n>_per_digit/frozen`, `<n>_per_digit/fine_tuned`,
                `<n>_per_digit/frozen_fc4`, side by side
    Graphs      (run `base/train`) going_deep's network, `inputs` -> `conv1_1` ... `fc5` ->
                `adam_trainer` and `save`; (the few-shot runs) `inputs` -> `base`
                (the conv layers, restored by `restore_base` except in scratch) -> `head`
                (`fc4` and `fc5` inside it) -> `cross_entropy` -> `gradients` ->
                `adam_trainer`, and `evaluation`. The `gradients` box of scratch and
                fine_tuned holds `Conv2DBackpropFilter` ops (the backward pass of a
                convolution); frozen's has none: that is the work a frozen layer saves
    Scalars     the base's `accuracy`, `loss` and `schedule/learning_rate`; in each few-shot
                run the training `loss` and the `accuracy` on all test digits 5-9
"""

import itertools
import math
import time
from types import SimpleNamespace
from typing import NamedTuple

from lessons import going_deep
from tfgraph import counts, losses, new_graph, optimizers, tf, transfer
from tfgraph.data.digits import ALL_DIGITS, digits_text, few_images, only_digits
from tfgraph.data.mnist import load_mnist
from tfgraph.support import Run, board, checkpoints, cli
from tfgraph.support.errors import UserError
from tfgraph.support.i18n import N_, _, ngettext, number
from tfgraph.support.runs import find_run, new_run_dir, read_flags
from tfgraph.support.watch import Diverged
from tfgraph.train import TrainStep, evaluate, fit, steps_per_epoch, training_batches

LESSON = "transfer_learning"
BASE_DIGITS = (0, 1, 2, 3, 4)
NEW_DIGITS = (5, 6, 7, 8, 9)
IMAGE_SHAPE = (28, 28)  # MNIST's digits, as going_deep's network reads them
CLASSES = 10            # the labels stay one-hot over all ten digits
IMAGES_PER_DIGIT = (10, 30, 100)
STEPS = 300             # training steps of every few-shot run
EVAL_EVERY = 100        # steps between evaluations on the test digits 5-9
BASE_EPOCHS = 2         # when the lesson trains its own base
BATCH_SIZE = 50
LEARNING_RATE = 0.001   # Adam, for the base and the new layers
SUMMARY_EVERY = 10

# name: (what the table calls it, layers restored from the base, layers trained)
VARIANTS = {
    "scratch": (N_("scratch"), "none", "all"),
    "frozen": (N_("conv frozen, fc new"), "conv", "fc"),
    "fine_tuned": (N_("all fine-tuned"), "conv", "all"),
    "frozen_fc4": (N_("conv+fc4 frozen"), "conv+fc4", "fc5"),
}


class TransferGraph(NamedTuple):
    x: object               # float32 [batch, 784]
    y: object               # float32 [batch, 10]: one-hot over all ten digits
    targets: object         # float32 [batch, 5]: its columns for digits 5-9
    logits: object          # float32 [batch, 5]
    loss: object            # float32 []
    accuracy: object        # float32 []: of the answers among digits 5-9
    train_op: object
    global_step: object     # int64 []
    restorer: object        # tf.compat.v1.train.Saver over the restored variables, or None
    restored: dict          # name in the base's checkpoint -> variable of this graph
    trained: list           # the variables the optimizer updates (its var_list)
    all_variables: list     # every trainable variable of the network


def checkpoint_name(variable):
    """base/conv1_1/weights -> conv1_1/weights: the base saved its layers at the top level."""
    return variable.op.name.split("/", 1)[1]


def build_graph(variant, learning_rate=LEARNING_RATE, channels=going_deep.CHANNELS,
                batch=None, image_shape=IMAGE_SHAPE):
    """inputs -> base (going_deep's conv blocks) -> head (new fc4, fc5 for digits 5-9);
    the variant says which layers a Saver restores and which the optimizer trains.
    batch: a fixed batch size for the placeholders (to count a step's arithmetic), or None."""
    restore, train = VARIANTS[variant][1:]
    height, width = image_shape
    with tf.name_scope("inputs"):
        x = tf.compat.v1.placeholder(tf.float32, [batch, height * width], name="x")
        y = tf.compat.v1.placeholder(tf.float32, [batch, CLASSES], name="y")
        targets = tf.gather(y, list(NEW_DIGITS), axis=1, name="new_digits")   # [batch, 5]
        images = tf.reshape(x, [-1, height, width, 1], name="images")
    with tf.compat.v1.variable_scope("base"):
        features, convs, _, _ = going_deep.conv_blocks(images, channels=channels)
    with tf.compat.v1.variable_scope("head"):
        logits, dense, _ = going_deep.dense_layers(features, classes=len(NEW_DIGITS))

    loss = losses.cross_entropy(logits, targets)
    fc4, fc5 = (dense[name] for name in sorted(dense))
    conv_vars = [v for layer in convs.values() for v in (layer.weights, layer.biases)]
    fc4_vars, fc5_vars = [fc4.weights, fc4.biases], [fc5.weights, fc5.biases]
    restored = {"none": [], "conv": conv_vars, "conv+fc4": conv_vars + fc4_vars}[restore]
    trained = {"all": conv_vars + fc4_vars + fc5_vars, "fc": fc4_vars + fc5_vars, "fc5": fc5_vars}[train]
    # Frozen = left out of var_list: no gradient is even computed for those variables.
    train_op, _, global_step = optimizers.adam(loss, learning_rate, var_list=trained)
    _, accuracy = losses.evaluation(logits, targets)
    restored = {checkpoint_name(v): v for v in restored}
    restorer = tf.compat.v1.train.Saver(restored, name="restore_base") if restored else None
    return TransferGraph(x, y, targets, logits, loss, accuracy, train_op, global_step,
                         restorer, restored, trained, conv_vars + fc4_vars + fc5_vars)


def flops_per_image(variant, channels, batch=BATCH_SIZE):
    """Floating-point operations of one training step of `variant`, per image (forward,
    backward, update): what a frozen layer saves, counted the same on every machine."""
    with new_graph(0).as_default():
        net = build_graph(variant, channels=channels, batch=batch)
    return counts.step_flops(net.train_op) / batch


# -- the base -------------------------------------------------------------------------------

class Base(NamedTuple):
    checkpoint: str         # path prefix of the checkpoint
    digits: tuple           # the digits it was trained on
    channels: int           # going_deep's --channels of that run
    where: str              # how the lesson says where it came from
    result: dict            # its training results when trained here, else {}


def find_base(args):
    """The going_deep run named by --from: its checkpoint, digits and channels, checked
    before anything is written (its layers must fit this lesson's graph)."""
    run = find_run(args.logdir, going_deep.LESSON, args.base_run)
    where = _("going_deep run {run}").format(run=run.name)
    checkpoints.saved_in(run, where)
    flags = read_flags(run)
    digits = tuple(flags.get("digits") or ALL_DIGITS)
    overlap = sorted(set(digits) & set(NEW_DIGITS))
    if overlap:
        raise UserError(_("{where} was trained on the digits {digits}, which include the new "
                          "digits {new}: a base must not have seen them (train one with: python -m "
                          "lessons.going_deep --digits 0-4)").format(
            where=where, digits=digits_text(digits), new=digits_text(overlap)))
    base = Base(checkpoints.latest(run, where), digits,
                int(flags.get("channels") or going_deep.CHANNELS), where, {})
    with new_graph(0).as_default():
        net = build_graph("frozen_fc4", channels=base.channels)     # restores the most
    checkpoints.check_fits(base.checkpoint, net.restored, where)
    return base


def train_base(args, data, folder):
    """going_deep's network (its graph, Adam and learning-rate schedule) trained on the
    digits 0-4 with lesson mnist_softmax's loop (tfgraph.train.fit), in `folder`."""
    data = only_digits(data, BASE_DIGITS)
    print(ngettext("The base: going_deep's network trained on the digits 0-4 ({n} images, {epochs} epoch):",
                   "The base: going_deep's network trained on the digits 0-4 ({n} images, {epochs} epochs):",
                   args.epochs).format(n=number(len(data.train), ","), epochs=args.epochs))
    graph = new_graph(args.seed)
    with graph.as_default():
        net = going_deep.build_graph(learning_rate=args.learning_rate, channels=going_deep.CHANNELS,
                                     steps_per_epoch=steps_per_epoch(len(data.train), args.batch_size),
                                     image_shape=data.image_shape)
    # Its flags.json: this lesson's flags, and what the base is (as a going_deep run's says)
    flags = SimpleNamespace(**vars(args), digits=list(BASE_DIGITS), channels=going_deep.CHANNELS)
    with Run(flags, graph, writers=("train", "validation", "test"), folder=folder) as run:
        progress, scores = fit(run, net, data, args, summary=net.scalar_summary)  # no pictures
        steps = run.step
    print(_("  base test accuracy on digits 0-4: {accuracy}").format(
        accuracy=number(scores["test"]["accuracy"], ".4f")))
    result = {"test_accuracy": scores["test"]["accuracy"], "test_loss": scores["test"]["loss"],
              "train_loss": progress.loss, "epochs": args.epochs, "steps": steps,
              "examples_per_second": progress.examples_per_second, "run_dir": str(folder)}
    return Base(checkpoints.latest(folder, _("the base")), BASE_DIGITS, going_deep.CHANNELS,
                _("the base trained here ({folder})").format(folder=folder), result)


# -- the few-shot runs --------------------------------------------------------------------

def train_variant(args, variant, base, train, test, folder):
    """One few-shot run: build, restore, train STEPS steps, evaluate on the test digits 5-9."""
    graph = new_graph(args.seed)
    with graph.as_default():
        net = build_graph(variant, args.learning_rate, base.channels)
    batch_size = min(args.batch_size, len(train))
    epochs = math.ceil(args.steps / steps_per_epoch(len(train), batch_size))
    metrics = {"accuracy": net.accuracy, "loss": net.loss}
    with Run(args, graph, checkpoints=False, folder=folder) as run:
        if net.restorer is not None:
            with graph.as_default():     # outside its graph, a Saver assumes eager mode
                net.restorer.restore(run.session, base.checkpoint)
        # No summary op: the loss a step returns is the one to log (a separate summary run
        # would redo the forward pass inside the timed step).
        step = TrainStep(run.session, net.train_op, net.loss, net.x, net.y)
        seconds = cpu = 0.0
        batches = training_batches(train, batch_size, epochs, args.seed)
        for batch in itertools.islice(batches, args.steps):
            started, cpu_started = time.perf_counter(), time.process_time()
            loss = step(batch)
            seconds += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
            if not math.isfinite(loss):
                raise Diverged(_("the loss became {loss} at step {step} of the {variant} run; "
                                 "try a smaller --learning-rate").format(
                    loss=loss, step=batch.step, variant=variant))
            if batch.step % args.summary_every == 0:
                run.log("", batch.step, loss=loss)
            if batch.step % EVAL_EVERY == 0 or batch.step == args.steps:
                score = evaluate(run.session, metrics, net.x, net.y, test)
                run.log("", batch.step, accuracy=score["accuracy"])
    return {"accuracy": score["accuracy"], "test_loss": score["loss"], "train_loss": loss,
            "ms_per_step": 1000 * seconds / args.steps, "cpu_ms_per_step": 1000 * cpu / args.steps,
            "trainable_before": counts.parameters(net.all_variables),
            "trainable_after": counts.parameters(net.trained), "restored": sorted(net.restored),
            "run_dir": str(folder)}


def main(argv=None):
    p = cli.parser(LESSON, __doc__, epochs=BASE_EPOCHS, batch_size=BATCH_SIZE,
                   learning_rate=LEARNING_RATE, data_dir=True, summary_every=SUMMARY_EVERY,
                   learning_rate_help=N_("Adam's step size, for the base and the new layers"),
                   epochs_help=N_("passes over the digits 0-4 when the lesson trains its own base"))
    p.add_argument("--from", dest="base_run", default=None, metavar="RUN",
                   help=_("reuse this going_deep run (a folder name under <logdir>/going_deep,"
                          " trained with e.g. --digits 0-4) as the base; default: train one"))
    p.add_argument("--images-per-digit", type=cli.positive_int, nargs="+",
                   default=list(IMAGES_PER_DIGIT), metavar="N", help=cli.with_default(N_(
                       "labelled images of each digit 5-9 to train on; one comparison per N")))
    p.add_argument("--steps", type=cli.positive_int, default=STEPS,
                   help=cli.with_default(N_("training steps of every few-shot run")))
    args = cli.parse(p, argv)
    args.images_per_digit = sorted(set(args.images_per_digit))   # one comparison per size

    # 1. Data: the digits 0-4 for the base, a few of 5-9 to learn, all test 5-9 to score
    base = find_base(args) if args.base_run else None
    data = load_mnist(args.data_dir, train_size=args.train_size)
    print(_("Data: {source}").format(source=data.source))
    test = data.test.only(NEW_DIGITS)
    few = {n: few_images(data.train, NEW_DIGITS, n, args.seed) for n in args.images_per_digit}
    run_dir = new_run_dir(args.logdir, LESSON, args.run_name)

    # 2. Graph and session of the base: reused (--from), or trained here first
    if base is None:
        base = train_base(args, data, run_dir / "base")
    print(_("Base: {where}, trained on the digits {digits}").format(
        where=base.where, digits=digits_text(base.digits)))

    # 3. Graphs and sessions of the few-shot runs: four ways to learn 5-9 from few images
    flops = {v: flops_per_image(v, base.channels, args.batch_size) for v in VARIANTS}
    results = {"steps": args.steps, "test_images": len(test), "by_size": {}}
    for n in args.images_per_digit:
        results["by_size"][n] = {}
        for variant in VARIANTS:
            r = train_variant(args, variant, base, few[n], test, run_dir / f"{n}_per_digit" / variant)
            results["by_size"][n][variant] = r
            print(_("  {n} per digit, {variant} trainable parameters {before} -> {after}, accuracy "
                    "{accuracy}, {ms} ms/step").format(n=n, variant=format(variant, "<10"),
                  before=number(r["trainable_before"], ","), after=number(r["trainable_after"], ","),
                  accuracy=number(r["accuracy"], ".4f"), ms=number(r["ms_per_step"], ".1f")))
    print("\n" + transfer.table(results, flops, {v: _(VARIANTS[v][0]) for v in VARIANTS}))
    conclusions = transfer.what_it_shows(results, flops)
    print("\n" + _("What it shows:"))
    for line in conclusions:
        print(f"  - {line}")

    # 4. TensorBoard
    board.show(args, run_dir)
    return {**results, "flops_per_image": flops, "conclusions": conclusions, "base": base.where,
            "base_checkpoint": base.checkpoint, "base_result": base.result, "run_dir": str(run_dir)}


if __name__ == "__main__":
    cli.run(main)
