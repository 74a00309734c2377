"""Ctrl-C held while an epoch's last step and its scores are written: the one owner of SIGINT.

A checkpoint saved between an epoch's last step and its validation and test scores (a
fraction of a second) would hold the epoch's last step, but the run would have no score for
it, and the resumed run starts with the next epoch: TensorBoard's curves would have a hole.
So the training loop (`tfgraph.train.fit`) runs that last step and the scoring inside

    with held_interrupt(batch.end_of_epoch):
        ...

A Ctrl-C that comes meanwhile is raised when the block ends, as KeyboardInterrupt, and
`tfgraph.support.Run` then saves the checkpoint as for any Ctrl-C. A block left by an error
drops it (the error ends the run anyway). Holding happens only in the main thread, and never
when SIGINT is ignored; everything else in the package leaves SIGINT alone.
"""

import contextlib
import signal
import threading


@contextlib.contextmanager
def held_interrupt(hold=True):
    """Inside the block, Ctrl-C waits; it is raised as KeyboardInterrupt when the block ends.
    hold: False runs the block as it is (most steps are not the end of an epoch)."""
    if not hold or threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) in (signal.SIG_IGN, None):
        yield
        return
    pending = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pending.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pending:
        raise KeyboardInterrupt
