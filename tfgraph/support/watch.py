"""The divergence watch and the progress lines: what training looks like from outside.

`Progress` prints where training is and stops a run whose loss became NaN or infinite
(`Diverged`, one line with advice, the summaries kept); `summarise` runs a lesson's summary
op and, when a histogram refuses NaN, finds what in the network diverged (`not_finite`).
Used by `tfgraph.train` and the lessons that keep their own loop.
"""

import math
import sys
import time

import numpy as np

from tfgraph.support.errors import UserError
from tfgraph.support.i18n import _, number
from tfgraph.support.lazy import tf


class Diverged(UserError):
    """The loss became NaN or infinite: training cannot recover from that."""


def _advice(learning_rate):
    if not learning_rate:
        return _("a smaller learning rate usually cures it")
    return _("the learning rate {rate} is probably too high, try --learning-rate {smaller}").format(
        rate=number(learning_rate, "g"), smaller=format(learning_rate / 10, "g"))


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
            raise Diverged(_("the loss became {loss} at step {step} (epoch {epoch}); {advice}; "
                             "the summaries up to that step are kept").format(
                loss=loss, step=batch.step, epoch=batch.epoch,
                advice=_advice(self.learning_rate)))
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
            steps = (_("step {first}").format(first=first) if first == batch.step else
                     _("steps {first}-{last}").format(first=first, last=batch.step))
            print(_("epoch {epoch}  step {step}/{total}  loss {loss} (mean of {steps})  {rate} "
                    "examples/s").format(epoch=batch.epoch, step=f"{batch.step:>6}",
                                         total=self.total_steps,
                                         loss=number(self.mean_loss, ".4f"), steps=steps,
                                         rate=number(rate, ">9,.0f")),
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
                self._wrecked = _("the loss has grown from {start} at the start to {mean} "
                                  "(mean of {steps}, epoch {epoch}); {advice}").format(
                    start=number(start, ".4g"), mean=number(mean, ".4g"), steps=steps,
                    epoch=batch.epoch, advice=_advice(self.learning_rate))
            elif batch.end_of_epoch and self._fresh and epoch_mean is not None \
                    and epoch_mean >= start:
                self._wrecked = _("after epoch {epoch} the loss ({mean}, mean of the epoch) is "
                                  "no lower than at the start ({start}): the network is not "
                                  "learning; {advice} (one far too small does this too)").format(
                    epoch=batch.epoch, mean=number(epoch_mean, ".4g"),
                    start=number(start, ".4g"), advice=_advice(self.learning_rate))
            if self._wrecked:
                self._say(_("{warning}. Training goes on (a loss can come back down); Ctrl-C "
                            "stops it and keeps the run").format(warning=self._wrecked))
        elif batch.end_of_epoch and epoch_mean is not None and epoch_mean < start:
            self._wrecked = None
            self._say(_("after epoch {epoch} the loss ({mean}, mean of the epoch) is back "
                        "below its start ({start}): training recovered").format(
                epoch=batch.epoch, mean=number(epoch_mean, ".4g"), start=number(start, ".4g")))

    def _say(self, message):
        self.warnings.append(message)
        print(_("warning: {message}").format(message=message), file=self.err or sys.stderr,
              flush=True)

    @property
    def examples_per_second(self):
        """Average speed since the start (training and evaluation included)."""
        return self._examples / max(time.perf_counter() - self._start, 1e-9)


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
        bad.append(_("the loss"))
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
        shown = ", ".join(bad[:4])
        if len(bad) > 4:
            shown = _("{names} and {n} more").format(names=shown, n=len(bad) - 4)
        raise Diverged(_("{what} became NaN or infinite by step {step} (epoch {epoch}); a "
                         "smaller --learning-rate usually cures it; the summaries up to that "
                         "step are kept").format(what=shown, step=batch.step,
                                                 epoch=batch.epoch)) from None
