"""Lesson tf_basics ("Tensorflow: uma introdução"): graph shapes, what a session returns, its logs."""

import contextlib
import io
from pathlib import Path

import numpy as np
import pytest
from conftest import assert_one_line_error, lesson_process, static_shapes

from lessons import tf_basics as lesson
from tfgraph import new_graph, tf


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """One run of the lesson shared by the tests below: (result, printed text, logdir)."""
    logdir = tmp_path_factory.mktemp("logs")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = lesson.main(["--logdir", str(logdir)])
    return result, out.getvalue(), logdir


def test_graph_shapes_without_running():
    graph = new_graph(0)
    with graph.as_default():
        net = lesson.build_graph()
    assert static_shapes(net, skip=("summaries",)) == {
        "a": [], "b": [2], "x": [None, 3], "w": [3, 2], "y": [None, 2], "batch_shape": [2],
        "words": [3], "positive": [None, 2]}
    dtypes = {name: t.dtype for name, t in net._asdict().items()}
    assert dtypes == {"a": tf.int32, "b": tf.float32, "x": tf.float32, "w": tf.float32,
                      "y": tf.float32, "batch_shape": tf.int32, "words": tf.string,
                      "positive": tf.bool, "summaries": tf.string}
    assert net.x.op.type == "Placeholder" and net.x.op.name == "inputs/x"
    assert net.w.name == "layer/w:0" and net.w.op.type == "VarHandleOp"
    assert net.y.op.name == "layer/y" and net.y.op.inputs[0].op.type == "MatMul"
    assert (net.a.op.name, net.b.op.name) == ("constants/a", "constants/b")
    assert net.batch_shape.op.type == "Shape"
    # Building ran nothing and left the graph open for more ops (Run finalizes it later).
    assert not graph.finalized
    assert tf.compat.v1.get_default_graph() is not graph


def test_session_results_are_x_times_w_plus_b(ran):
    result, _, _ = ran
    w, b = np.array(result["w"]), np.array(result["b"])
    assert w.shape == (3, 2) and result["b"] == lesson.BIAS
    for rows in (1, 4):
        x = np.array(result["x"][rows])
        y = np.array(result["y"][rows])
        assert x.shape == (rows, 3) and y.shape == (rows, 2)
        np.testing.assert_allclose(y, x @ w + b, rtol=1e-6, atol=1e-6)
    # The same graph gave the same first row for both batches.
    assert result["y"][4][0] == result["y"][1][0]


def test_shapes_dtypes_and_fetched_values(ran):
    result, _, _ = ran
    assert result["static_shape"] == [None, 3]
    assert result["dynamic_shape"] == [4, 3]
    fetched = result["fetched"]
    assert {name: f["dtype"] for name, f in fetched.items()} == {
        "constants/a:0": "int32", "constants/b:0": "float32", "tensor/slide:0": "string",
        "layer/y:0": "float32", "tensor/positive:0": "bool"}
    assert fetched["constants/a:0"]["type"] == "int32"      # rank 0: a numpy scalar
    assert fetched["constants/a:0"]["rank"] == 0 and fetched["constants/a:0"]["shape"] == []
    assert fetched["layer/y:0"] == {"dtype": "float32", "rank": 2, "type": "ndarray",
                                    "shape": [4, 2]}
    assert fetched["tensor/slide:0"]["shape"] == [3]


def test_nothing_ran_before_the_session_and_the_loop_mistake_is_caught(ran):
    result, text, _ = ran
    assert "layer/w" in result["uninitialized_error"]
    assert ("inputs/x", "Placeholder") in result["ops"]
    assert ("layer/w", "VarHandleOp") in result["ops"]
    assert len(result["ops"]) == len({name for name, _ in result["ops"]})
    counts = result["op_counts"]
    assert len(counts) == lesson.LOOP_PASSES + 1
    assert all(after == before + 1 for before, after in zip(counts, counts[1:]))
    assert "Graph is finalized and cannot be modified" in result["finalize_error"]
    # ...and a learner sees each point, one line each, not a traceback.
    for words in ("FailedPreconditionError: Could not find variable layer/w",
                  "You must feed a value for placeholder tensor 'inputs/x'",
                  " -> ".join(map(str, counts)),
                  "RuntimeError: Graph is finalized",
                  "tensorboard --logdir"):
        assert words in text, words
    assert "Traceback" not in text


def test_event_file_holds_graph_scopes_and_one_point_per_feed(ran, events):
    result, _, logdir = ran
    run_dir = Path(result["run_dir"])
    assert run_dir.parent == logdir / "tf_basics"
    acc = events(run_dir)
    nodes = {n.name for n in acc.Graph().node}
    for name in ("constants/a", "constants/b", "inputs/x", "layer/w", "layer/MatMul",
                 "layer/y", "tensor/batch_shape", "tensor/slide", "feed/x_sum"):
        assert name in nodes, name
    x_sum = acc.Scalars("feed/x_sum")
    assert [p.step for p in x_sum] == [1, 2]
    assert [p.value for p in x_sum] == [np.sum(result["x"][1]), np.sum(result["x"][4])]
    assert [p.value for p in acc.Scalars("feed/batch_size")] == [1.0, 4.0]


def test_seed_changes_w_not_shapes(ran, tmp_path):
    other = lesson.main(["--logdir", str(tmp_path), "--seed", "1"])
    assert other["w"] != ran[0]["w"]
    assert np.array(other["w"]).shape == (3, 2) and other["dynamic_shape"] == [4, 3]


def test_help_exits_0_with_only_the_shared_flags(lesson_main):
    proc = lesson_main("tf_basics", "--help")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert "--logdir" in proc.stdout and "--seed" in proc.stdout
    assert "--epochs" not in proc.stdout and "--learning-rate" not in proc.stdout


def test_a_bad_flag_through_the_real_command():
    # tf_basics trains nothing: no --epochs. (The other lessons' bad flags: test_support_cli.)
    assert_one_line_error(lesson_process("tf_basics", "--epochs", "3"), "unrecognized")


def test_the_tables_in_portuguese_widen_for_their_headings(lesson_main, tmp_path):
    shown = lesson_main("tf_basics", "--lang", "pt", "--logdir", str(tmp_path))
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    head = next(line for line in lines if line.startswith("  nó "))
    row = next(line for line in lines if line.startswith("  layer/w "))
    assert head.index("forma da saída") == row.index("[3, 2] var")       # a heading wider than 13
    assert head.index("ops auxiliares dentro") == row.index("+9")
    head = next(line for line in lines if line.startswith("  tensor "))
    row = next(line for line in lines if line.startswith("  layer/y:0 "))
    assert head.index("posto") == row.index(" 2 ") + 1                      # wider than "rank"
    assert head.index("forma estática") == row.index("[None, 2]")
    assert head.index("buscado como") == row.index("numpy.ndarray")
    assert "sess.run([y, tf.shape(x), summaries], feed_dict={x: 1 linha})" in lines
    assert "sess.run([y, tf.shape(x), summaries], feed_dict={x: 4 linhas})" in lines
