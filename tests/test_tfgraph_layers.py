"""tfgraph.layers against numpy: the dense layer's shapes, names, output, gradients, initial weights, refusals."""

import math

import numpy as np
import pytest
from conftest import np_sigmoid, run_graph

from tfgraph import activations as act
from tfgraph import layers, new_graph, tf


def test_dense_shapes_and_names():
    graph = new_graph(0)
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 5])
        layer = layers.dense(x, 3, activation=act.relu, name="hidden")
        fixed = layers.dense(tf.zeros([4, 3]), 2, name="logits")
        assert layer.weights.shape.as_list() == [5, 3]
        assert layer.biases.shape.as_list() == [3]
        assert layer.pre_activation.shape.as_list() == [None, 3]
        assert layer.output.shape.as_list() == [None, 3]
        assert fixed.weights.shape.as_list() == [3, 2]
        assert fixed.output.shape.as_list() == [4, 2]
        assert layer.weights.name == "hidden/weights:0"
        assert layer.biases.name == "hidden/biases:0"
        assert layer.pre_activation.name == "hidden/pre_activation:0"
        assert layer.output.name == "hidden/output:0"
        assert fixed.weights.name == "logits/weights:0"
        trainable = {v.name for v in tf.compat.v1.trainable_variables()}
        assert trainable == {"hidden/weights:0", "hidden/biases:0",
                             "logits/weights:0", "logits/biases:0"}
        assert all(t.dtype == tf.float32 for t in (layer.pre_activation, layer.output))


@pytest.mark.parametrize("activation,np_act", [
    (None, lambda z: z),
    (act.relu, lambda z: np.maximum(z, 0)),
    (act.tanh, np.tanh),
    (act.sigmoid, np_sigmoid),
])
def test_dense_output_equals_numpy(activation, np_act):
    rng = np.random.default_rng(2)
    x_value = rng.normal(size=(6, 4)).astype(np.float32)
    b_value = rng.normal(size=3).astype(np.float32)

    def build():
        x = tf.compat.v1.placeholder(tf.float32, [None, 4])
        layer = layers.dense(x, 3, activation=activation, name="fc")
        # Non-zero biases, so "+ b" is really checked (they start at zero).
        with tf.control_dependencies([tf.compat.v1.assign(layer.biases, b_value)]):
            w = tf.identity(layer.weights)
        return (layer, w), {x: x_value}

    graph = new_graph(0)
    with graph.as_default():
        (layer, w), feed = build()
        init = tf.compat.v1.global_variables_initializer()
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        w_value = sess.run(w)
        got_w, got_b, z, out = sess.run(
            [layer.weights, layer.biases, layer.pre_activation, layer.output], feed)
    np.testing.assert_array_equal(got_w, w_value)
    np.testing.assert_array_equal(got_b, b_value)
    expected_z = x_value.astype(np.float64) @ got_w + got_b
    np.testing.assert_allclose(z, expected_z, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out, np_act(expected_z), rtol=1e-5, atol=1e-6)
    assert np.abs(got_w).max() > 0


def test_dense_zeros_init():
    def build():
        layer = layers.dense(tf.compat.v1.placeholder(tf.float32, [None, 8]), 4, init="zeros")
        return (layer.weights, layer.biases), {}
    w, b = run_graph(build)
    assert w.shape == (8, 4) and b.shape == (4,)
    np.testing.assert_array_equal(w, 0.0)
    np.testing.assert_array_equal(b, 0.0)


def test_dense_normal_init_scale():
    inputs, units = 50, 2000  # 100 000 weights: the sample std is good to ~0.3 %
    he = math.sqrt(2.0 / inputs)

    def build():
        layer = layers.dense(tf.compat.v1.placeholder(tf.float32, [None, inputs]), units)
        return (layer.weights, layer.biases), {}
    w, b = run_graph(build)
    np.testing.assert_array_equal(b, 0.0)
    # A normal with stddev sqrt(2 / inputs) cut at ±2 stddev: its std is ~0.8796 of that.
    assert 0.86 * he < w.std() < 0.90 * he, (w.std(), he)
    assert abs(w.mean()) < 0.01 * he
    assert np.abs(w).max() <= 2 * he * (1 + 1e-6)
    assert np.abs(w).max() > 1.9 * he  # the tails really go up to the cut


def test_dense_init_repeats_with_the_graph_seed():
    def build():
        x = tf.compat.v1.placeholder(tf.float32, [None, 10])
        hidden = layers.dense(x, 6, activation=act.relu, name="hidden")
        return (hidden.weights, layers.dense(hidden.output, 3, name="logits").weights), {}
    first = run_graph(build, seed=0)
    again = run_graph(build, seed=0)
    other = run_graph(build, seed=1)
    for a, b, c in zip(first, again, other):
        np.testing.assert_array_equal(a, b)
        assert not np.allclose(a, c)
    # ...and the two layers draw different numbers, not the same stream twice.
    assert not np.allclose(first[0].ravel()[:first[1].size], first[1].ravel())


def test_dense_squared_loss_gradient_matches_numpy():
    rng = np.random.default_rng(3)
    x_value = rng.normal(size=(5, 4)).astype(np.float32)
    y_value = rng.normal(size=(5, 3)).astype(np.float32)
    b_value = rng.normal(scale=0.5, size=3).astype(np.float32)

    graph = new_graph(0)
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 4])
        layer = layers.dense(x, 3, activation=act.tanh, name="fc")
        loss = 0.5 * tf.reduce_sum(tf.square(layer.output - y_value))
        grads = tf.compat.v1.gradients(loss, [layer.weights, layer.biases, x])
        set_b = tf.compat.v1.assign(layer.biases, b_value)
        init = tf.compat.v1.global_variables_initializer()
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        sess.run(set_b)
        w, b, (d_w, d_b, d_x) = sess.run([layer.weights, layer.biases, grads], {x: x_value})

    x64 = x_value.astype(np.float64)
    a = np.tanh(x64 @ w + b)
    d_z = (a - y_value) * (1 - a ** 2)          # dL/dz = (a - y) · tanh'(z)
    np.testing.assert_allclose(d_w, x64.T @ d_z, rtol=1e-4, atol=1e-5)   # dL/dW = xᵀ·dL/dz
    np.testing.assert_allclose(d_b, d_z.sum(axis=0), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(d_x, d_z @ w.T, rtol=1e-4, atol=1e-5)
    assert np.abs(d_w).max() > 1e-2  # not a vacuous all-zero comparison


def test_dense_rejects_unknown_init_before_creating_variables():
    graph = new_graph(0)
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 4])
        with pytest.raises(ValueError, match="init must be"):
            layers.dense(x, 3, init="uniform")
        assert tf.compat.v1.global_variables() == []


@pytest.mark.parametrize("shape", [[None, None], None])
def test_dense_needs_static_input_width(shape):
    graph = new_graph(0)
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, shape)
        with pytest.raises(ValueError, match="last dimension"):
            layers.dense(x, 3, name="fc")
        assert tf.compat.v1.global_variables() == []


def test_dense_with_maxout_makes_pieces_per_unit():
    rng = np.random.default_rng(5)
    x_value = rng.normal(size=(4, 3)).astype(np.float32)

    def build():
        x = tf.compat.v1.placeholder(tf.float32, [None, 3])
        layer = layers.dense(x, 5, act.BY_NAME["maxout"], name="maxout_layer")
        assert layer.weights.shape.as_list() == [3, 10] and layer.biases.shape.as_list() == [10]
        assert layer.output.shape.as_list() == [None, 5]
        return (layer.weights, layer.biases, layer.output), {x: x_value}
    weights, biases, out = run_graph(build)
    z = x_value.astype(np.float64) @ weights + biases                 # [4, 10]
    np.testing.assert_allclose(out, z.reshape(4, 5, 2).max(axis=2), rtol=1e-5, atol=1e-6)
