"""Lesson transfer_learning: which layers each variant restores and trains, that frozen
layers stay frozen and cost less arithmetic, the base it trains through going_deep's graph
functions, bad --from values, and (slow) the comparison on full MNIST. (The few images of
each digit, tfgraph.data.digits: tests/test_data_digits.py; the conclusions' wording,
tfgraph.transfer: tests/test_tfgraph_transfer.py.)"""

import ast
import functools
import json
from argparse import Namespace
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO_ROOT, assert_one_line_error, lesson_process, said_before
from lessons import going_deep, transfer_learning as lesson
from tfgraph import counts, new_graph, tf
from tfgraph.data.mnist import Mnist, Split
from tfgraph.support.errors import UserError
CONV = [f"conv{b}_{i}/{v}" for b in (1, 2, 3) for i in (1, 2) for v in ("weights", "biases")]
FC4, FC5 = ["fc4/weights", "fc4/biases"], ["fc5/weights", "fc5/biases"]


@functools.lru_cache(maxsize=None)
def build(variant):
    """(graph, net) of one variant, built once for the tests of this file (each may add an op
    of its own, e.g. an initializer; none changes what the others look at)."""
    graph = new_graph(0)
    with graph.as_default():
        net = lesson.build_graph(variant)
    return graph, net


@pytest.mark.parametrize("variant, restored, trained, after", [
    ("scratch", [], CONV + FC4 + FC5, 146_293),
    ("frozen", CONV, FC4 + FC5, 74_501),
    ("fine_tuned", CONV, CONV + FC4 + FC5, 146_293),
    ("frozen_fc4", CONV + FC4, FC5, 645),
])
def test_each_variant_restores_and_trains_its_layers(variant, restored, trained, after):
    graph, net = build(variant)
    assert sorted(net.restored) == sorted(restored)
    assert all(net.restored[name].op.name == ("base/" if name.startswith("conv") else "head/")
               + name for name in restored)
    assert sorted(lesson.checkpoint_name(v) for v in net.trained) == sorted(trained)
    assert counts.parameters(net.all_variables) == 146_293       # fc5: 128 x 5 + 5
    assert counts.parameters(net.trained) == after
    assert net.logits.shape.as_list() == [None, 5] and net.targets.shape.as_list() == [None, 5]
    assert (net.restorer is None) == (variant == "scratch")
    # No backward pass through a frozen convolution: its gradient ops are never built.
    backward_conv = [op for op in graph.get_operations()
                     if op.type == "Conv2DBackpropFilter" and op.name.startswith("gradients/")]
    assert bool(backward_conv) == (variant in ("scratch", "fine_tuned"))
    scopes = {op.name.split("/")[0] for op in graph.get_operations()}
    assert {"inputs", "base", "head", "cross_entropy", "gradients", "adam_trainer",
            "evaluation"} <= scopes


def test_targets_are_the_columns_of_digits_5_to_9():
    graph, net = build("frozen")
    labels = np.eye(10, dtype=np.float32)[[5, 9, 7]]
    with tf.compat.v1.Session(graph=graph) as sess:
        targets = sess.run(net.targets, {net.y: labels})
    np.testing.assert_array_equal(targets.argmax(axis=1), [0, 4, 2])


def test_a_frozen_step_needs_far_less_arithmetic():
    """The deterministic stand-in for "a frozen step is at least 1.5x cheaper": the floating-
    point operations of one training step, counted from the graph (wall-clock time is
    measured and printed by the lesson and the benchmark, never asserted)."""
    full = lesson.flops_per_image("scratch", going_deep.CHANNELS)
    frozen = lesson.flops_per_image("frozen", going_deep.CHANNELS)
    assert lesson.flops_per_image("fine_tuned", going_deep.CHANNELS) == full
    print(f"MFLOP per image per step: full {full / 1e6:.1f}, frozen {frozen / 1e6:.1f}")
    assert full >= 1.5 * frozen
    # forward about 2 x 7.41 million multiply-adds; a full step about three times that
    assert 14e6 < frozen < 16.5e6 and 2.5 * frozen < full < 3.2 * frozen


def save_base(folder, channels=going_deep.CHANNELS, digits=(0, 1, 2, 3, 4)):
    """A going_deep run folder holding an (untrained) checkpoint and its flags.json."""
    graph = new_graph(1)
    with graph.as_default():
        going_deep.build_graph(channels=channels)
        init = tf.compat.v1.global_variables_initializer()
        saver = tf.compat.v1.train.Saver()
    (folder / "checkpoints").mkdir(parents=True)
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        with graph.as_default():
            path = saver.save(sess, str(folder / "checkpoints" / "model.ckpt"), global_step=0,
                              write_meta_graph=False)
        values = sess.run({v.op.name: v for v in graph.get_collection("variables")})
    (folder / "flags.json").write_text(json.dumps({"digits": list(digits),
                                                   "channels": channels}))
    return path, values


def test_frozen_layers_keep_the_restored_weights_and_the_new_ones_learn(tmp_path):
    path, saved = save_base(tmp_path / "base")
    rng = np.random.default_rng(0)
    train = Split(rng.random((40, 784), dtype=np.float32), rng.integers(5, 10, 40))
    args = Namespace(lesson="transfer_learning", logdir=tmp_path, run_name=None, seed=0,
                     learning_rate=0.01, batch_size=20, steps=6, summary_every=3)
    base = lesson.Base(path, (0, 1, 2, 3, 4), going_deep.CHANNELS, "a test base", {})
    graph, net = build("frozen")
    with graph.as_default():
        init = tf.compat.v1.global_variables_initializer()
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        with graph.as_default():
            net.restorer.restore(sess, path)
        before = sess.run({v.op.name: v for v in net.all_variables})
        for name, variable in net.restored.items():        # restored: the base's values
            np.testing.assert_array_equal(before[variable.op.name], saved[name])
        step = sess.make_callable(net.train_op, [net.x, net.y])
        for _ in range(3):
            step(train.images[:20], train.one_hot()[:20])
        after = sess.run({v.op.name: v for v in net.all_variables})
    for name in before:
        unchanged = np.array_equal(before[name], after[name])
        assert unchanged == name.startswith("base/"), name   # frozen, or learning
    result = lesson.train_variant(args, "frozen", base, train, train, tmp_path / "run")
    assert result["trainable_after"] == 74_501 and np.isfinite(result["train_loss"])


@pytest.mark.parametrize("make, words", [
    ("missing", ["no run named 'nope'"]),
    ("no_checkpoint", ["has no checkpoint"]),
    ("saw_new_digits", ["0-9", "include the new digits 5-9", "--digits 0-4"]),
])
def test_bad_from_is_one_line_exit_2_and_writes_nothing(tmp_path, lesson_main, make, words):
    bad_from(tmp_path, make, words, lesson_main)


def test_a_bad_from_through_the_real_command(tmp_path):
    # The cases above run in this process (lesson_main); one runs as the learner types it.
    bad_from(tmp_path, "saw_new_digits", ["0-9", "include the new digits 5-9", "--digits 0-4"],
             lambda *flags: lesson_process(*flags, timeout=120))


def bad_from(tmp_path, make, words, program):
    runs = tmp_path / "going_deep"
    run = runs / "nope" if make == "missing" else runs / "base"
    if make != "missing":
        (run / "checkpoints").mkdir(parents=True)
        (run / "flags.json").write_text(json.dumps({"digits": list(range(10))}))
        if make == "saw_new_digits":
            (run / "checkpoints" / "checkpoint").write_text('model_checkpoint_path: "x"\n')
    before = sorted(tmp_path.rglob("*"))
    proc = program("transfer_learning", "--logdir", str(tmp_path), "--from", run.name)
    assert_one_line_error(proc, *words)
    assert sorted(tmp_path.rglob("*")) == before, "nothing written"


@pytest.mark.parametrize("channels, words", [(8, ["shape", "do not fit"])])
def test_a_checkpoint_whose_layers_do_not_fit_is_refused_before_anything_is_written(
        tmp_path, channels, words):
    save_base(tmp_path / "going_deep" / "base", channels=channels)
    flags = json.loads((tmp_path / "going_deep" / "base" / "flags.json").read_text())
    flags["channels"] = going_deep.CHANNELS          # says 16, holds layers of 8 channels
    (tmp_path / "going_deep" / "base" / "flags.json").write_text(json.dumps(flags))
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(UserError) as refused:
        lesson.main(["--logdir", str(tmp_path), "--from", "base"])
    assert all(word in str(refused.value) for word in words), refused.value
    assert sorted(tmp_path.rglob("*")) == before


@pytest.mark.parametrize("flags, words", [
    (["--images-per-digit", "0"], ["--images-per-digit", "greater than 0"]),
    (["--images-per-digit", "ten"], ["--images-per-digit", "whole number"]),
    (["--steps", "-1"], ["--steps"]),
])
def test_bad_flags_are_one_line_and_exit_2(tmp_path, lesson_main, flags, words):
    proc = lesson_main("transfer_learning", "--logdir", str(tmp_path), *flags)
    assert_one_line_error(proc, *words)
    assert not list(tmp_path.rglob("*"))


# -- the base: going_deep's network, through its graph functions ------------------------------

def test_the_base_is_going_deeps_network_on_digits_0_to_4_in_its_own_folder(tmp_path):
    rng = np.random.default_rng(0)

    def split(n):
        return Split(rng.random((n, 784), dtype=np.float32), np.arange(n) % 10)
    data = Mnist(split(120), split(20), split(40), (28, 28), "random digits")
    args = Namespace(lesson="transfer_learning", logdir=tmp_path, run_name=None, seed=0,
                     epochs=1, batch_size=50, learning_rate=0.001, summary_every=1)
    base = lesson.train_base(args, data, tmp_path / "run" / "base")
    assert base.digits == lesson.BASE_DIGITS and base.channels == going_deep.CHANNELS
    assert base.result["steps"] == 2                    # 60 digits 0-4, batch 50
    assert Path(base.checkpoint).name == "model.ckpt-2"
    saved = dict(tf.train.list_variables(base.checkpoint))
    assert saved["conv1_1/weights"] == [3, 3, 1, going_deep.CHANNELS] and "fc5/weights" in saved
    # its flags.json says what it is, as a going_deep run's does (what --from reads)
    flags = json.loads((tmp_path / "run" / "base" / "flags.json").read_text())
    assert flags["digits"] == [0, 1, 2, 3, 4] and flags["channels"] == going_deep.CHANNELS
    assert {p.name for p in (tmp_path / "run" / "base").iterdir()} >= {
        "train", "validation", "test", "checkpoints"}


@pytest.mark.slow     # a plural in two languages: not worth seconds of the quick loop
def test_a_base_of_one_epoch_says_epoch_in_both_languages(tmp_path, monkeypatch, capsys):
    split = Split(np.zeros((20, 784), np.float32), np.arange(20) % 10)
    data = Mnist(split, split, split, (28, 28), "zeros")

    def base(lang, epochs):
        args = Namespace(seed=0, epochs=epochs, batch_size=50, learning_rate=0.001)
        lesson.train_base(args, data, tmp_path)
    said = said_before(monkeypatch, capsys, lesson, "Run", base)
    base, base_pt = "The base: going_deep's network", "A base: a rede de going_deep treinada"
    assert said == {("en", 1): f"{base} trained on the digits 0-4 (10 images, 1 epoch):",
                    ("en", 2): f"{base} trained on the digits 0-4 (10 images, 2 epochs):",
                    ("pt", 1): f"{base_pt} com os dígitos 0-4 (10 imagens, 1 época):",
                    ("pt", 2): f"{base_pt} com os dígitos 0-4 (10 imagens, 2 épocas):"}


def test_it_uses_going_deep_only_for_its_network():
    """Lessons import lessons only for the network they taught: never another lesson's main,
    parser or flags (transfer_learning once parsed going_deep's command line for its base)."""
    tree = ast.parse((REPO_ROOT / "lessons" / "transfer_learning.py").read_text())
    used = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name) and node.value.id == "going_deep"}
    assert used <= {"build_graph", "conv_blocks", "dense_layers", "CHANNELS", "LESSON"}, used
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
             and node.func.value.id == "going_deep"]
    assert calls and all(len(call.args) <= 1 for call in calls), \
        "going_deep's graph functions take their settings as keyword arguments"


# -- slow: the lesson's own claims --------------------------------------------------------------

@pytest.mark.slow(minutes=3.5)
def test_defaults_on_full_mnist_reuse_beats_scratch_with_few_images(
        tmp_path, shared_mnist_full_dir, events):
    result = lesson.main(["--data-dir", str(shared_mnist_full_dir), "--logdir", str(tmp_path)])
    by = result["by_size"]
    table = {n: {v: round(r["accuracy"], 4) for v, r in row.items()} for n, row in by.items()}
    print(f"accuracy on test digits 5-9: {table}; base {result['base_result']['test_accuracy']}")
    assert result["base_result"]["test_accuracy"] >= 0.995      # digits 0-4
    assert by[10]["frozen"]["accuracy"] >= by[10]["scratch"]["accuracy"] + 0.04
    assert by[30]["frozen"]["accuracy"] >= by[30]["scratch"]["accuracy"]
    assert by[100]["frozen"]["accuracy"] >= by[100]["scratch"]["accuracy"]
    assert by[10]["frozen"]["trainable_after"] < by[10]["frozen"]["trainable_before"]
    run = Path(result["run_dir"])
    frozen = events(run / "10_per_digit" / "frozen")
    tuned = events(run / "10_per_digit" / "fine_tuned")

    def backward_conv(acc):
        return [n.name for n in acc.Graph().node if n.op == "Conv2DBackpropFilter"]
    assert not backward_conv(frozen) and backward_conv(tuned)
    assert [e.step for e in frozen.Scalars("accuracy")] == [100, 200, 300]


@pytest.mark.slow
def test_from_reuses_a_going_deep_run_and_trains_no_base(tmp_path, shared_mnist_dir):
    base = going_deep.main(["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
                            "--digits", "0-4", "--epochs", "1", "--train-size", "2000",
                            "--run-name", "base"])
    name = Path(base["run_dir"]).name
    result = lesson.main(["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
                          "--from", name, "--images-per-digit", "5", "--steps", "20"])
    assert result["base"] == f"going_deep run {name}" and result["base_result"] == {}
    assert not (Path(result["run_dir"]) / "base").exists()
    assert set(result["by_size"][5]) == set(lesson.VARIANTS)
