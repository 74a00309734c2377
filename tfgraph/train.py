"""What every training loop needs besides the step itself: batches, progress, evaluation.

The loop stays in the lesson, because it is the subject; these helpers keep it short.
Introduced in lesson `mnist_softmax`.
"""

import itertools
import math
import sys
import time
from typing import NamedTuple

import numpy as np

from tfgraph._lazy import tf
from tfgraph.data.mnist import batches
from tfgraph.errors import UserError


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


class Diverged(UserError):
    """The loss became NaN or infinite: training cannot recover from that."""


class Progress:
    """Prints where training is (epoch, step, loss, examples per second) every few seconds
    and at the end of each epoch, and stops the run at the first NaN or infinite loss."""

    def __init__(self, total_steps, learning_rate=None, every_seconds=2.0, out=sys.stdout):
        self.total_steps = total_steps
        self.learning_rate = learning_rate
        self.every = every_seconds
        self.out = out
        self._start = self._last = time.perf_counter()
        self._examples = self._examples_since = 0
        self.loss = float("nan")

    def update(self, batch, loss):
        """Record one training step; raises `Diverged` if the loss is not finite."""
        loss = float(loss)
        if not math.isfinite(loss):
            hint = (f"; the learning rate {self.learning_rate:g} is probably too high, try "
                    f"--learning-rate {self.learning_rate / 10:g}") if self.learning_rate else ""
            raise Diverged(f"the loss became {loss} at step {batch.step} (epoch {batch.epoch})"
                           f"{hint}; the summaries up to that step are kept")
        self.loss = loss
        n = len(batch.images)
        self._examples += n
        self._examples_since += n
        now = time.perf_counter()
        if batch.end_of_epoch or now - self._last >= self.every:
            rate = self._examples_since / max(now - self._last, 1e-9)
            print(f"epoch {batch.epoch}  step {batch.step:>6}/{self.total_steps}  "
                  f"loss {loss:.4f}  {rate:>9,.0f} examples/s", file=self.out, flush=True)
            self._last, self._examples_since = now, 0

    @property
    def examples_per_second(self):
        """Average speed since the start (training and evaluation included)."""
        return self._examples / max(time.perf_counter() - self._start, 1e-9)


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
    """

    def __init__(self, session, train_op, loss, x, y, summary=None, writer=None, every=100):
        self._plain = session.make_callable([train_op, loss], feed_list=[x, y])
        self._summary = (session.make_callable(summary, feed_list=[x, y])
                         if summary is not None else None)
        self.writer, self.every = writer, every

    def __call__(self, batch):
        if self._summary is not None and batch.step % self.every == 0:
            self.writer.add_summary(summarise(self._summary, batch), batch.step)
        _, loss = self._plain(batch.images, batch.labels)
        return loss


def summarise(summary_callable, batch):
    """The summaries of the weights as they are before `batch`'s step, as bytes.

    A diverged network (NaN or infinite weights) is reported as `Diverged`: a histogram
    refuses such values, so a summary can see the divergence before the loss does.
    """
    try:
        return summary_callable(batch.images, batch.labels)
    except tf.errors.InvalidArgumentError as e:
        if "histogram" not in str(e.message).lower():
            raise
        raise Diverged(f"the network's values became NaN or infinite by step {batch.step} "
                       f"(epoch {batch.epoch}); a smaller --learning-rate usually cures it; "
                       f"the summaries up to that step are kept") from None


def evaluate_splits(run, metrics, x, y, data, step, splits=("validation", "test")):
    """`evaluate` each split of `data` and write its scalars to the run's writer of the same
    name, so TensorBoard overlays them with the training curves. Returns {split: {name: float}}.
    """
    scores = {}
    for name in splits:
        scores[name] = evaluate(run.session, metrics, x, y, getattr(data, name))
        run.log(name, step, **scores[name])
    return scores
