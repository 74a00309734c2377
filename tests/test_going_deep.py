"""Lesson going_deep: the slide's VGGNet16 to the shape, conv layers against numpy, the digit
network's graph, its flags, and (slow) the network learning real digits, Ctrl-C and --resume.
(`--digits` itself, tfgraph.data.digits: tests/test_data_digits.py; the layer tables,
tfgraph.counts: tests/test_tfgraph_counts.py.)"""

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import assert_one_line_error, interrupt_lesson, lesson_process, said_before, write_mnist_idx
from lessons import going_deep
from tfgraph import figures, layers, new_graph, tf

# The slide's VGGNet16 on a 224x224x3 image: (layer, output shape, parameters).
VGG16 = [
    ("inputs", (224, 224, 3), 0),
    ("conv1_1", (224, 224, 64), 1_792), ("conv1_2", (224, 224, 64), 36_928),
    ("pool1", (112, 112, 64), 0),
    ("conv2_1", (112, 112, 128), 73_856), ("conv2_2", (112, 112, 128), 147_584),
    ("pool2", (56, 56, 128), 0),
    ("conv3_1", (56, 56, 256), 295_168), ("conv3_2", (56, 56, 256), 590_080),
    ("conv3_3", (56, 56, 256), 590_080), ("pool3", (28, 28, 256), 0),
    ("conv4_1", (28, 28, 512), 1_180_160), ("conv4_2", (28, 28, 512), 2_359_808),
    ("conv4_3", (28, 28, 512), 2_359_808), ("pool4", (14, 14, 512), 0),
    ("conv5_1", (14, 14, 512), 2_359_808), ("conv5_2", (14, 14, 512), 2_359_808),
    ("conv5_3", (14, 14, 512), 2_359_808), ("pool5", (7, 7, 512), 0),
    ("flatten", (25_088,), 0),
    ("fc6", (4096,), 102_764_544), ("fc7", (4096,), 16_781_312), ("fc8", (1000,), 4_097_000),
]


# -- the slide's VGGNet16, built and never run ------------------------------------------------

def test_vgg16_every_layer_and_the_published_total_without_a_session(monkeypatch):
    def no_session(*args, **kwargs):
        raise AssertionError("building VGG16 must not open a session")
    monkeypatch.setattr(tf.compat.v1, "Session", no_session)
    graph = new_graph(0)
    with graph.as_default():
        vgg = going_deep.build_vgg16()
    assert [(r.name, r.shape, r.parameters) for r in vgg.table] == VGG16
    assert sum(r.parameters for r in vgg.table) == 138_357_544 == going_deep.VGG16_PARAMETERS
    # ...and the graph's own variables agree with the table: 16 layers of weights + biases
    variables = graph.get_collection("variables")
    assert len(variables) == 32
    assert sum(int(np.prod(v.shape.as_list())) for v in variables) == 138_357_544
    assert vgg.images.shape.as_list() == [None, 224, 224, 3]
    assert vgg.logits.shape.as_list() == [None, 1000]
    assert vgg.probabilities.shape.as_list() == [None, 1000]
    # about 15.5 billion multiply-adds per image (the usual figure for VGG16)
    assert sum(r.multiply_adds for r in vgg.table) == 15_470_264_320
    scopes = {op.name.split("/")[0] for op in graph.get_operations()}
    assert {name for name, _, _ in VGG16} | {"softmax"} <= scopes


# -- conv layers against numpy ----------------------------------------------------------------

def numpy_conv_same(x, w, b):
    """3x3 (any odd size) convolution, stride 1, zero padding: the textbook loops."""
    n, rows, cols, _ = x.shape
    k = w.shape[0]
    pad = k // 2
    padded = np.pad(x, [(0, 0), (pad, pad), (pad, pad), (0, 0)])
    out = np.zeros((n, rows, cols, w.shape[3]))
    for i in range(rows):
        for j in range(cols):
            window = padded[:, i:i + k, j:j + k, :]                 # [n, k, k, in]
            out[:, i, j, :] = np.tensordot(window, w, axes=([1, 2, 3], [0, 1, 2]))
    return out + b


def test_conv2d_max_pool_flatten_match_numpy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 7, 7, 3)).astype(np.float32)
    graph = new_graph(0)
    with graph.as_default():
        conv = layers.conv2d(tf.constant(x), 4, tf.nn.relu, name="conv1_1")
        pooled = layers.max_pool(conv.output, name="pool1")
        flat = layers.flatten(pooled)
        init = tf.compat.v1.global_variables_initializer()
    assert conv.weights.name == "conv1_1/weights:0" and conv.biases.name == "conv1_1/biases:0"
    assert conv.weights.shape.as_list() == [3, 3, 3, 4]
    assert conv.output.shape.as_list() == [2, 7, 7, 4]
    assert pooled.shape.as_list() == [2, 3, 3, 4]            # 7 -> 3: the odd row is dropped
    assert flat.shape.as_list() == [2, 36]
    assert layers.parameter_count(conv) == 3 * 3 * 3 * 4 + 4
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        sess.run(conv.biases.assign(rng.normal(size=4).astype(np.float32)))
        w, b, pre, out, pool, fl = sess.run([conv.weights, conv.biases, conv.pre_activation,
                                             conv.output, pooled, flat])
    expected = numpy_conv_same(x.astype(np.float64), w, b)
    np.testing.assert_allclose(pre, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(out, np.maximum(expected, 0), rtol=1e-5, atol=1e-5)
    windows = out[:, :6, :6, :].reshape(2, 3, 2, 3, 2, 4)
    np.testing.assert_allclose(pool, windows.max(axis=(2, 4)))
    np.testing.assert_allclose(fl, pool.reshape(2, -1))


def test_conv2d_starts_with_he_scaled_weights_and_zero_biases():
    graph = new_graph(0)
    with graph.as_default():
        conv = layers.conv2d(tf.zeros([1, 8, 8, 32]), 64, name="c")
        init = tf.compat.v1.global_variables_initializer()
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        w, b = sess.run([conv.weights, conv.biases])
    fan_in = 3 * 3 * 32
    # a normal cut at two standard deviations keeps about 0.88 of its spread
    assert abs(w.std() / np.sqrt(2 / fan_in) - 0.88) < 0.03
    assert np.abs(w).max() <= 2 * np.sqrt(2 / fan_in) + 1e-6 and not b.any()


def test_conv2d_refuses_a_flat_input():
    with tf.Graph().as_default(), pytest.raises(ValueError, match="rows, cols, channels"):
        layers.conv2d(tf.zeros([4, 784]), 8)


# -- the digit network ------------------------------------------------------------------------

def test_digit_network_shapes_names_and_slide_scopes():
    graph = new_graph(0)
    with graph.as_default():
        net = going_deep.build_graph()
    assert net.x.shape.as_list() == [None, 784] and net.y.shape.as_list() == [None, 10]
    assert net.images.shape.as_list() == [None, 28, 28, 1]
    expected = {"conv1_1": ([3, 3, 1, 16], [None, 28, 28, 16]),
                "conv1_2": ([3, 3, 16, 16], [None, 28, 28, 16]),
                "conv2_1": ([3, 3, 16, 32], [None, 14, 14, 32]),
                "conv2_2": ([3, 3, 32, 32], [None, 14, 14, 32]),
                "conv3_1": ([3, 3, 32, 64], [None, 7, 7, 64]),
                "conv3_2": ([3, 3, 64, 64], [None, 7, 7, 64]),
                "fc4": ([576, 128], [None, 128]), "fc5": ([128, 10], [None, 10])}
    assert {name: (layer.weights.shape.as_list(), layer.output.shape.as_list())
            for name, layer in net.layers.items()} == expected
    assert all(layer.weights.name == f"{name}/weights:0" for name, layer in net.layers.items())
    assert [b.shape.as_list() for b in net.blocks] == [[None, 14, 14, 16], [None, 7, 7, 32],
                                                       [None, 3, 3, 64]]
    assert net.logits.shape.as_list() == [None, 10] and net.loss.shape.as_list() == []
    assert net.predicted.shape.as_list() == [None]
    assert sum(r.parameters for r in net.table) == 146_938
    assert sum(r.multiply_adds for r in net.table) == 7_413_248
    assert sum(int(np.prod(v.shape.as_list()))
               for v in graph.get_collection("trainable_variables")) == 146_938
    scopes = {op.name.split("/")[0] for op in graph.get_operations()}
    assert {"inputs", "conv1_1", "conv1_2", "pool1", "conv2_1", "conv2_2", "pool2", "conv3_1",
            "conv3_2", "pool3", "flatten", "fc4", "fc5", "cross_entropy", "gradients",
            "adam_trainer", "schedule", "evaluation"} <= scopes
    # every layer but the logits has a ReLU between it and the next
    relus = {op.name.split("/")[0] for op in graph.get_operations() if op.type == "Relu"}
    assert relus == set(expected) - {"fc5"}


def test_learning_rate_shrinks_by_decay_every_epoch():
    graph = new_graph(0)
    with graph.as_default():
        net = going_deep.build_graph(learning_rate=0.01, decay=0.5, steps_per_epoch=10)
        init = tf.compat.v1.global_variables_initializer()
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        rates = []
        for step in (0, 10, 25):
            sess.run(net.global_step.assign(step))
            rates.append(sess.run(net.learning_rate))
    np.testing.assert_allclose(rates, [0.01, 0.005, 0.01 * 0.5 ** 2.5], rtol=1e-6)


def test_filter_grid_puts_zero_at_grey():
    w = np.zeros((3, 3, 1, 16), np.float32)
    w[0, 0, 0, 0], w[1, 1, 0, 1] = 2.0, -1.0
    with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
        grid = sess.run(figures.filter_grid(tf.constant(w), columns=8, zoom=2))
    assert grid.shape == (1, 2 * 4 * 2, 8 * 4 * 2, 1)
    assert grid[0, 0, 0, 0] == 1.0                      # the largest weight: white
    assert grid[0, 2 * 1, 2 * 4 + 2 * 1, 0] == 0.25     # -1 of a scale of 2: dark grey
    assert grid[0, 2 * 2, 2 * 4 + 2 * 2, 0] == 0.5      # a zero weight: grey


# -- flags ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("flags, words", [
    (["--digits", "3-1"], ["--digits", "0-4"]),
    (["--digits", "12"], ["--digits", "'12'"]),
    (["--digits", "seven"], ["--digits"]),
    (["--digits", "7"], ["--digits", "at least two digits"]),
    (["--channels", "0"], ["--channels", "greater than 0"]),
    (["--epochs", "0"], ["--epochs"]),
])
def test_bad_flags_are_one_line_and_exit_2(tmp_path, lesson_main, flags, words):
    proc = lesson_main("going_deep", "--logdir", str(tmp_path), *flags)
    assert_one_line_error(proc, *words)
    assert not list(tmp_path.rglob("*")), "a refused start writes nothing"


def test_a_bad_flag_through_the_real_command(tmp_path):
    # The cases above run in this process (lesson_main); one runs as the learner types it.
    proc = lesson_process("going_deep", "--logdir", str(tmp_path), "--digits", "3-1")
    assert_one_line_error(proc, "--digits", "0-4")
    assert not list(tmp_path.rglob("*")), "a refused start writes nothing"


@pytest.mark.slow     # a plural in two languages: not worth seconds of the quick loop
def test_the_training_line_says_1_epoch_and_2_epochs_in_both_languages(tmp_path, monkeypatch, capsys):
    write_mnist_idx(tmp_path / "data", n_train=100, n_test=20)

    def start(lang, epochs):
        going_deep.main(["--data-dir", str(tmp_path / "data"), "--logdir", str(tmp_path),
                         "--epochs", epochs, "--lang", lang])
    said = said_before(monkeypatch, capsys, going_deep, "Run", start, ("1", "2"), last_line=True)
    assert said == {
        ("en", "1"): "Training 1 epoch of 90 digits, batch 100, Adam from 0.001 shrinking by 0.7 per epoch:",
        ("en", "2"): "Training 2 epochs of 90 digits, batch 100, Adam from 0.001 shrinking by 0.7 per epoch:",
        ("pt", "1"): "Treino de 1 época com 90 dígitos (lote: 100), Adam a partir de 0,001, multiplicado por "
                     "0,7 a cada época:",
        ("pt", "2"): "Treino de 2 épocas com 90 dígitos (lote: 100), Adam a partir de 0,001, multiplicado por "
                     "0,7 a cada época:"}


# -- learning real digits (slow) --------------------------------------------------------------

@pytest.mark.slow(minutes=1)
def test_defaults_on_the_8k_2k_split(tmp_path, shared_mnist_dir, events):
    result = going_deep.main(["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path)])
    print(f"going_deep defaults on 8k/2k: test accuracy {result['test_accuracy']:.4f}, "
          f"training {result['training_seconds']:.0f} s wall, "
          f"{result['training_cpu_seconds']:.0f} CPU-s")
    assert result["test_accuracy"] >= 0.975
    assert result["steps"] == 10 * 72                     # 7,200 digits, batch 100
    assert result["vgg16_parameters"] == 138_357_544 and result["parameters"] == 146_938
    run = Path(result["run_dir"])
    vgg = events(run / "vgg16")
    assert {"conv5_3", "fc8"} <= {n.name.split("/")[0] for n in vgg.Graph().node}
    assert not vgg.Tags()["scalars"]
    train = events(run / "train")
    rates = [e.value for e in train.Scalars("schedule/learning_rate")]
    assert rates[0] > rates[-1] > 0
    test = events(run / "test")
    assert {"feature_maps/block1", "feature_maps/block2", "feature_maps/block3"} <= set(
        test.Tags()["images"])
    losses = [e.value for e in train.Scalars("loss")]
    assert len(losses) == 7 and losses[-1] < losses[0]      # steps 100 ... 700


@pytest.mark.slow
def test_digits_subset_trains_and_tests_on_those_only(tmp_path, shared_mnist_dir):
    result = going_deep.main(["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
                              "--digits", "0-4", "--epochs", "1", "--train-size", "2000",
                              "--run-name", "base"])
    run = Path(result["run_dir"])
    assert result["digits"] == [0, 1, 2, 3, 4]
    assert json.loads((run / "flags.json").read_text())["digits"] == [0, 1, 2, 3, 4]
    assert result["test_accuracy"] > 0.5         # 11 steps; chance is 0.2 for five digits
    assert all(int(tag.split("_true_")[1][0]) <= 4 for tag in result["misclassified_tags"])
    assert list((run / "checkpoints").glob("model.ckpt-*.index"))


@pytest.mark.slow
def test_ctrl_c_saves_and_resume_continues_to_the_same_result(tmp_path, shared_mnist_dir):
    flags = ["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
             "--train-size", "1500", "--epochs", "2", "--batch-size", "25", "--channels", "4"]
    returncode, out, err = interrupt_lesson("going_deep", [*flags, "--run-name", "stopped"])
    assert returncode == 130, err
    assert "Traceback" not in err and "--resume" in err
    (run,) = (tmp_path / "going_deep").iterdir()
    (checkpoint,) = (run / "checkpoints").glob("model.ckpt-*.index")
    stopped_at = int(checkpoint.name.split("-")[1].split(".")[0])
    assert 0 < stopped_at < 120                          # 2 epochs of 60 steps
    assert (run / "vgg16").is_dir()                       # written before training began

    resumed = going_deep.main([*flags, "--resume", run.name])
    assert resumed["run_dir"] == str(run) and resumed["steps"] == 120
    straight = going_deep.main(flags)
    assert straight["steps"] == 120
    assert resumed["test_accuracy"] == straight["test_accuracy"]
    assert resumed["test_loss"] == straight["test_loss"]
