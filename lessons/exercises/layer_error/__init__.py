"""Step 3 of backpropagation by hand: a sigmoid layer's error from the next one's (lesson backprop)."""

import re

import numpy as np

from lessons.exercises import Hint
from lessons.exercises.graphs import must_be_tensor, must_have_shape, op_error_reason, shape_text
from tfgraph import new_graph, tf
from tfgraph.data import park
from tfgraph.support.i18n import N_, _, ngettext, number

TASK = N_("backprop's step 3 by hand: a sigmoid layer's error delta from the next layer's")
MISTAKES = {
    "mistake_transpose_forgotten": "delta_next · Wᵀ",
    "mistake_no_sigmoid_slope": "a·(1 - a)",
}

_RNG = np.random.default_rng(18)
BATCH, N, N_NEXT = 4, 5, 3          # n != n_next, so W and Wᵀ cannot be confused
DELTA_NEXT = _RNG.normal(0, 1, (BATCH, N_NEXT)).astype(np.float32)
WEIGHTS = _RNG.normal(0, 1, (N, N_NEXT)).astype(np.float32)
A = _RNG.uniform(0.05, 0.95, (BATCH, N)).astype(np.float32)          # sigmoid outputs
# The network of the last check: the park table's 2 inputs -> 3 -> 4 sigmoid neurons -> 1
# sigmoid output, its weights and biases drawn once (no training: one backward pass).
NETWORK = [2, 3, 4, 1]
NET_WEIGHTS = [_RNG.normal(0, 1, (m, n)).astype(np.float32) for m, n in zip(NETWORK, NETWORK[1:])]
NET_BIASES = [_RNG.normal(0, 0.5, n).astype(np.float32) for n in NETWORK[1:]]


def reference(delta_next, weights, a):
    """numpy, float64: (delta_next · Wᵀ) ⊙ a(1 - a)."""
    a = a.astype(np.float64)
    return (delta_next.astype(np.float64) @ weights.astype(np.float64).T) * a * (1 - a)


def _layer_error(learner, delta_next, weights, a):
    """The learner's `layer_error`, a matrix product that cannot be formed told in shapes."""
    try:
        delta = learner.layer_error(delta_next, weights, a)
    except ValueError as e:
        columns, (rows, n_next) = delta_next.shape[-1], weights.shape
        # only a matrix product that W's transpose would fix (not an elementwise one)
        if not re.search(r"= (Batch)?MatMul(V\d)?\[", str(e)) or columns != n_next or columns == rows:
            raise
        d, w, wt = shape_text(delta_next.shape), shape_text(weights.shape), shape_text([n_next, rows])
        raise Hint(ngettext(
            "`delta_next` is {d} and `weights` {w}: delta_next · W cannot be formed ({columns} "
            "column against {rows} rows). Neuron j gets sum over k of delta_next[:, k]·W[j, k], "
            "that is delta_next · Wᵀ, {d}·{wt} = {result}: tf.matmul(delta_next, weights, "
            "transpose_b=True)",
            "`delta_next` is {d} and `weights` {w}: delta_next · W cannot be formed ({columns} "
            "columns against {rows} rows). Neuron j gets sum over k of delta_next[:, k]·W[j, k], "
            "that is delta_next · Wᵀ, {d}·{wt} = {result}: tf.matmul(delta_next, weights, "
            "transpose_b=True)", columns).format(
            d=d, w=w, columns=columns, rows=rows, wt=wt,
            result=shape_text([delta_next.shape[0], weights.shape[0]]))) from None
    must_be_tensor(delta, "layer_error")
    return delta


def _delta(learner):
    """`layer_error` on placeholders delta_next [batch, 3], a [batch, 5] and weights [5, 3],
    run on the arrays above."""
    graph = new_graph(0)
    with graph.as_default():
        delta_next = tf.compat.v1.placeholder(tf.float32, [None, N_NEXT], name="delta_next")
        weights = tf.compat.v1.placeholder(tf.float32, [N, N_NEXT], name="weights")
        a = tf.compat.v1.placeholder(tf.float32, [None, N], name="a")
        delta = _layer_error(learner, delta_next, weights, a)
    with tf.compat.v1.Session(graph=graph) as session:
        try:
            return session.run(delta, {delta_next: DELTA_NEXT, weights: WEIGHTS, a: A})
        except tf.errors.OpError as e:
            raise Hint(_("running `layer_error` failed{fed}: {error}: {reason}").format(
                fed=_fed(), error=type(e).__name__, reason=op_error_reason(e))) from None


def _fed():
    return _(" for delta_next {delta_next}, weights {weights}, a {a}").format(
        delta_next=[BATCH, N_NEXT], weights=[N, N_NEXT], a=[BATCH, N])


def check_delta_is_batch_by_n(learner):
    must_have_shape(_delta(learner), (BATCH, N), "delta", fed=_fed())


def check_values_match_numpy(learner):
    delta = np.asarray(_delta(learner), np.float64)
    must_have_shape(delta, (BATCH, N), "delta", fed=_fed())
    expected = reference(DELTA_NEXT, WEIGHTS, A)
    if np.allclose(delta, expected, rtol=1e-4, atol=1e-6):
        return
    i, j = np.unravel_index(np.argmax(np.abs(delta - expected)), delta.shape)
    said = _("`delta` is {got} at [{i}, {j}] (example {i}, neuron {j}); expected {want}").format(
        got=number(delta[i, j], ".6g"), i=i, j=j, want=number(expected[i, j], ".6g"))
    through = DELTA_NEXT.astype(np.float64) @ WEIGHTS.astype(np.float64).T
    sig = 1 / (1 + np.exp(-A.astype(np.float64)))
    if np.allclose(delta, through, rtol=1e-4, atol=1e-6):
        raise Hint(said + _(": yours is delta_next · Wᵀ alone; multiply it by the slope of this "
                            "layer's own sigmoid, a·(1 - a) (the chain rule's last link, dA/dz)"))
    if np.allclose(delta, through * sig * (1 - sig), rtol=1e-4, atol=1e-6):
        raise Hint(said + _(": `a` is already the sigmoid's output, so the slope is a·(1 - a), "
                            "not sigmoid(a)·(1 - sigmoid(a))"))
    raise Hint(said)


def check_agrees_with_tf_gradients(learner):
    graph = new_graph(0)
    with graph.as_default():
        rows_x, rows_y = park.table()
        x, y = tf.constant(rows_x), tf.constant(rows_y[:, None])                 # [6, 2], [6, 1]
        weights = [tf.constant(w, name=f"weights_{i + 1}") for i, w in enumerate(NET_WEIGHTS)]
        biases = [tf.constant(b, name=f"biases_{i + 1}") for i, b in enumerate(NET_BIASES)]
        # 1. Predição: every layer's weighted sums z and sigmoid outputs
        outputs = [x]
        for w, b in zip(weights, biases):
            outputs.append(tf.sigmoid(tf.matmul(outputs[-1], w) + b))
        o = outputs[-1]
        # 2. Avaliação do erro: the lesson's mean squared error, and its slope at the output's z
        error = tf.reduce_mean(tf.square(o - y))
        deltas = [2.0 * (o - y) / float(len(rows_x)) * o * (1.0 - o)]            # [6, 1]
        # 3. each hidden layer's error from the next one's, by the learner, output to input
        for layer in range(len(weights) - 1, 0, -1):
            delta = _layer_error(learner, deltas[0], weights[layer], outputs[layer])
            needs = [len(rows_x), NETWORK[layer]]
            if delta.shape.as_list() != needs:
                raise Hint(_("in the network 2 -> 3 -> 4 -> 1, for the 6 rows of the park "
                             "table, `delta` of layer {layer} has shape {shape}; it needs "
                             "{needs} ([batch, n])").format(
                    layer=layer, shape=shape_text(delta.shape.as_list()), needs=needs))
            deltas.insert(0, delta)
        # ... and what it gives for each layer's weights and biases (the lesson's d_w, d_b)
        by_hand = [g for inputs, delta in zip(outputs, deltas)
                   for g in (tf.matmul(inputs, delta, transpose_a=True), tf.reduce_sum(delta, 0))]
        automatic = tf.compat.v1.gradients(error, [v for pair in zip(weights, biases) for v in pair])
    with tf.compat.v1.Session(graph=graph) as session:
        try:
            by_hand, automatic = session.run([by_hand, automatic])
        except tf.errors.OpError as e:
            raise Hint(_("running the network 2 -> 3 -> 4 -> 1 with your `layer_error` "
                         "failed: {error}: {reason}").format(error=type(e).__name__,
                                                             reason=op_error_reason(e))) from None
    names = [(f"{kind} of layer {layer}",
              (_("weights of layer {layer}") if kind == "weights" else
               _("biases of layer {layer}")).format(layer=layer))
             for layer in range(1, len(NETWORK)) for kind in ("weights", "biases")]
    for (name, shown), mine, theirs in zip(names, by_hand, automatic):
        must_have_shape(mine, theirs.shape, f"dE/d({name})",
                        fed=_(" (from your delta, in the network 2 -> 3 -> 4 -> 1)"))
        if not np.allclose(mine, theirs, rtol=1e-4, atol=1e-6):
            worst = np.unravel_index(np.argmax(np.abs(mine - theirs)), mine.shape)
            raise Hint(_("in the network 2 -> 3 -> 4 -> 1 on the park table, the slope of its "
                         "error for the {name}, from your delta (inputᵀ·delta), is {got} at "
                         "{index}; tf.gradients says {want}").format(
                name=shown, got=number(mine[worst], ".6g"), index=list(map(int, worst)),
                want=number(theirs[worst], ".6g")))
