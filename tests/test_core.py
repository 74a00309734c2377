"""tfgraph's core: the graph/session frame, batches, progress, PNG encoding, lazy TensorFlow."""

import io
import json
import os
import signal
import subprocess
import sys
import time
from argparse import Namespace

import numpy as np
import pytest
from conftest import load_events

from tfgraph import new_graph, summaries, tf
from tfgraph.support import Run, cli
from tfgraph.data.mnist import Split
from tfgraph.support.errors import UserError
from tfgraph import train
from tfgraph.train import Batch, TrainStep, steps_per_epoch, training_batches
from tfgraph.support.watch import Diverged, Progress


def args_for(tmp_path, **extra):
    return Namespace(lesson="core", logdir=tmp_path, run_name=None, **extra)


def test_run_initialises_finalizes_and_closes(tmp_path):
    graph = new_graph(0)
    with graph.as_default():
        v = tf.compat.v1.get_variable("v", [2], initializer=tf.compat.v1.ones_initializer())
    with Run(args_for(tmp_path), graph) as run:
        assert run.session.run(v).tolist() == [1.0, 1.0]          # initialised
        assert graph.finalized
        with graph.as_default(), pytest.raises(RuntimeError, match="finalized"):
            tf.add(v, 1.0)                                        # no op sneaks into the loop
        folder = run.dir
    assert run.session is None                                    # closed
    assert list((folder / "checkpoints").glob("model.ckpt-*.index"))
    assert list(folder.glob("events.out.tfevents.*"))


def test_each_lesson_graph_is_fresh_and_seeded():
    def first_draw(seed):
        graph = new_graph(seed)
        with graph.as_default():
            x = tf.random.normal([3])
        with tf.compat.v1.Session(graph=graph) as sess:
            return sess.run(x)
    assert np.array_equal(first_draw(5), first_draw(5))
    assert not np.array_equal(first_draw(5), first_draw(6))
    assert new_graph(0).get_operations() == []


class _WriterFails:
    """A FileWriter that fails on the n-th writer a run creates, after the earlier ones have
    written their event files (as a full disk or a bad permission would)."""

    def __init__(self, monkeypatch, fail_at):
        self.real, self.made, self.fail_at = tf.compat.v1.summary.FileWriter, 0, fail_at
        monkeypatch.setattr(tf.compat.v1.summary, "FileWriter", self)

    def __call__(self, *args, **kwargs):
        self.made += 1
        if self.made == self.fail_at:
            raise OSError(28, "No space left on device")
        return self.real(*args, **kwargs)


@pytest.mark.parametrize("fail_at", [1, 3])
def test_a_run_that_fails_to_start_leaves_no_folder(tmp_path, monkeypatch, fail_at):
    # The folder exists by the time the writers are made; with fail_at=3 two writers have
    # already written event files into it (and into train/, validation/).
    graph = new_graph(0)
    with graph.as_default():
        tf.compat.v1.get_variable("w", [1])
    failing = _WriterFails(monkeypatch, fail_at)
    with pytest.raises(OSError, match="No space"):
        with Run(args_for(tmp_path), graph, writers=("train", "validation", "test")):
            pass
    assert failing.made == fail_at
    assert (tmp_path / "core").is_dir()                      # the run folder was made...
    assert list((tmp_path / "core").iterdir()) == []         # ...and is gone again


def test_a_resumed_run_that_fails_to_start_keeps_its_folder(tmp_path, monkeypatch):
    graph = new_graph(0)
    with graph.as_default():
        tf.compat.v1.get_variable("w", [1])
    with Run(args_for(tmp_path), graph) as run:
        folder = run.dir
    graph = new_graph(0)
    with graph.as_default():
        tf.compat.v1.get_variable("w", [1])
    _WriterFails(monkeypatch, 1)
    with pytest.raises(OSError):
        with Run(args_for(tmp_path, resume=folder.name), graph):
            pass
    assert list((folder / "checkpoints").glob("model.ckpt-*.index"))   # the learner's run


def _parse(tmp_path, *argv):
    """The flags of a small lesson, through cli.parse: where a resumed run's flags are checked."""
    p = cli.parser("core", None, epochs=1, data_dir=True, resume=True)
    cli.add_hidden(p, 2)
    return cli.parse(p, ["--logdir", str(tmp_path), *argv])


def _resumable_run(tmp_path):
    with Run(_parse(tmp_path), _graph_with_w()) as run:
        return run.dir


def _graph_with_w():
    graph = new_graph(0)
    with graph.as_default():
        tf.compat.v1.get_variable("w", [1])
    return graph


@pytest.mark.parametrize("damage, words", [
    (lambda f: f.unlink(), "has no flags.json"),
    (lambda f: f.write_text('{"epochs": 1,'), "has an unreadable flags.json"),
    (lambda f: f.write_text('[1, 2]'), "has a flags.json that is not a table of flags"),
], ids=["missing", "corrupt", "not-a-table"])
def test_resume_without_readable_flags_is_refused(tmp_path, damage, words):
    folder = _resumable_run(tmp_path)
    damage(folder / "flags.json")
    with pytest.raises(UserError, match=f"cannot resume run {folder.name}: it {words}"):
        _parse(tmp_path, "--resume", folder.name)


def test_resume_records_the_new_epochs_and_refuses_other_flags(tmp_path):
    folder = _resumable_run(tmp_path)
    # refused once, when the flags are parsed: before any data is loaded or any graph built
    with pytest.raises(UserError, match=r"--hidden 2 \(now 3\), --train-size not set "
                                        r"\(now 500\)"):
        _parse(tmp_path, "--resume", folder.name, "--hidden", "3", "--train-size", "500")
    with Run(_parse(tmp_path, "--resume", folder.name, "--epochs", "4"), _graph_with_w()):
        pass
    flags = json.loads((folder / "flags.json").read_text())
    assert flags["epochs"] == 4 and "resume" not in flags


def _split(n):
    return Split(np.arange(n * 2, dtype=np.float32).reshape(n, 2) / (2 * n),
                 np.arange(n) % 10)


def test_training_batches_resume_exactly_where_they_stopped():
    split = _split(23)
    full = list(training_batches(split, 5, 3, seed=4))
    assert len(full) == 3 * steps_per_epoch(23, 5) == 15
    assert [b.step for b in full] == list(range(1, 16))
    assert [b.end_of_epoch for b in full].count(True) == 3 and full[-1].end_of_epoch
    resumed = list(training_batches(split, 5, 3, seed=4, start_step=7))
    assert [b.step for b in resumed] == list(range(8, 16))
    for a, b in zip(full[7:], resumed):
        assert a.epoch == b.epoch and np.array_equal(a.images, b.images)
    # each epoch shows every example once, in a new order
    epoch1 = np.concatenate([b.images for b in full[:5]])
    epoch2 = np.concatenate([b.images for b in full[5:10]])
    assert sorted(epoch1[:, 0]) == sorted(split.images[:, 0])
    assert not np.array_equal(epoch1, epoch2)


def _feed(progress, losses, per_epoch, start_step=1):
    """Give `progress` one loss per step; every step prints (every_seconds=0)."""
    for i, loss in enumerate(losses):
        step = start_step + i
        progress.update(Batch(step, (step - 1) // per_epoch + 1, np.zeros((2, 2)),
                              np.zeros((2, 10)), step % per_epoch == 0), loss)


def test_progress_stops_at_the_first_nan_with_step_and_advice():
    progress = Progress(10, learning_rate=3.0, out=io.StringIO(), err=io.StringIO())
    batch = Batch(4, 1, np.zeros((2, 2)), np.zeros((2, 10)), False)
    progress.update(batch, 0.5)
    with pytest.raises(Diverged, match="step 4 .*--learning-rate 0.3"):
        progress.update(batch, float("nan"))
    assert progress.loss == 0.5


def test_progress_prints_the_mean_loss_since_the_last_line_and_says_so():
    out = io.StringIO()
    progress = Progress(8, out=out, err=io.StringIO(), every_seconds=3600)
    _feed(progress, [1.0, 3.0, 0.5, 0.5, 2.0, 0.0, 1.0, 3.0], per_epoch=4)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2                                  # one per epoch (no time passed)
    assert "step      4/8  loss 1.2500 (mean of steps 1-4)" in lines[0]
    assert "step      8/8  loss 1.5000 (mean of steps 5-8)" in lines[1]
    assert progress.loss == 3.0 and progress.mean_loss == 1.5    # last step, last line


def test_progress_warns_when_the_loss_grows_far_above_its_start_and_goes_on():
    err = io.StringIO()
    progress = Progress(6, learning_rate=1000.0, out=io.StringIO(), err=err, every_seconds=0)
    _feed(progress, [2.3, 400.0, 44000.0, 9000.0, 40000.0, 500.0], per_epoch=3)  # no raise
    assert progress.warnings == [progress.warnings[0]]       # said once, not every line
    message = err.getvalue()
    assert message.count("warning:") == 1
    assert "grown from 2.3 at the start to 400" in message
    assert "--learning-rate 100" in message and "Training goes on" in message


def test_progress_warns_after_an_epoch_that_learned_nothing():
    # A loss that stays above its start for a whole epoch (a dead network, lr 10 on MNIST)
    # never grows tenfold: the epoch's mean is the sign.
    err = io.StringIO()
    progress = Progress(8, learning_rate=10.0, out=io.StringIO(), err=err, every_seconds=0)
    _feed(progress, [2.3, 3.1, 2.9, 3.0], per_epoch=4)
    assert "after epoch 1 the loss (3, mean of the epoch) is no lower than at the start " \
           "(2.3)" in err.getvalue()
    assert "--learning-rate 1" in err.getvalue()


def test_progress_notes_a_run_that_recovers_and_never_stops_it():
    err = io.StringIO()
    progress = Progress(12, learning_rate=2.0, out=io.StringIO(), err=err, every_seconds=0)
    # a spike tenfold above the start in epoch 1, then the loss falls below where it began
    _feed(progress, [2.3, 30.0, 5.0, 2.0, 1.5, 1.2, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5],
          per_epoch=4)
    assert len(progress.warnings) == 2
    assert "grown from 2.3" in progress.warnings[0]
    assert "back below its start" in progress.warnings[1] and "recovered" in progress.warnings[1]
    assert progress.loss == 0.5


def test_progress_of_a_healthy_run_says_nothing():
    err = io.StringIO()
    progress = Progress(12, learning_rate=0.5, out=io.StringIO(), err=err, every_seconds=0)
    _feed(progress, [2.3, 2.5, 1.9, 1.2, 0.9, 1.4, 0.6, 0.5, 0.7, 0.4, 0.5, 0.3], per_epoch=4)
    assert progress.warnings == [] and err.getvalue() == ""


def test_progress_of_a_resumed_run_measures_from_its_first_line():
    # Resumed at step 101 with a low loss, where one hard batch can be ten times an easy
    # one: that noise is no warning; a tenfold mean over a line of several steps is.
    err = io.StringIO()
    progress = Progress(200, learning_rate=0.1, out=io.StringIO(), err=err, every_seconds=0)
    _feed(progress, [0.05, 0.9, 0.1, 1.2], per_epoch=50, start_step=101)   # a line per step
    assert progress.warnings == [] and progress.start_loss == 0.05
    progress = Progress(200, learning_rate=0.1, out=io.StringIO(), err=err,
                        every_seconds=3600)                               # a line per epoch
    _feed(progress, [0.05, 0.2, 0.9, 0.1, 0.25, 0.9, 0.1, 0.2, 0.1, 0.2], per_epoch=5,
          start_step=101)
    assert progress.warnings == [] and progress.start_loss == pytest.approx(0.3)
    _feed(progress, [50.0] * 5, per_epoch=5, start_step=111)
    assert "grown from 0.3 at the start to 50" in err.getvalue()


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
    run, x, y, loss, train_op, summary, _ = _nan_weights_step(tmp_path)
    with run.graph.as_default():
        accuracy = tf.constant(0.5)
    net = Namespace(x=x, y=y, train_op=train_op, loss=loss, accuracy=accuracy, summary=None)
    split = Split(np.ones((4, 2), np.float32), np.arange(4))
    data = Namespace(train=split, validation=split, test=split)
    args = Namespace(epochs=3, batch_size=2, seed=0, summary_every=100, learning_rate=0.1)
    run = Run(args_for(tmp_path), run.graph, writers=("train", "validation", "test"),
              checkpoints=False)
    with pytest.raises(KeyboardInterrupt):          # ...and acts once the epoch is scored
        with run:
            train.fit(run, net, data, args)
    assert pressed
    for split_name in ("validation", "test"):       # both scores are in before the stop
        written = load_events(run.dir / split_name).Scalars("loss")
        assert [e.step for e in written] == [2], split_name
    assert _interrupt_now()                         # held no longer


def _nan_weights_step(tmp_path):
    """A TrainStep on a tiny network whose weights are then made NaN, as a diverged run's
    are: the next summary step must report it."""
    graph = new_graph(0)
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 2], name="x")
        y = tf.compat.v1.placeholder(tf.float32, [None, 10], name="y")
        w = tf.compat.v1.get_variable("layer/weights", [2, 10])
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
        train_op = tf.compat.v1.assign_sub(w, 0.1 * tf.gradients(loss, [w])[0])
        summary = tf.compat.v1.summary.merge([
            tf.compat.v1.summary.scalar("loss", loss),
            tf.compat.v1.summary.histogram("layer/activations", tf.matmul(x, w))])
        make_nan = w.assign(tf.fill([2, 10], float("nan")))
    run = Run(args_for(tmp_path), graph, writers=("train", "test"), checkpoints=False)
    return run, x, y, loss, train_op, summary, make_nan


def test_diverged_weights_are_caught_by_the_summary_step_from_their_values(tmp_path):
    run, x, y, loss, train_op, summary, make_nan = _nan_weights_step(tmp_path)
    batch = Batch(2, 1, np.ones((3, 2), np.float32), np.zeros((3, 10), np.float32), False)
    with run:
        step = TrainStep(run.session, train_op, loss, x, y, summary, run.writer("train"), 1)
        step(batch._replace(step=1))                       # a healthy summary step
        run.session.run(make_nan)
        with pytest.raises(Diverged, match="layer/weights, the loss became NaN or infinite "
                                           "by step 2"):
            step(batch)


def test_a_summary_error_with_a_healthy_network_is_not_called_divergence(tmp_path):
    # NaN pixels in the data break the histogram too, but the weights are fine: that is a
    # data problem, and TensorFlow's own error must reach the learner unchanged.
    run, x, y, loss, train_op, summary, _ = _nan_weights_step(tmp_path)
    images = np.array([[np.nan, 1.0]], np.float32)
    with run:
        step = TrainStep(run.session, train_op, loss, x, y, summary, run.writer("train"), 1)
        with pytest.raises(tf.errors.InvalidArgumentError) as caught:
            step(Batch(1, 1, images, np.zeros((1, 10), np.float32), False))
    assert not isinstance(caught.value, Diverged)


def test_png_encoding_decodes_to_the_same_pixels():
    image = np.random.default_rng(0).random((5, 7))
    decoded = tf.io.decode_png(summaries.png(image)).numpy()[..., 0]
    assert decoded.shape == (5, 7)
    assert np.array_equal(decoded, (image * 255 + 0.5).astype(np.uint8))


def test_importing_the_package_and_lessons_does_not_import_tensorflow():
    code = ("import sys, tfgraph, lessons.mnist_dense, lessons.tensorboard; "
            "print('tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_each_lessons_number_is_its_place_in_the_syllabus():
    """`python -m lessons` numbers the lessons by SYLLABUS; each docstring's "Lesson N —" and
    the README's table must say the same (a lesson added in the middle shifts them all)."""
    import importlib
    from pathlib import Path
    from lessons import SYLLABUS
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for number, (name, *_) in enumerate(SYLLABUS, 1):
        doc = importlib.import_module(f"lessons.{name}").__doc__
        assert doc.startswith(f"Lesson {number} —"), (name, doc.splitlines()[0])
        assert f"| {number} | `python -m lessons.{name}` |" in readme, name
