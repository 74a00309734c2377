"""Training loops and what they need: batches, steps, progress, evaluation.

A lesson whose training is the subject keeps its loop in the lesson, short, with these
helpers (perceptron_park, backprop, ml101, playground, transfer_learning, distributed);
the MNIST lessons share one loop, `fit`, introduced in lesson `mnist_softmax`.
"""

import itertools
import math
from typing import NamedTuple

import numpy as np

from tfgraph.data.mnist import batches
from tfgraph.support.i18n import N_, _, number
from tfgraph.support.interrupt import held_interrupt
from tfgraph.support.lazy import tf
from tfgraph.support.watch import Progress, summarise


# What `fit` prints after an epoch, per split; a split not named here: ACCURACY_OF_SPLIT.
SPLIT_ACCURACY = {"train": N_("train accuracy {accuracy}"),
                  "validation": N_("validation accuracy {accuracy}"),
                  "test": N_("test accuracy {accuracy}")}
ACCURACY_OF_SPLIT = N_("{split} accuracy {accuracy}")


def accuracy_line(scores):
    """The line `fit` prints after an epoch: "  validation accuracy 0.9123, test accuracy
    0.9180" (in the learner's language). scores: {split: {"accuracy": float, ...}}."""
    return "  " + ", ".join(
        _(SPLIT_ACCURACY.get(name, ACCURACY_OF_SPLIT)).format(
            split=name, accuracy=number(score["accuracy"], ".4f"))
        for name, score in scores.items())


class Batch(NamedTuple):
    step: int            # 1, 2, ...: the global step once this batch has been trained on
    epoch: int           # 1, 2, ...
    images: np.ndarray   # float32 [batch, features]
    labels: np.ndarray   # float32 [batch, classes], one-hot
    end_of_epoch: bool   # the last batch of its epoch: time to evaluate


def steps_per_epoch(n_examples, batch_size):
    return math.ceil(n_examples / batch_size)


def training_batches(split, batch_size, epochs, seed, start_step=0):
    """Every mini-batch of `epochs` passes over `split`, each epoch in a new shuffled order.

    The order of epoch e depends only on (seed, e), so a run resumed at `start_step` sees
    exactly the batches the uninterrupted run would have seen.
    split: a `tfgraph.data.mnist.Split` (images float32 [n, features], labels int [n]).
    """
    per_epoch = steps_per_epoch(len(split), batch_size)
    first_epoch, skip = divmod(start_step, per_epoch)
    step = start_step
    for epoch in range(first_epoch, epochs):
        rng = np.random.default_rng([seed, epoch])
        epoch_batches = batches(split, batch_size, rng)
        for i, (images, labels) in enumerate(itertools.islice(epoch_batches, skip, None), skip):
            step += 1
            yield Batch(step, epoch + 1, images, labels, i == per_epoch - 1)
        skip = 0


def evaluate(session, metrics, x, y, split, batch_size=1000):
    """Average `metrics` over a whole split, `batch_size` examples per run.

    metrics: {name: float32 scalar tensor}, each a mean over its batch (accuracy, loss).
    x, y: the placeholders fed with the split's images (float32 [n, features]) and one-hot
    labels (float32 [n, classes]). Returns {name: float}, weighted by batch size so a smaller
    last batch counts for what it holds.
    """
    names = list(metrics)
    fetch = [metrics[n] for n in names]
    labels = split.one_hot()
    totals = np.zeros(len(names))
    for start in range(0, len(split), batch_size):
        images_b = split.images[start:start + batch_size]
        values = session.run(fetch, {x: images_b, y: labels[start:start + batch_size]})
        totals += np.asarray(values, dtype=np.float64) * len(images_b)
    return {n: float(t / len(split)) for n, t in zip(names, totals)}


class TrainStep:
    """One training step as a function of a batch: feed it, run the train op, return the loss.

    `session.make_callable` prepares the feeds and fetches once, so each step costs about a
    quarter of a plain `session.run` in Python overhead. Every `every` steps it first runs
    `summary` on the same batch and writes it: summaries every step would cost up to
    several times the step itself. That run is separate because, in one `session.run`,
    nothing orders a histogram's read of the weights against the update of the same run:
    the picture could show the weights before or after the step, run by run.

    trace: (step, writer), or None. That one step is run with full tracing and its compute
    time and memory per op go to `writer` as run metadata `step_<step>` (TensorBoard's
    Graphs tab, "Tag"); its summaries are written too. A trace is slow: one step only.
    """

    def __init__(self, session, train_op, loss, x, y, summary=None, writer=None, every=100,
                 trace=None):
        self._plain = session.make_callable([train_op, loss], feed_list=[x, y])
        self._summary = (session.make_callable(summary, feed_list=[x, y])
                         if summary is not None else None)
        self.writer, self.every = writer, every
        self._network = (session, loss, x, y)     # to examine it if a summary fails
        self._trace = trace
        self._traceable = (session.make_callable([train_op, loss], feed_list=[x, y],
                                                 accept_options=True)
                           if trace is not None else None)

    def __call__(self, batch):
        traced = self._trace is not None and batch.step == self._trace[0]
        if self._summary is not None and (batch.step % self.every == 0 or traced):
            self.writer.add_summary(summarise(self._summary, batch, self._network), batch.step)
        if traced:
            metadata = tf.compat.v1.RunMetadata()
            _done, loss = self._traceable(
                batch.images, batch.labels, run_metadata=metadata,
                options=tf.compat.v1.RunOptions(trace_level=tf.compat.v1.RunOptions.FULL_TRACE))
            self._trace[1].add_run_metadata(metadata, f"step_{batch.step}", batch.step)
        else:
            _done, loss = self._plain(batch.images, batch.labels)
        return loss


def evaluate_splits(run, metrics, x, y, data, step, splits=("validation", "test")):
    """`evaluate` each split of `data` and write its scalars to the run's writer of the same
    name, so TensorBoard overlays them with the training curves. Returns {split: {name: float}}.
    """
    scores = {}
    for name in splits:
        scores[name] = evaluate(run.session, metrics, x, y, getattr(data, name))
        run.log(name, step, **scores[name])
    return scores


def fit(run, net, data, args, summary=None, splits=("validation", "test"),
        learning_rate=None, trace_step=None):
    """The training loop of the MNIST lessons: one mini-batch per step, an evaluation
    after every epoch.

    Introduced in lesson mnist_softmax; mnist_dense, activations, going_deep and tensorboard
    train with it unchanged: the loop does not care which network it trains, only that
    `net` has x, y, train_op, loss, accuracy and summary. `args` gives epochs, batch_size,
    seed, summary_every and learning_rate (the last for the divergence advice, unless
    `learning_rate` is given). `trace_step`: a step to trace (see `TrainStep`), its run
    metadata written to the run's main writer.
    It starts at the run's global step, so a resumed run continues where it stopped.
    Returns the `Progress` (last training loss, examples per second) and the scores of the
    last evaluation ({split: {"accuracy", "loss"}}); if no epoch ended during this call (a
    run resumed after its last epoch), the splits are scored now, without being logged.
    """
    train_step = TrainStep(run.session, net.train_op, net.loss, net.x, net.y,
                           net.summary if summary is None else summary, run.writer("train"),
                           args.summary_every,
                           trace=None if trace_step is None else (trace_step, run.writer()))
    progress = Progress(args.epochs * steps_per_epoch(len(data.train), args.batch_size),
                        learning_rate or args.learning_rate)
    metrics = {"accuracy": net.accuracy, "loss": net.loss}
    scores = {}
    for batch in training_batches(data.train, args.batch_size, args.epochs, args.seed,
                                  start_step=run.step):
        # An epoch's last step and its scores go together: a Ctrl-C between them waits
        # (tfgraph.support.interrupt), so the curves never have a hole.
        with held_interrupt(batch.end_of_epoch):
            progress.update(batch, train_step(batch))      # one session.run: forward,
            if batch.end_of_epoch:                         # backward, SGD update
                scores = evaluate_splits(run, metrics, net.x, net.y, data, batch.step, splits)
                print(accuracy_line(scores))
    if not scores:
        scores = {name: evaluate(run.session, metrics, net.x, net.y, getattr(data, name))
                  for name in splits}
    return progress, scores
