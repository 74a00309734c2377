"""Training loops and what they need: batches, steps, progress, evaluation.

A lesson whose training is the subject keeps its loop in the lesson, short, with these
helpers (perceptron_park, backprop, ml101, playground, transfer_learning, distributed);
the MNIST lessons share one loop, `fit`, introduced in lesson `mnist_softmax`.
"""

import itertools
import math
import signal
import sys
import threading
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


def _advice(learning_rate):
    return (f"the learning rate {learning_rate:g} is probably too high, try "
            f"--learning-rate {learning_rate / 10:g}") if learning_rate else \
        "a smaller learning rate usually cures it"


class Progress:
    """Prints where training is (epoch, step, loss, examples per second) every few seconds
    and at the end of each epoch; stops the run at the first NaN or infinite loss, and warns
    when training is wrecked without reaching NaN.

    The loss printed is the mean over the steps since the previous line: one batch's loss
    jumps from batch to batch (an easy batch, then a hard one) even while the network
    improves, and would read as training going wrong.

    A wrecked run (e.g. a learning rate 100 times too high) can end with a finite loss far
    above where it began and accuracy at chance, saying nothing. Two signs are watched:
      - the mean loss since the last line grows above GROWTH times the first step's loss
        (a resumed run: its first line's mean, and only lines of 5 steps or more count,
        since one hard batch of a trained network can be ten times an easy one);
      - at the end of an epoch of a fresh run, the epoch's mean loss (its first step left
        out) is not below the first step's loss: a whole epoch without learning anything.
    Either prints a warning with the NaN case's advice, once, and a note if the loss comes
    back down. It warns and does not stop: a loss can jump and recover (a large step out
    of a narrow valley, then back down), and stopping that run would throw away a good
    result; a learner who sees the warning can press Ctrl-C, which keeps the run. Accuracy
    at chance is not used as a sign: a network that cannot fit its data at all (a straight
    line for XOR) also sits at chance, and the learning rate is not to blame there.
    `warnings` lists what was printed.
    """

    GROWTH = 10.0   # "far above its starting value": ten times the first step's loss

    def __init__(self, total_steps, learning_rate=None, every_seconds=2.0, out=None,
                 err=None):
        self.total_steps = total_steps
        self.learning_rate = learning_rate
        self.every = every_seconds
        self.out, self.err = out, err     # None: sys.stdout / sys.stderr at the time
        self._start = self._last = time.perf_counter()
        self._examples = self._examples_since = 0
        self.loss = float("nan")          # the last step's loss
        self.mean_loss = float("nan")     # the mean shown on the last printed line
        self.start_loss = None            # the first step's loss (resumed: the first line's)
        self._fresh = False               # this Progress saw step 1 (not a resumed run)
        self._window_sum, self._window_steps = 0.0, 0   # since the last printed line
        self._epoch_sum, self._epoch_steps = 0.0, 0
        self._wrecked = None              # why training looks wrecked now, or None
        self.warnings = []

    def update(self, batch, loss):
        """Record one training step; raises `Diverged` if the loss is not finite."""
        loss = float(loss)
        if not math.isfinite(loss):
            raise Diverged(f"the loss became {loss} at step {batch.step} (epoch {batch.epoch})"
                           f"; {_advice(self.learning_rate)}; the summaries up to that step "
                           f"are kept")
        if not self._examples:            # this Progress's first step
            self._fresh = batch.step == 1
            if self._fresh:               # a fresh run: the untrained network's loss
                self.start_loss = loss
        else:                             # the epoch's mean leaves the very first step out
            self._epoch_sum += loss
            self._epoch_steps += 1
        self.loss = loss
        self._window_sum += loss
        self._window_steps += 1
        n = len(batch.images)
        self._examples += n
        self._examples_since += n
        now = time.perf_counter()
        if batch.end_of_epoch or now - self._last >= self.every:
            rate = self._examples_since / max(now - self._last, 1e-9)
            self.mean_loss = self._window_sum / self._window_steps
            first = batch.step - self._window_steps + 1
            steps = f"step {first}" if first == batch.step else f"steps {first}-{batch.step}"
            print(f"epoch {batch.epoch}  step {batch.step:>6}/{self.total_steps}  "
                  f"loss {self.mean_loss:.4f} (mean of {steps})  {rate:>9,.0f} examples/s",
                  file=self.out or sys.stdout, flush=True)
            self._check(batch, steps)
            self._last, self._examples_since = now, 0
            self._window_sum, self._window_steps = 0.0, 0
        if batch.end_of_epoch:
            self._epoch_sum, self._epoch_steps = 0.0, 0

    def _check(self, batch, steps):
        """Warn when the loss shows training is wrecked; note when it recovers."""
        start, mean = self.start_loss, self.mean_loss
        epoch_mean = self._epoch_sum / self._epoch_steps if self._epoch_steps else None
        if start is None:       # a resumed run: its first line is the reference
            self.start_loss = mean
        elif self._wrecked is None:
            # (a resumed run starts low, where one hard batch can be ten times the first: it
            # is judged on lines of several steps only)
            if mean > self.GROWTH * start and (self._fresh or self._window_steps >= 5):
                self._wrecked = (f"the loss has grown from {start:.4g} at the start to "
                                 f"{mean:.4g} (mean of {steps}, epoch {batch.epoch}); "
                                 f"{_advice(self.learning_rate)}")
            elif batch.end_of_epoch and self._fresh and epoch_mean is not None \
                    and epoch_mean >= start:
                self._wrecked = (f"after epoch {batch.epoch} the loss ({epoch_mean:.4g}, mean "
                                 f"of the epoch) is no lower than at the start ({start:.4g}): "
                                 f"the network is not learning; {_advice(self.learning_rate)}"
                                 f" (one far too small does this too)")
            if self._wrecked:
                self._say(f"{self._wrecked}. Training goes on (a loss can come back down); "
                          f"Ctrl-C stops it and keeps the run")
        elif batch.end_of_epoch and epoch_mean is not None and epoch_mean < start:
            self._wrecked = None
            self._say(f"after epoch {batch.epoch} the loss ({epoch_mean:.4g}, mean of the "
                      f"epoch) is back below its start ({start:.4g}): training recovered")

    def _say(self, message):
        self.warnings.append(message)
        print(f"warning: {message}", file=self.err or sys.stderr, flush=True)

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
        held_interrupt.release()        # (an epoch that ended without evaluate_splits)
        traced = self._trace is not None and batch.step == self._trace[0]
        if self._summary is not None and (batch.step % self.every == 0 or traced):
            self.writer.add_summary(summarise(self._summary, batch, self._network), batch.step)
        if batch.end_of_epoch:          # its scores belong with this step: see HeldInterrupt
            held_interrupt.hold()
        if traced:
            metadata = tf.compat.v1.RunMetadata()
            _, loss = self._traceable(
                batch.images, batch.labels, run_metadata=metadata,
                options=tf.compat.v1.RunOptions(trace_level=tf.compat.v1.RunOptions.FULL_TRACE))
            self._trace[1].add_run_metadata(metadata, f"step_{batch.step}", batch.step)
        else:
            _, loss = self._plain(batch.images, batch.labels)
        return loss


class HeldInterrupt:
    """Ctrl-C between an epoch's last step and its scores waits until they are written.

    A checkpoint saved in that gap (a fraction of a second) would hold the epoch's last step
    but the run would have no validation or test point for it, and the resumed run starts
    with the next epoch: TensorBoard's curves would have a hole. So `TrainStep` holds SIGINT
    from the last step of an epoch, and `evaluate_splits` (or the next step, or the end of
    the `Run`) releases it: a Ctrl-C that came meanwhile is raised then, as
    KeyboardInterrupt. Only in the main thread, and never when SIGINT is ignored.
    """

    def __init__(self):
        self._previous = None
        self._pending = False

    def hold(self):
        if self._previous is not None or \
                threading.current_thread() is not threading.main_thread() or \
                signal.getsignal(signal.SIGINT) in (signal.SIG_IGN, None):
            return
        self._pending = False
        self._previous = signal.signal(signal.SIGINT, self._record)

    def _record(self, signum, frame):
        self._pending = True

    def clear(self):
        """Stop holding, without raising: the run is ending for another reason."""
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None
        self._pending = False

    def release(self):
        """Stop holding; raise KeyboardInterrupt if Ctrl-C came while held."""
        if self._previous is None:
            return
        pending = self._pending
        self.clear()
        if pending:
            raise KeyboardInterrupt


held_interrupt = HeldInterrupt()


def not_finite(network, batch):
    """Names of what is NaN or infinite in the network itself: its variables, then "the
    loss" on `batch` (if the batch itself is finite: NaN in the data is not the network's
    divergence). network: (session, loss, x, y). Runs only existing ops, so it works in a
    finalized graph."""
    session, loss, x, y = network
    variables = session.graph.get_collection(tf.compat.v1.GraphKeys.TRAINABLE_VARIABLES)
    bad = [v.op.name for v, value in zip(variables, session.run(variables))
           if not np.isfinite(value).all()]
    data_finite = np.isfinite(batch.images).all() and np.isfinite(batch.labels).all()
    if data_finite and not np.isfinite(session.run(loss, {x: batch.images, y: batch.labels})):
        bad.append("the loss")
    return bad


def summarise(summary_callable, batch, network):
    """The summaries of the weights as they are before `batch`'s step, as bytes.

    A diverged network is reported as `Diverged`: a histogram refuses NaN and infinite
    values, so a summary can meet the divergence before the loss does (the loss a step
    returns was computed before its own update). When the summary fails, the network is
    examined directly (`not_finite`: are its variables, is its loss on this batch, finite?),
    so the cause is known from the values, not guessed from the wording of TensorFlow's
    message; an error with a finite network is not a divergence and is raised as it is.
    network: (session, loss, x, y).
    """
    try:
        return summary_callable(batch.images, batch.labels)
    except tf.errors.InvalidArgumentError:
        bad = not_finite(network, batch)
        if not bad:
            raise
        shown = ", ".join(bad[:4]) + (f" and {len(bad) - 4} more" if len(bad) > 4 else "")
        raise Diverged(f"{shown} became NaN or infinite by step {batch.step} "
                       f"(epoch {batch.epoch}); a smaller --learning-rate usually cures it; "
                       f"the summaries up to that step are kept") from None


def evaluate_splits(run, metrics, x, y, data, step, splits=("validation", "test")):
    """`evaluate` each split of `data` and write its scalars to the run's writer of the same
    name, so TensorBoard overlays them with the training curves. Returns {split: {name: float}}.
    """
    scores = {}
    try:
        for name in splits:
            scores[name] = evaluate(run.session, metrics, x, y, getattr(data, name))
            run.log(name, step, **scores[name])
    finally:
        held_interrupt.release()       # the epoch is scored: a Ctrl-C meanwhile acts now
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
        progress.update(batch, train_step(batch))          # one session.run: forward,
        if batch.end_of_epoch:                             # backward, SGD update
            scores = evaluate_splits(run, metrics, net.x, net.y, data, batch.step, splits)
            print("  " + ", ".join(f"{name} accuracy {score['accuracy']:.4f}"
                                   for name, score in scores.items()))
    if not scores:
        scores = {name: evaluate(run.session, metrics, net.x, net.y, getattr(data, name))
                  for name in splits}
    return progress, scores
