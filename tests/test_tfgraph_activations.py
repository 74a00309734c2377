"""tfgraph.activations against independent numpy oracles: values, gradients, kinks, the slide's seven.

Every test builds its own graph with `new_graph(seed)` and runs it in a `tf.compat.v1.Session`;
nothing here switches eager execution off. Values are compared with numpy formulas written
independently of the library (e.g. σ(z) = exp(-log(1 + e^(-z))), not the library's
e^(-|z|) trick), with `tf.nn`'s fused ops, and gradients with the analytic derivative and with
central finite differences in float64.
"""

import numpy as np
import pytest
from conftest import np_sigmoid, run_graph

from tfgraph import activations as act
from tfgraph import new_graph, tf

# Inputs from the far tails to the neighbourhood of 0, float32 like the lessons feed.
GRID = np.array([-1000, -50, -10, -2.5, -1, -0.1, -1e-3, -1e-6, 0,
                 1e-6, 1e-3, 0.1, 1, 2.5, 3, 10, 50, 1000], dtype=np.float32)
# Moderate inputs for gradients, away from the kink at 0 of the ReLU family (and from 0
# itself, which has its own test below).
MODERATE = np.array([-3, -2, -1.5, -1, -0.5, -0.1, -0.01, 0.01, 0.1, 0.5, 1, 1.5, 2, 3],
                    dtype=np.float64)
FD_STEP = 1e-6


# -- numpy oracles (float64) ----------------------------------------------------------------

def np_softmax(z):
    z = np.asarray(z, np.float64)
    m = z.max(axis=-1, keepdims=True)
    log_norm = m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True))
    return np.exp(z - log_norm)


# name -> (library function, numpy value, numpy derivative, tf.nn counterpart or None, atol)
# atol: float32 absolute resolution where a formula subtracts near 1 (2σ(2z) - 1, e^z - 1);
# 0 means a purely relative comparison even in the tails (σ(-50) ≈ 2e-22 must be right).
ELEMENTWISE = {
    "sigmoid": (act.sigmoid, np_sigmoid,
                lambda z: np_sigmoid(z) * (1 - np_sigmoid(z)),
                tf.nn.sigmoid, 0.0),
    "tanh": (act.tanh, np.tanh,
             lambda z: 1 - np.tanh(z) ** 2,
             tf.math.tanh, 1.2e-7),
    "relu": (act.relu, lambda z: np.maximum(z, 0.0),
             lambda z: (z > 0).astype(np.float64),
             tf.nn.relu, 0.0),
    # tf.nn.leaky_relu defaults to alpha = 0.2; ours to 0.01, so pass it explicitly.
    "leaky_relu": (act.leaky_relu, lambda z: np.where(z > 0, z, 0.01 * z),
                   lambda z: np.where(z > 0, 1.0, 0.01),
                   lambda z: tf.nn.leaky_relu(z, alpha=0.01), 0.0),
    "leaky_relu_a0.2": (lambda z: act.leaky_relu(z, alpha=0.2),
                        lambda z: np.where(z > 0, z, 0.2 * z),
                        lambda z: np.where(z > 0, 1.0, 0.2),
                        lambda z: tf.nn.leaky_relu(z, alpha=0.2), 0.0),
    "elu": (act.elu, lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))),
            lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0))),
            tf.nn.elu, 1.2e-7),
    "elu_a0.5": (lambda z: act.elu(z, alpha=0.5),
                 lambda z: np.where(z > 0, z, 0.5 * np.expm1(np.minimum(z, 0))),
                 lambda z: np.where(z > 0, 1.0, 0.5 * np.exp(np.minimum(z, 0))),
                 lambda z: tf.where(z > 0, z, 0.5 * tf.nn.elu(z)), 1.2e-7),
}
SMOOTH_AT_LARGE = ["sigmoid", "tanh", "elu", "elu_a0.5"]


# -- 1. values ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_values_match_numpy_and_tf_nn(name):
    fn, np_fn, _, tf_fn, atol = ELEMENTWISE[name]
    z_value = GRID.reshape(3, 6)

    def build():
        z = tf.compat.v1.placeholder(tf.float32, [3, 6])
        out = fn(z)
        assert out.shape.as_list() == [3, 6] and out.dtype == tf.float32
        return (out, tf_fn(z)), {z: z_value}

    ours, theirs = run_graph(build)
    assert np.isfinite(ours).all()
    expected = np_fn(z_value.astype(np.float64))
    np.testing.assert_allclose(ours, expected, rtol=2e-6, atol=atol)
    np.testing.assert_allclose(ours, theirs, rtol=2e-6, atol=atol)


def test_activations_use_primitive_ops_not_tf_nn():
    graph = new_graph(0)
    with graph.as_default():
        z = tf.compat.v1.placeholder(tf.float32, [None, 6])
        for fn, *_ in ELEMENTWISE.values():
            fn(z)
        act.softmax(z)
        act.maxout(z, 3)
    types = {op.type for op in graph.get_operations()}
    assert not types & {"Sigmoid", "Tanh", "Relu", "LeakyRelu", "Elu", "Softmax"}
    assert {"Exp", "Maximum", "SelectV2"} <= types


@pytest.mark.parametrize("threshold", [0.0, 0.5, -2.5])
def test_step_values_and_threshold(threshold):
    z_value = np.concatenate([GRID, np.float32([threshold, 0.49, 0.51])])

    def build():
        z = tf.compat.v1.placeholder(tf.float32, [None])
        return act.step(z, threshold=threshold), {z: z_value}

    out = run_graph(build)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, (z_value >= np.float32(threshold)).astype(np.float32))
    assert out[len(GRID)] == 1.0  # exactly at the threshold fires


def test_step_has_no_gradient_path():
    # tf.cast of a boolean comparison cuts the graph: TensorFlow reports None, not zeros.
    graph = new_graph(0)
    with graph.as_default():
        z = tf.compat.v1.placeholder(tf.float32, [None])
        grads = tf.compat.v1.gradients(tf.reduce_sum(act.step(z, 0.5)), z)
        zeros = tf.compat.v1.gradients(tf.reduce_sum(act.step(z, 0.5)), z,
                                       unconnected_gradients="zero")
    assert grads == [None]
    with tf.compat.v1.Session(graph=graph) as sess:
        np.testing.assert_array_equal(sess.run(zeros[0], {z: GRID}), np.zeros_like(GRID))


# -- 2. gradients ---------------------------------------------------------------------------

def _elementwise_grads(fn, z_value, dtype):
    """f(z), d Σf / dz, f(z + h), f(z - h) for an elementwise fn."""
    def build():
        z = tf.compat.v1.placeholder(dtype, [None])
        out = fn(z)
        grad, = tf.compat.v1.gradients(tf.reduce_sum(out), z)
        return (out, grad), {z: z_value}
    out, grad = run_graph(build)

    def build_shifted():
        z = tf.compat.v1.placeholder(dtype, [None])
        return fn(z), {z: np.concatenate([z_value + FD_STEP, z_value - FD_STEP])}
    shifted = run_graph(build_shifted)
    plus, minus = np.split(shifted, 2)
    return out, grad, (plus - minus) / (2 * FD_STEP)


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_gradient_matches_analytic_and_finite_differences(name):
    fn, _, np_grad, tf_fn, _ = ELEMENTWISE[name]
    _, grad, numeric = _elementwise_grads(fn, MODERATE, tf.float64)
    analytic = np_grad(MODERATE)
    np.testing.assert_allclose(grad, analytic, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(numeric, analytic, rtol=1e-6, atol=1e-8)

    # ...and tf.nn's own gradient, in float32 as the lessons use it.
    z32 = MODERATE.astype(np.float32)

    def build():
        z = tf.compat.v1.placeholder(tf.float32, [None])
        ours = tf.compat.v1.gradients(tf.reduce_sum(fn(z)), z)[0]
        theirs = tf.compat.v1.gradients(tf.reduce_sum(tf_fn(z)), z)[0]
        return (ours, theirs), {z: z32}
    ours, theirs = run_graph(build)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_gradients_finite_and_right_at_large_magnitudes(name):
    fn, _, np_grad, _, _ = ELEMENTWISE[name]
    big = np.float32([-1000, -50, -10, 10, 50, 1000])
    out, grad, _ = _elementwise_grads(fn, big, tf.float32)
    assert np.isfinite(out).all() and np.isfinite(grad).all(), (out, grad)
    np.testing.assert_allclose(grad, np_grad(big.astype(np.float64)), rtol=1e-5, atol=1e-7)
    if name in SMOOTH_AT_LARGE:
        # Saturated (or linear) tails: the gradient is exactly 0 or 1 there, never NaN.
        assert set(grad[[0, -1]].tolist()) <= {0.0, 1.0}


# Regression: sigmoid once used tf.abs(z), whose gradient at 0 is sign(0) = 0.
@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_smooth_gradient_at_exactly_zero(name):
    fn, _, np_grad, _, _ = ELEMENTWISE[name]
    _, grad, numeric = _elementwise_grads(fn, np.array([0.0]), tf.float64)
    np.testing.assert_allclose(numeric, np_grad(np.array([0.0])), rtol=1e-6)  # oracle sane
    np.testing.assert_allclose(grad, np_grad(np.array([0.0])), rtol=1e-6)


def test_elu_gradient_at_exactly_zero():
    # With alpha = 1, ELU is smooth at 0 (both sides have slope 1).
    _, grad, numeric = _elementwise_grads(act.elu, np.array([0.0]), tf.float64)
    np.testing.assert_allclose(grad, [1.0])
    np.testing.assert_allclose(numeric, [1.0], rtol=1e-6)


# Regression: tanh once was 2σ(2z) - 1, which cancels in float32 for tiny |z|.
def test_tanh_keeps_relative_precision_near_zero():
    z_value = np.float32([1e-8, -1e-6, 1e-3, -1e-2])

    def build():
        z = tf.compat.v1.placeholder(tf.float32, [None])
        return act.tanh(z), {z: z_value}
    np.testing.assert_allclose(run_graph(build), np.tanh(z_value.astype(np.float64)),
                               rtol=1e-5)


def _rowwise_fd(fn, z_value, weights):
    """Central differences of Σ weights·fn(z) per row, all perturbations in one batch."""
    rows, cols = z_value.shape
    perturbed = []
    for sign in (+1, -1):
        for r in range(rows):
            for c in range(cols):
                row = z_value[r].copy()
                row[c] += sign * FD_STEP
                perturbed.append(row)
    perturbed = np.array(perturbed)
    w_rep = np.tile(np.repeat(weights, cols, axis=0), (2, 1))

    def build():
        z = tf.compat.v1.placeholder(tf.float64, [None, cols])
        return tf.reduce_sum(fn(z) * w_rep, axis=-1), {z: perturbed}
    per_row = run_graph(build)
    plus, minus = np.split(per_row, 2)
    return ((plus - minus) / (2 * FD_STEP)).reshape(rows, cols)


# -- 1/2/4. softmax ---------------------------------------------------------------------------

SOFTMAX_ROWS = np.float32([[-1000, 0, 1000],
                           [1000, 1000, -1000],
                           [-50, 50, 0],
                           [-1000, -1000, -1000],
                           [1e-6, 0, -1e-6],
                           [2.5, -1, 0.1]])


def test_softmax_values_rows_and_tf_nn():
    def build():
        z = tf.compat.v1.placeholder(tf.float32, [None, 3])
        out = act.softmax(z)
        assert out.shape.as_list() == [None, 3]
        return (out, tf.nn.softmax(z)), {z: SOFTMAX_ROWS}
    ours, theirs = run_graph(build)
    assert np.isfinite(ours).all()
    expected = np_softmax(SOFTMAX_ROWS)
    # atol = float32's smallest normal: TF's CPU kernels flush subnormals (e^-100) to 0.
    tiny = np.finfo(np.float32).tiny
    np.testing.assert_allclose(ours, expected, rtol=2e-6, atol=tiny)
    np.testing.assert_allclose(ours, theirs, rtol=2e-6, atol=tiny)
    np.testing.assert_allclose(ours.sum(axis=-1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(ours[1], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(ours[3], [1 / 3] * 3, rtol=1e-6)


def test_softmax_is_invariant_to_a_constant_per_row():
    rng = np.random.default_rng(0)
    # Quarters plus integers stay exact in float32, so the shifted input is exactly z + c.
    z_value = (rng.integers(-40, 40, size=(4, 7)) / 4).astype(np.float32)
    shift = np.float32([[1000], [-500], [3], [0]])

    def build():
        z = tf.compat.v1.placeholder(tf.float32, [None, 7])
        return (act.softmax(z), act.softmax(z + shift)), {z: z_value}
    plain, shifted = run_graph(build)
    assert not np.allclose(plain, plain[:, ::-1])  # the rows are not trivially uniform
    np.testing.assert_allclose(shifted, plain, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(plain, np_softmax(z_value), rtol=2e-6)


def test_softmax_gradient_matches_analytic_and_finite_differences():
    rng = np.random.default_rng(1)
    z_value = rng.normal(scale=2.0, size=(4, 5))
    # Σ softmax is 1 in every row, so its gradient is 0: weight the outputs to see more.
    weights = rng.normal(size=(4, 5))

    def build():
        z = tf.compat.v1.placeholder(tf.float64, [None, 5])
        s = act.softmax(z)
        weighted, = tf.compat.v1.gradients(tf.reduce_sum(s * weights), z)
        plain, = tf.compat.v1.gradients(tf.reduce_sum(s), z)
        reference, = tf.compat.v1.gradients(tf.reduce_sum(tf.nn.softmax(z) * weights), z)
        return (weighted, plain, reference), {z: z_value}
    weighted, plain, reference = run_graph(build)

    s = np_softmax(z_value)
    analytic = s * (weights - (s * weights).sum(axis=-1, keepdims=True))
    np.testing.assert_allclose(weighted, analytic, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(weighted, reference, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(_rowwise_fd(act.softmax, z_value, weights), analytic,
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(plain, 0.0, atol=1e-15)


def test_softmax_gradient_finite_at_large_logits():
    weights = np.float32([[1, -2, 3]] * len(SOFTMAX_ROWS))

    def build():
        z = tf.compat.v1.placeholder(tf.float32, [None, 3])
        s = act.softmax(z)
        return tf.compat.v1.gradients(tf.reduce_sum(s * weights), z)[0], {z: SOFTMAX_ROWS}
    grad = run_graph(build)
    assert np.isfinite(grad).all()
    s = np_softmax(SOFTMAX_ROWS)
    analytic = s * (weights - (s * weights).sum(axis=-1, keepdims=True))
    np.testing.assert_allclose(grad, analytic, rtol=1e-5, atol=1e-6)


# -- 1/2/3. maxout --------------------------------------------------------------------------

@pytest.mark.parametrize("units,pieces", [(4, 3), (3, 2), (5, 1)])
def test_maxout_shape_values_and_gradient(units, pieces):
    rng = np.random.default_rng(units * 10 + pieces)
    # Distinct values well apart, so each group has one clear maximum (no ties, no kinks).
    flat = rng.permutation(6 * units * pieces)[:2 * units * pieces]
    z_value = np.concatenate([(flat - flat.mean()) / 4.0, [1000.0] * units * pieces])
    z_value = z_value.reshape(3, units * pieces)
    z_value[2, ::2] = -1000.0

    def build(dtype):
        z = tf.compat.v1.placeholder(dtype, [None, units * pieces])
        out = act.maxout(z, pieces)
        assert out.shape.as_list() == [None, units]
        grad, = tf.compat.v1.gradients(tf.reduce_sum(out), z)
        return (out, grad), {z: z_value}
    out, grad = run_graph(lambda: build(tf.float32))
    assert out.shape == (3, units) and np.isfinite(out).all()

    # Piece j of unit i sits in column i * pieces + j.
    expected = np.stack([z_value[:, i * pieces:(i + 1) * pieces].max(axis=1)
                         for i in range(units)], axis=1)
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    winners = np.zeros_like(z_value)
    for b in range(2):  # row 2 has ties (1000 repeated), left to the FD-free check below
        for i in range(units):
            winners[b, i * pieces + np.argmax(z_value[b, i * pieces:(i + 1) * pieces])] = 1
    np.testing.assert_array_equal(grad[:2], winners[:2])
    np.testing.assert_allclose(grad[2].reshape(units, pieces).sum(axis=1), 1.0)

    _, grad64 = run_graph(lambda: build(tf.float64))
    fd = _rowwise_fd(lambda z: act.maxout(z, pieces), z_value[:2],
                     np.ones((2, units)))
    # FD sums over the unit outputs; the per-column gradient is the winner indicator.
    np.testing.assert_allclose(fd, winners[:2], atol=1e-6)
    np.testing.assert_array_equal(grad64[:2], winners[:2])


def test_maxout_rejects_width_not_divisible_by_pieces():
    graph = new_graph(0)
    with graph.as_default():
        with pytest.raises(ValueError, match="divisible by 3"):
            act.maxout(tf.compat.v1.placeholder(tf.float32, [None, 7]), 3)
        with pytest.raises(ValueError, match="divisible by 2"):
            act.maxout(tf.compat.v1.placeholder(tf.float32, [None, None]), 2)
        act.maxout(tf.compat.v1.placeholder(tf.float32, [None, 6]), 3)  # fine


# -- the slide's seven by name, their slopes at the kinks --------------------------------

def test_by_name_holds_the_slides_seven():
    assert list(act.BY_NAME) == ["step", "sigmoid", "tanh", "relu", "leaky_relu", "elu",
                                 "maxout"]
    assert act.BY_NAME["maxout"].pieces == 2
    assert all(not hasattr(fn, "pieces") for name, fn in act.BY_NAME.items() if name != "maxout")


def test_slopes_at_the_kinks_are_tf_gradients_conventions():
    """What tf.gradients answers exactly at a kink (lesson activations prints these)."""
    z_value = np.float32([0.0, 0.0])

    def build():
        z = tf.compat.v1.placeholder(tf.float32, [2])
        slope = {name: tf.compat.v1.gradients(tf.reduce_sum(fn(z)), z)[0]
                 for name, fn in [("relu", act.relu), ("leaky_relu", act.leaky_relu),
                                  ("leaky_relu_0.2", lambda t: act.leaky_relu(t, alpha=0.2)),
                                  ("elu_0.5", lambda t: act.elu(t, alpha=0.5)),
                                  ("tf.nn.relu", tf.nn.relu)]}
        # Two maxout pieces tied at 0: z (slope 1) and -0.5·z (slope -0.5).
        pieces = tf.stack([z, -0.5 * z], axis=1)                      # [2, 2]
        slope["maxout"] = tf.compat.v1.gradients(tf.reduce_sum(act.maxout(pieces, 2)), z)[0]
        return slope, {z: z_value}
    slope = run_graph(build)
    assert slope["relu"].tolist() == [1.0, 1.0]            # tf.maximum: a tie goes to z
    assert slope["tf.nn.relu"].tolist() == [0.0, 0.0]      # tf.nn.relu says 0 instead
    np.testing.assert_allclose(slope["leaky_relu"], [0.01, 0.01])
    np.testing.assert_allclose(slope["leaky_relu_0.2"], [0.2, 0.2])
    np.testing.assert_allclose(slope["elu_0.5"], [0.5, 0.5])   # alpha·e^0
    np.testing.assert_allclose(slope["maxout"], [0.25, 0.25])  # the mean of 1 and -0.5
