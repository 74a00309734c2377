"""A second hidden layer: 784 -> hidden1 -> hidden2 -> 10, its shapes, its parameter count, and
an activation between the layers (lesson mnist_dense)."""

import itertools

import numpy as np

from lessons.exercises import Hint
from lessons.exercises.graphs import Built, must_be_tensor, must_have_shape, run_or_hint
from tfgraph import tf
from tfgraph.support.i18n import N_, _, number

TASK = N_("a second hidden layer: 784 -> hidden1 -> hidden2 -> 10, with the parameters it must "
          "have")
MISTAKES = {
    "mistake_no_biases": "the biases",
    "mistake_no_activation": "one linear map",
    "mistake_zero_weights": "all equal",
}

PIXELS, CLASSES = 784, 10
HIDDEN1, HIDDEN2 = 32, 16            # unlike each other and 784 and 10: each shape says its layer
_RNG = np.random.default_rng(8)
X = _RNG.uniform(0, 1, (5, PIXELS)).astype(np.float32)                  # [5, 784]: 5 "digits"
# What each trainable variable must be, in order (name, shape); the names shown `_(what)`.
PARTS = [(N_("hidden1's weights"), [PIXELS, HIDDEN1]), (N_("hidden1's biases"), [HIDDEN1]),
         (N_("hidden2's weights"), [HIDDEN1, HIDDEN2]), (N_("hidden2's biases"), [HIDDEN2]),
         (N_("the logit layer's weights"), [HIDDEN2, CLASSES]),
         (N_("the logit layer's biases"), [CLASSES])]


def _built(learner, hidden1=HIDDEN1, hidden2=HIDDEN2):
    built = Built(lambda x: learner.network(x, hidden1, hidden2), X, names=["x"])
    must_be_tensor(built.output, "network")
    return built


def _trainable(built):
    return built.graph.get_collection(tf.compat.v1.GraphKeys.TRAINABLE_VARIABLES)


def _shapes(variables):
    return ", ".join(f"{v.op.name} {v.shape.as_list()}" for v in variables) or _("none")


def _parts(built, parts=PARTS):
    """The learner's variables found by their shapes: [W1, b1, W2, b2, W3, b3] for PARTS."""
    remaining, found = list(_trainable(built)), []
    for what, shape in parts:
        match = next((v for v in remaining if v.shape.as_list() == shape), None)
        if match is None:
            raise Hint(_("no trainable variable of shape {shape} ({what}, for hidden1 = "
                         "{hidden1}, hidden2 = {hidden2}); yours: {yours}").format(
                shape=shape, what=_(what), hidden1=HIDDEN1, hidden2=HIDDEN2,
                yours=_shapes(_trainable(built))))
        remaining = [v for v in remaining if v is not match]    # (== on variables is an op)
        found.append(match)
    return found


def _set_random(built):
    """Every trainable variable set to random values (biases too, so each one shows), the
    same in every check: the checks then test the graph, whatever its initializers."""
    rng = np.random.default_rng(9)
    values = {}
    with built.graph.as_default():
        assigns = []
        for v in _trainable(built):
            shape = v.shape.as_list()
            scale = 1.0 / np.sqrt(shape[0]) if len(shape) == 2 else 0.5
            values[v.name] = rng.normal(0, scale, shape).astype(np.float32)
            assigns.append(tf.compat.v1.assign(v, values[v.name]))
    run_or_hint(built, X, fetch=assigns, what=_("the assignment of your variables"))
    return values


def _relu(z):
    return np.maximum(z, 0.0)


def _linear(z):
    return z


def _forward(x, w1, b1, w2, b2, w3, b3, after1=_relu, after2=_relu, after3=_linear):
    """numpy, float64: the logits from the six arrays, each layer's activation given."""
    x = x.astype(np.float64)
    return after3(after2(after1(x @ w1 + b1) @ w2 + b2) @ w3 + b3)


def check_logits_are_batch_by_10(learner):
    built = _built(learner)
    for rows in (X, X[:1]):
        fed = _(" for a batch of {n}").format(n=len(rows))
        must_have_shape(run_or_hint(built, rows, what="network", fed=fed),
                        (len(rows), CLASSES), "logits", fed=fed)


def check_parameter_count(learner):
    built = _built(learner)
    have = sum(v.shape.num_elements() or 0 for v in _trainable(built))
    need = sum(int(np.prod(shape)) for _what, shape in PARTS)
    if have == need:
        return
    formula = f"{PIXELS}·{HIDDEN1} + {HIDDEN1} + {HIDDEN1}·{HIDDEN2} + {HIDDEN2} + {HIDDEN2}·10 + 10"
    message = _("the network has {have} trainable parameters for hidden1 = {hidden1}, "
                "hidden2 = {hidden2}; it needs {need} = {formula}").format(
        have=number(have, ","), hidden1=HIDDEN1, hidden2=HIDDEN2, need=number(need, ","),
        formula=formula)
    sizes = [(what, shape, int(np.prod(shape))) for what, shape in PARTS]
    for k in range(1, len(sizes) + 1):        # the fewest parts that explain the difference
        subset = next((s for s in itertools.combinations(sizes, k)
                       if sum(size for *_rest, size in s) == abs(need - have)), None)
        if subset:
            names = ", ".join(f"{_(what)} {shape}" for what, shape, _size in subset)
            if need > have:
                biases = all("biases" in what for what, *_rest in subset)
                message += (_(": {n} missing, exactly {names}").format(
                    n=number(need - have, ","), names=names)
                            + (_(": the biases, one per neuron (a layer is x·W + b)") if biases
                               else ""))
            else:
                message += _(": {n} too many, as many as {names}").format(
                    n=number(have - need, ","), names=names)
            break
    raise Hint(_("{message} (yours: {yours})").format(message=message,
                                                      yours=_shapes(_trainable(built))))


def check_not_one_linear_map(learner):
    built = _built(learner)
    _set_random(built)
    rng = np.random.default_rng(10)
    x1, x2 = (rng.uniform(0, 1, (4, PIXELS)).astype(np.float32) for _i in range(2))
    zero = np.zeros_like(x1)
    f = {name: run_or_hint(built, x, what="network") for name, x in
         (("x1 + x2", x1 + x2), ("x1", x1), ("x2", x2), ("0", zero))}
    must_have_shape(f["x1"], (4, CLASSES), "logits", fed=_(" for a batch of {n}").format(n=4))
    if np.allclose(f["x1 + x2"], f["x1"] + f["x2"] - f["0"], rtol=1e-3, atol=1e-4):
        raise Hint(_("your layers compose to one linear map: logits(x1 + x2) = logits(x1) + "
                     "logits(x2) - logits(0) for random inputs x1, x2, so the network is no "
                     "more than one layer: put the activation between them (tf.nn.relu on "
                     "hidden1's and hidden2's outputs)"))


def check_logits_match_numpy(learner):
    built = _built(learner)
    variables = _parts(built)
    values = _set_random(built)
    logits = run_or_hint(built, X, what="network")
    must_have_shape(logits, (len(X), CLASSES), "logits", fed=_(" for a batch of {n}").format(
        n=len(X)))
    arrays = [values[v.name] for v in variables]
    expected = _forward(X, *arrays)
    if np.allclose(logits, expected, rtol=1e-4, atol=1e-4):
        return
    variants = [
        (_("no activation at all: your layers compose to one linear map; put tf.nn.relu on "
           "hidden1's and hidden2's outputs"), dict(after1=_linear, after2=_linear)),
        (_("the logits go through ReLU too: the logit layer is linear, x·W + b, and a logit "
           "may be negative"), dict(after3=_relu)),
        (_("hidden2 has no activation: hidden2 and the logit layer compose to one linear map; "
           "put tf.nn.relu on hidden2's output"), dict(after2=_linear)),
        (_("hidden1 has no activation: hidden1 and hidden2 compose to one linear map; put "
           "tf.nn.relu on hidden1's output"), dict(after1=_linear)),
        (_("compare your graph with that formula: ReLU after hidden1 and after hidden2 (as "
           "lesson mnist_dense's relu_layer), none on the logits"), None),
    ]
    for words, changes in variants:
        if changes is None or np.allclose(logits, _forward(X, *arrays, **changes),
                                          rtol=1e-4, atol=1e-4):
            worst = np.unravel_index(np.argmax(np.abs(logits - expected)), logits.shape)
            raise Hint(_("`logits` is {got} at {index}; relu(relu(x·W1 + b1)·W2 + b2)·W3 + b3 "
                         "from your variables gives {want}: {why}").format(
                got=number(logits[worst], ".6g"), index=list(map(int, worst)),
                want=number(expected[worst], ".6g"), why=words))


def check_hidden_weights_start_random(learner):
    built = _built(learner)
    weights = PARTS[:4:2]                      # hidden1's and hidden2's
    for (what, _shape), v in zip(weights, _parts(built, weights)):
        w = run_or_hint(built, X, fetch=v,
                        what=_("the initializer of {name}").format(name=v.op.name))
        if np.all(w == w[:, :1]):
            start = (_("all {value}").format(value=number(w.flat[0], "g"))
                     if np.all(w == w.flat[0]) else _("column by column"))
            raise Hint(_("{what} {shape} are all equal at the start ({start}): every neuron of "
                         "the layer gets the same gradient and stays equal to the others: start "
                         "them at random (get_variable's default initializer, or "
                         "tf.compat.v1.truncated_normal_initializer)").format(
                what=_(what), shape=list(w.shape), start=start))
