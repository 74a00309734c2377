"""tfgraph's core: the graph/session frame, batches, progress, PNG encoding, lazy TensorFlow."""

import io
import subprocess
import sys
from argparse import Namespace

import numpy as np
import pytest

from tfgraph import Run, new_graph, summaries, tf
from tfgraph.data.mnist import Split
from tfgraph.errors import UserError
from tfgraph.train import Batch, Diverged, Progress, steps_per_epoch, training_batches


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


def test_a_run_that_fails_to_start_leaves_no_empty_folder(tmp_path):
    graph = new_graph(0)
    with graph.as_default():
        tf.compat.v1.get_variable("w", [1])
    args = args_for(tmp_path, resume="latest")
    with pytest.raises(UserError):
        with Run(args, graph):
            pass
    runs = tmp_path / "core"
    assert not runs.exists() or list(runs.iterdir()) == []


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


def test_progress_stops_at_the_first_nan_with_step_and_advice():
    progress = Progress(10, learning_rate=3.0, out=io.StringIO())
    batch = Batch(4, 1, np.zeros((2, 2)), np.zeros((2, 10)), False)
    progress.update(batch, 0.5)
    with pytest.raises(Diverged, match="step 4 .*--learning-rate 0.3"):
        progress.update(batch, float("nan"))
    assert progress.loss == 0.5


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
