"""Lesson activations: the neuron's graph, every function and derivative against numpy
(conventions at the kinks included), bad input through the CLI, mnist_dense with step and
maxout, and (slow) the race of the seven on real digits."""

import functools
import math

import numpy as np
import pytest

from conftest import assert_one_line_error, lesson_process, np_sigmoid, said_before
from lessons import activations as lesson
from lessons import mnist_dense
from tfgraph import new_graph, tf

X = np.concatenate([lesson.CURVE_X, np.float32(lesson.TABLE_X)])


def np_maxout(x):
    return np.max([a * x + c for a, c in lesson.MAXOUT_PIECES], axis=0)


# name -> (F, F' as tf.gradients gives it, at the kinks too), float64. The kink conventions:
# step: no gradient (the lesson shows 0); relu = max(x, 0): 1 at 0 (tf.maximum gives a tie to
# its first argument); leaky_relu: 0.01 at 0 (the alpha·x branch); elu: 1 at 0 (e^0, the
# exponential branch); maxout: where its pieces tie (x = -1), the mean of their slopes.
ORACLES = {
    "step": (lambda x: (x >= 0).astype(float), lambda x: np.zeros_like(x)),
    "sigmoid": (np_sigmoid, lambda x: np_sigmoid(x) * (1 - np_sigmoid(x))),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "relu": (lambda x: np.maximum(x, 0), lambda x: (x >= 0).astype(float)),
    "leaky_relu": (lambda x: np.where(x > 0, x, 0.01 * x), lambda x: np.where(x > 0, 1, 0.01)),
    "elu": (lambda x: np.where(x > 0, x, np.expm1(x)), lambda x: np.where(x > 0, 1, np.exp(x))),
    "maxout": (np_maxout, lambda x: np.select([x > -1, x < -1], [1.0, -0.5], 0.25)),
}
# The printed table, by hand: x = -2, -1, 0, 1, 2.
TABLE = {
    "step": ([0, 0, 1, 1, 1], [0, 0, 0, 0, 0]),
    "sigmoid": ([0.1192029, 0.2689414, 0.5, 0.7310586, 0.8807971],
                [0.1049936, 0.1966119, 0.25, 0.1966119, 0.1049936]),
    "tanh": ([-0.9640276, -0.7615942, 0, 0.7615942, 0.9640276],
             [0.0706508, 0.4199743, 1, 0.4199743, 0.0706508]),
    "relu": ([0, 0, 0, 1, 2], [0, 0, 1, 1, 1]),
    "leaky_relu": ([-0.02, -0.01, 0, 1, 2], [0.01, 0.01, 0.01, 1, 1]),
    "elu": ([-0.8646647, -0.6321206, 0, 1, 2], [0.1353353, 0.3678794, 1, 1, 1]),
    "maxout": ([-0.5, -1, 0, 1, 2], [-0.5, 0.25, 1, 1, 1]),
}


def build(**kwargs):
    graph = new_graph(0)
    with graph.as_default():
        net = lesson.build_graph(**kwargs)
        init = tf.compat.v1.global_variables_initializer()
    return graph, net, init


@functools.lru_cache(maxsize=None)
def built_with_the_defaults():
    """build() with the lesson's defaults, once for the two tests that only read it."""
    return build()


def test_neuron_graph_shapes_and_the_slides_names():
    graph, net, _ = built_with_the_defaults()
    assert net.x.shape.as_list() == [3] and net.weights.shape.as_list() == [3]
    assert net.bias.shape.as_list() == [] and net.weighted_sum.shape.as_list() == []
    assert net.output.shape.as_list() == [] and net.curve_x.shape.as_list() == [None]
    assert set(net.values) == set(net.derivatives) == set(lesson.FUNCTIONS)
    assert all(v.shape.as_list() == [None] for v in net.values.values())
    assert net.derivatives["step"] is None                     # no gradient path through a step
    assert all(d.shape.as_list() == [None] for n, d in net.derivatives.items() if n != "step")
    assert net.weights.name == "neuron/pesos:0" and net.bias.name == "neuron/vies:0"
    assert net.weighted_sum.name == "neuron/weighted_sum:0"
    assert net.output.name == "neuron/funcao_de_ativacao/output:0"
    scopes = {op.name.split("/")[0] for op in graph.get_operations()} - {"init"}
    assert scopes == {"neuron", "curves", "functions", "derivatives"}   # each scope once
    names = {op.name for op in graph.get_operations()}
    assert {"functions/maxout/pieces/piece_1", "functions/maxout/pieces/piece_2"} <= names
    # The functions are tfgraph.activations' primitive ops, not tf.nn's fused ones.
    assert not {op.type for op in graph.get_operations()} & {"Sigmoid", "Tanh", "Relu",
                                                             "LeakyRelu", "Elu"}


def test_every_value_and_derivative_matches_numpy_including_the_kinks():
    graph, net, init = built_with_the_defaults()
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        values, derivatives = sess.run(
            [net.values, {k: d for k, d in net.derivatives.items() if d is not None}],
            {net.curve_x: X})
    x = X.astype(np.float64)
    for name, (f, df) in ORACLES.items():
        np.testing.assert_allclose(values[name], f(x), rtol=1e-6, atol=2e-7, err_msg=name)
        if name != "step":
            np.testing.assert_allclose(derivatives[name], df(x), rtol=1e-6, atol=2e-7,
                                       err_msg=name)
        n = len(lesson.CURVE_X)
        expected_values, expected_slopes = TABLE[name]
        np.testing.assert_allclose(values[name][n:], expected_values, atol=1e-6, err_msg=name)
        if name != "step":
            np.testing.assert_allclose(derivatives[name][n:], expected_slopes, atol=1e-6,
                                       err_msg=name)
    assert 0.0 in X and -1.0 in X        # the kinks themselves are among the points checked


@pytest.mark.parametrize("activation", lesson.FUNCTIONS)
def test_the_neuron_computes_f_of_w_x_plus_b(activation):
    rng = np.random.default_rng(len(activation))
    weights, inputs = rng.normal(size=4).round(3), rng.normal(size=4).round(3)
    graph, net, init = build(weights=tuple(weights), bias=0.25, activation=activation)
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        z, out = sess.run([net.weighted_sum, net.output], {net.x: np.float32(inputs)})
    expected_z = float(np.dot(np.float32(weights), np.float32(inputs)) + 0.25)
    assert z == pytest.approx(expected_z, rel=1e-6, abs=1e-6)
    assert out == pytest.approx(ORACLES[activation][0](np.float64(z)), rel=1e-6, abs=1e-6)


def test_main_without_the_race_prints_the_table_and_writes_the_figures(
        tmp_path, events, capsys):
    result = lesson.main(["--logdir", str(tmp_path), "--compare"])
    out = capsys.readouterr().out
    assert result["comparison"] == []
    assert result["neuron"]["weighted_sum"] == pytest.approx(0.5)   # 0.8 - 0.2 - 0.3 + 0.2
    assert result["neuron"]["output"] == 1.0                         # step(0.5)
    for name, (values, slopes) in TABLE.items():
        row = result["table"][name]
        np.testing.assert_allclose(row["values"], values, atol=1e-6)
        np.testing.assert_allclose(row["derivatives"], slopes, atol=1e-6)
        assert row["no_gradient"] == (name == "step")
    assert "(tf.gradients: None)" in out and "relu'(0) = 1" in out and "0.25" in out
    acc = events(f"{result['run_dir']}/neuron")
    figures = (*lesson.FUNCTIONS, "all")
    assert set(acc.Tags()["images"]) == {"neuron", *(f"functions/{n}" for n in figures)}
    image = acc.Images("functions/relu")[0]
    assert (image.width, image.height) == (640, 400)
    assert {n.name for n in acc.Graph().node} >= {"neuron/pesos", "neuron/vies",
                                                  "neuron/weighted_sum"}


# -- bad input: one line, exit 2 -------------------------------------------------------------

@pytest.mark.parametrize("flags, words", [
    (["--weights", "nan", "1", "1"], ["--weights", "finite"]),
    (["--bias", "inf"], ["--bias", "finite"]),
    (["--activation", "swish"], ["--activation", "invalid choice"]),
    (["--compare", "relu", "softplus"], ["--compare", "invalid choice"]),
    (["--weights", "1", "2", "--inputs", "1"], ["2 weights", "1 inputs"]),
    (["--weights", "1e39", "0", "0"], ["--weights", "float32"]),
    (["--weights", "3e38", "3e38", "--inputs", "1", "1"], ["too large for float32"]),
    (["--data-dir", "/no/such/folder"], ["/no/such/folder", "--compare alone"]),
])
def test_bad_flags(flags, words, tmp_path, lesson_main):
    # As `python -m lessons.activations` runs it (tfgraph.support.cli.run), but in this process.
    assert_one_line_error(lesson_main("activations", "--logdir", str(tmp_path), *flags), *words)
    assert not list(tmp_path.rglob("*"))                   # refused before any run folder


def test_bad_flags_through_the_real_command(tmp_path):
    # One of the cases above as the learner types it: a new Python, exit 2, one line.
    logdir = ["--logdir", str(tmp_path)]
    assert_one_line_error(lesson_process("activations", *logdir, "--weights", "1", "2",
                                         "--inputs", "1"), "2 weights", "1 inputs")
    assert not list(tmp_path.rglob("*"))


# -- mnist_dense with the slide's step and maxout --------------------------------------------

def test_dense_with_maxout_has_two_pieces_per_neuron():
    graph = new_graph(0)
    with graph.as_default():
        net = mnist_dense.build_graph(hidden=8, activation="maxout")
    assert net.hidden.weights.shape.as_list() == [784, 16]       # two pieces per neuron
    assert net.hidden.pre_activation.shape.as_list() == [None, 16]
    assert net.hidden.output.shape.as_list() == [None, 8]
    assert net.logit.weights.shape.as_list() == [8, 10]
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(tf.compat.v1.global_variables_initializer())
        x = np.random.default_rng(0).random((3, 784), dtype=np.float32)
        pre, out = sess.run([net.hidden.pre_activation, net.hidden.output], {net.x: x})
    np.testing.assert_allclose(out, pre.reshape(3, 8, 2).max(axis=2))


def test_dense_with_step_cannot_move_its_hidden_layer():
    graph = new_graph(0)
    with graph.as_default():
        net = mnist_dense.build_graph(hidden=8, activation="step", learning_rate=0.5)
    zeros = [g for g, v in net.gradients if v.op.name.startswith("step_layer/")]
    assert [g.op.name for g in zeros] == ["gradients/zero_for_step_layer_weights",
                                          "gradients/zero_for_step_layer_biases"]
    rng = np.random.default_rng(1)
    x = rng.random((20, 784), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 20)]
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(tf.compat.v1.global_variables_initializer())
        before = sess.run([net.hidden.weights, net.logit.weights])
        for _ in range(5):
            sess.run(net.train_op, {net.x: x, net.y: y})
        after = sess.run([net.hidden.weights, net.logit.weights])
    np.testing.assert_array_equal(after[0], before[0])        # the step layer: not one bit
    assert np.abs(after[1] - before[1]).max() > 1e-3           # the logit layer learns


def test_mnist_dense_offers_the_slides_seven():
    # mnist_dense's --activation choices are BY_NAME's keys.
    from tfgraph import activations
    assert set(activations.BY_NAME) == set(lesson.FUNCTIONS)


def test_a_race_of_one_epoch_says_epoch_in_both_languages(tmp_path, monkeypatch, capsys):
    from types import SimpleNamespace

    def race(lang, epochs):
        args = SimpleNamespace(seed=0, learning_rate=0.01, hidden=8, epochs=epochs)
        lesson.train_dense(args, SimpleNamespace(image_shape=(28, 28)), tmp_path, "relu")
    said = said_before(monkeypatch, capsys, lesson, "Run", race)
    assert said == {("en", 1): "== relu: 8 relu neurons, 1 epoch ==",
                    ("en", 2): "== relu: 8 relu neurons, 2 epochs ==",
                    ("pt", 1): "== relu: 8 neurônios relu, 1 época ==",
                    ("pt", 2): "== relu: 8 neurônios relu, 2 épocas =="}


# -- slow: the race on real digits -----------------------------------------------------------

@pytest.mark.slow
def test_the_race_on_real_digits(tmp_path, shared_mnist_dir, events, capsys):
    result = lesson.main(["--data-dir", str(shared_mnist_dir), "--logdir", str(tmp_path),
                          "--compare", "step", "sigmoid", "relu"])
    out = capsys.readouterr().out
    race = {r["activation"]: r for r in result["comparison"]}
    assert list(race) == ["step", "sigmoid", "relu"]
    per_epoch = math.ceil(7200 / lesson.BATCH_SIZE)         # the offline split's training digits
    assert {r["steps"] for r in race.values()} == {lesson.EPOCHS * per_epoch}
    # The step layer never moves; what it scores is the logit layer alone, on its fixed
    # random features: far above chance (0.1), below a layer that learns well.
    assert race["step"]["moved"] == 0.0
    assert race["sigmoid"]["moved"] > 0 and race["relu"]["moved"] > 0
    assert 0.5 < race["step"]["test_accuracy"] < race["relu"]["test_accuracy"]
    # Sigmoid learns slower than ReLU at the slide's learning rate 0.01.
    assert race["relu"]["test_accuracy"] > race["sigmoid"]["test_accuracy"] + 0.05
    assert race["relu"]["test_accuracy"] > 0.85
    assert "did not move at all" in out and "sigmoid" in out and "< relu" in out
    # Sibling runs: the same tags in every run, so TensorBoard overlays the curves.
    for name in race:
        train = events(f"{result['run_dir']}/dense_{name}/train")
        assert {"loss", "accuracy"} <= set(train.Tags()["scalars"])
        assert train.Tags()["histograms"] == ["hidden_layer_weights"]
        test = events(f"{result['run_dir']}/dense_{name}/test")
        assert [e.step for e in test.Scalars("accuracy")] == [
            per_epoch * (e + 1) for e in range(lesson.EPOCHS)]
        assert test.Scalars("accuracy")[-1].value == pytest.approx(
            race[name]["test_accuracy"])
    flat = events(f"{result['run_dir']}/dense_step/train").Histograms("hidden_layer_weights")
    assert len({(h.histogram_value.min, h.histogram_value.max, h.histogram_value.sum)
                for h in flat}) == 1                            # the same weights at every step


@pytest.mark.slow     # a whole lesson run, as in tests/test_portuguese.py
def test_the_neuron_in_portuguese_separates_numbers_with_semicolons(lesson_main, tmp_path):
    # The decimal mark is a comma in Portuguese: a list of numbers takes "; " between them.
    shown = lesson_main("activations", "--lang", "pt", "--logdir", str(tmp_path), "--compare")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert "   Pesos               w = 0,8; -0,4; 0,3" in lines
    assert "   entradas            x = 1; 0,5; -1" in lines
    assert "   soma ponderada  w·x + b = 0,5" in lines
    assert "   F(x)   em x =       -2       -1       0       1       2" in lines
