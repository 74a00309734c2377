"""Lesson 11 — O poder do Tensorboard: every dashboard, on the dense network of mnist_dense

The talk ends with TensorBoard, and so does this course. The network is mnist_dense's
(ReLU layer -> logit layer -> gradients -> SGD trainer); this lesson trains it once per
learning rate of a small sweep and writes everything TensorBoard can show.

Run it:
    python -m lessons.tensorboard
    python -m lessons.tensorboard --data-dir ../shared/data/mnist --learning-rates 0.01 0.1
    python -m lessons.exercises start summaries_read_back # your turn: then check it

Then open TensorBoard with the command it prints; the lesson ends by telling you what to
click, tab by tab.

In TensorBoard (the sweep's folder holds one run per learning rate):
    Runs          `lr_<rate>`, and inside it `lr_<rate>/train` and `lr_<rate>/test`
    Graphs        (run `lr_<rate>`) the slide's boxes `inputs`, `relu_layer`,
                  `logit_layer`, `cross_entropy`, `gradients`, `sgd_trainer`,
                  `evaluation`, `save`; under "Tag" the traced step `step_1`: the time
                  and memory of every op of that one step
    Scalars       `loss`, `accuracy` and `sgd_trainer/learning_rate`; the sweep's runs
                  overlay
    Histograms    weights, biases and activations of both layers
                  (`relu_layer/weights/histogram`, `relu_layer/biases/histogram`,
                  `relu_layer/activations`, `logit_layer/weights/histogram`,
                  `logit_layer/biases/histogram`, `logit_layer/activations`) and their
                  gradients (`gradients/relu_layer_weights`,
                  `gradients/relu_layer_biases`, `gradients/logit_layer_weights`,
                  `gradients/logit_layer_biases`)
    Distributions the same tensors as bands over time
    Images        `inputs/digits`, what hidden neurons look for (`relu_layer/weight_maps`),
                  in the test runs the misclassified digits (`misclassified/...`)
    Text          `settings`: each run's flags
    HParams       the sweep as a table: learning rate against test accuracy
"""

import time
from typing import NamedTuple

from lessons import mnist_dense
from tfgraph import new_graph, summaries, tf
from tfgraph.support import Run, board, cli
from tfgraph.support.i18n import N_, _, number
from tfgraph.data.mnist import load_mnist
from tfgraph.support.runs import new_run_dir
from tfgraph.train import fit

LESSON = "tensorboard"
EPOCHS = 3
BATCH_SIZE = 20
LEARNING_RATES = (0.01, 0.03, 0.1)   # the slide's 0.01 and two bolder steps
HIDDEN = 128
SUMMARY_EVERY = 200

GUIDE = N_("""\
What to look at in TensorBoard ({url}):
  SCALARS        tick the runs of one sweep on the left: each learning rate is a run,
                 train and test curves of "accuracy" and "loss" overlay on one chart.
                 sgd_trainer/learning_rate shows the constant each run used.
  GRAPHS         pick a run ending in lr_...; double-click relu_layer, logit_layer,
                 gradients, sgd_trainer to open them. Under "Tag" choose step_1: the
                 boxes are coloured by compute time / memory of that traced step.
  HISTOGRAMS     relu_layer/activations: the spike at 0 is the neurons that are off;
                 gradients/...: how big the updates are, shrinking as the loss falls.
  DISTRIBUTIONS  the same tensors as percentile bands over the steps.
  IMAGES         inputs/digits, relu_layer/weight_maps, and in each test run
                 misclassified/NN_true_T_predicted_P: digits it got wrong.
  TEXT           settings: the flags of each run.
  HPARAMS        one row per learning rate with its test accuracy; the parallel
                 coordinates view draws the whole sweep.
""")


class BoardGraph(NamedTuple):
    net: object        # mnist_dense.DenseGraph: x, y, layers, loss, accuracy, train_op...
    summary: object    # string: the dense network's summaries + gradients + learning rate


def build_graph(learning_rate, hidden=HIDDEN, image_shape=(28, 28)):
    """mnist_dense's graph, plus histograms of every gradient and the learning rate."""
    net = mnist_dense.build_graph(learning_rate, hidden, "relu", image_shape)
    extra = []
    with tf.name_scope("gradients/"):
        for gradient, variable in net.gradients:
            name = variable.op.name.replace("/", "_")                 # relu_layer_weights
            extra.append(tf.compat.v1.summary.histogram(name, gradient))
    with tf.name_scope("sgd_trainer/"):
        extra.append(tf.compat.v1.summary.scalar("learning_rate", tf.constant(learning_rate)))
    return BoardGraph(net, tf.compat.v1.summary.merge([net.summary, *extra]))


def main(argv=None):
    p = cli.parser(LESSON, __doc__, epochs=EPOCHS, batch_size=BATCH_SIZE, data_dir=True,
                   summary_every=SUMMARY_EVERY)
    p.add_argument("--learning-rates", nargs="+", type=cli.positive_float,
                   default=list(LEARNING_RATES), metavar="LR",
                   help=cli.with_default(N_("the sweep: one run per learning rate")))
    cli.add_hidden(p, HIDDEN, N_("neurons in the ReLU layer"))
    args = cli.parse(p, argv)

    # 1. Data
    data = load_mnist(args.data_dir, train_size=args.train_size)
    print(_("Data: {source}").format(source=data.source))

    # The sweep's folder holds one run per learning rate, so their curves overlay.
    sweep = new_run_dir(args.logdir, LESSON, args.run_name)
    rates = list(dict.fromkeys(args.learning_rates))                  # each once, in order
    summaries.hparams_experiment(sweep, {"learning_rate": rates, "hidden": [args.hidden]},
                                 [("test", "accuracy"), ("test", "loss")])
    trials = []
    for lr in rates:
        trial = f"lr_{lr:g}"
        print("\n" + _("== {trial}: learning rate {rate} ==").format(trial=trial, rate=number(lr, "g")))

        # 2. Graph: a fresh one per trial (the learning rate is part of the graph)
        graph = new_graph(args.seed)
        with graph.as_default():
            board_graph = build_graph(lr, args.hidden, data.image_shape)
        net = board_graph.net

        # 3. Session
        with Run(args, graph, writers=("", "train", "test"), folder=sweep / trial) as run:
            settings = summaries.settings_table(args) + "\n| `{}` | `{:g}` |".format(
                _("this trial's rate"), lr)
            summaries.text(run.writer("train"), "settings", settings)
            summaries.hparams_trial(run.writer(), {"learning_rate": lr, "hidden": args.hidden},
                                    trial)
            started = time.perf_counter()
            # The MNIST lessons' loop; step 1 traced: the time and memory of every op
            # (a trace is slow, so only one step).
            progress, scores = fit(run, net, data, args, board_graph.summary,
                                   splits=("test",), learning_rate=lr, trace_step=1)
            test = scores["test"]
            wrong, _tags = summaries.log_misclassified(run.session, net, data.test,
                                                       run.writer("test"), run.step)
            summaries.hparams_trial_done(run.writer())
        print(_("test accuracy {accuracy}, {wrong} misclassified, {seconds} s").format(
            accuracy=number(test["accuracy"], ".4f"), wrong=number(wrong),
            seconds=number(time.perf_counter() - started, ".1f")))
        trials.append({"learning_rate": lr, "test_accuracy": test["accuracy"],
                       "test_loss": test["loss"], "train_loss": progress.loss,
                       "run_dir": str(run.dir)})

    print("\n" + _("The sweep:"))
    for t in trials:
        print(_("  learning rate {rate} test accuracy {accuracy}").format(
            rate=number(t["learning_rate"], "<6g"), accuracy=number(t["test_accuracy"], ".4f")))
    best = max(trials, key=lambda t: t["test_accuracy"])

    # 4. TensorBoard
    print("\n" + _(GUIDE).format(url="http://localhost:6006/"), end="")
    board.show(args, sweep, _("Sweep folder"))
    return {"trials": trials, "best_learning_rate": best["learning_rate"],
            "epochs": args.epochs, "sweep_dir": str(sweep)}


if __name__ == "__main__":
    cli.run(main)
