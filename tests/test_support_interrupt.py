"""tfgraph.support.interrupt: Ctrl-C after an epoch's last step waits until its scores are written."""

import os
import signal
import time
from argparse import Namespace

import numpy as np
import pytest
from conftest import load_events, run_args, tiny_network_run

from tfgraph import train, tf
from tfgraph.data.mnist import Split
from tfgraph.support import Run


def _interrupt_now():
    """Send this process Ctrl-C; True if it was raised at once (not held)."""
    try:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)                    # (the handler runs between bytecodes)
    except KeyboardInterrupt:
        return True
    return False


def test_ctrl_c_after_an_epochs_last_step_waits_until_its_scores_are_written(tmp_path,
                                                                             monkeypatch):
    # Otherwise the checkpoint would hold the epoch's last step, the resumed run would start
    # with the next epoch, and TensorBoard's validation and test curves would have a hole.
    # Ctrl-C comes while the validation split is scored: fit must score and log the test
    # split too before it lets the interrupt through.
    real_evaluate, pressed = train.evaluate, []

    def evaluate_then_ctrl_c(*args, **kwargs):
        scores = real_evaluate(*args, **kwargs)
        if not pressed:
            pressed.append(True)
            assert not _interrupt_now(), "Ctrl-C was not held after the epoch's last step"
        return scores

    monkeypatch.setattr(train, "evaluate", evaluate_then_ctrl_c)
    run, x, y, loss, train_op, summary, _ = tiny_network_run(tmp_path)
    with run.graph.as_default():
        accuracy = tf.constant(0.5)
    net = Namespace(x=x, y=y, train_op=train_op, loss=loss, accuracy=accuracy, summary=None)
    split = Split(np.ones((4, 2), np.float32), np.arange(4))
    data = Namespace(train=split, validation=split, test=split)
    args = Namespace(epochs=3, batch_size=2, seed=0, summary_every=100, learning_rate=0.1)
    run = Run(run_args(tmp_path), run.graph, writers=("train", "validation", "test"),
              checkpoints=False)
    with pytest.raises(KeyboardInterrupt):          # ...and acts once the epoch is scored
        with run:
            train.fit(run, net, data, args)
    assert pressed
    for split_name in ("validation", "test"):       # both scores are in before the stop
        written = load_events(run.dir / split_name).Scalars("loss")
        assert [e.step for e in written] == [2], split_name
    assert _interrupt_now()                         # held no longer
