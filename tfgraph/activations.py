"""The activation functions of the slide "Funções de Ativação", built from primitive ops.

Each takes a float32 tensor of any shape and returns one of the same shape (`maxout` and
`softmax` say otherwise). They are written with `exp`, `maximum`, `where`... rather than
`tf.nn.relu` and friends so a learner sees in TensorBoard what a neuron really computes; the
tests check each one (and its gradient) against a numpy formula and against `tf.nn`.
Introduced in lesson `activations` (all seven, drawn with their derivatives); used by
`perceptron_park` (step), `backprop` (sigmoid) and `mnist_dense` (any, by `BY_NAME`).
"""

from tfgraph.support.i18n import _
from tfgraph.support.lazy import tf


def step(z, threshold=0.0, name="step"):
    """The perceptron's activation: 1.0 where z >= threshold, else 0.0.

    Its gradient is zero almost everywhere, which is why the perceptron learns by its own
    rule instead of by backpropagation. tf.gradients returns None through it (the
    comparison op has no gradient), not zeros; `classify.backward` writes in the 0.
    """
    with tf.name_scope(name):
        return tf.cast(tf.greater_equal(z, threshold), z.dtype)


def sigmoid(z, name="sigmoid"):
    """σ(z) = 1 / (1 + e^(-z)), in (0, 1)."""
    with tf.name_scope(name):
        # Two branches so no exp overflows: the plain formula returns the right value for
        # z = -1000, but its gradient there becomes inf/inf = NaN. maximum/minimum (not abs,
        # whose gradient at 0 is 0) keep the slope at z = 0 right: σ'(0) = 1/4.
        e_pos = tf.exp(-tf.maximum(z, 0.0))      # e^(-z) where z >= 0, else 1
        e_neg = tf.exp(tf.minimum(z, 0.0))       # e^z where z < 0, else 1
        return tf.where(z >= 0, 1.0 / (1.0 + e_pos), e_neg / (1.0 + e_neg))


def tanh(z, name="tanh"):
    """tanh(z) = (e^z - e^(-z)) / (e^z + e^(-z)), in (-1, 1)."""
    with tf.name_scope(name):
        # Rewritten with u = e^(-2|z|) - 1 (expm1, exact near 0) as -u / (2 + u): the plain
        # formula overflows to inf/inf for large |z| and loses all digits for tiny z.
        u_pos = tf.math.expm1(-2.0 * tf.maximum(z, 0.0))
        u_neg = tf.math.expm1(2.0 * tf.minimum(z, 0.0))
        return tf.where(z >= 0, -u_pos / (2.0 + u_pos), u_neg / (2.0 + u_neg))


def relu(z, name="relu"):
    """ReLU: max(0, z).

    Slope at z = 0: 1 here (tf.maximum hands a tie's gradient to its first argument, z),
    where tf.nn.relu says 0. Both are valid subgradients of the kink.
    """
    with tf.name_scope(name):
        return tf.maximum(z, 0.0)


def leaky_relu(z, alpha=0.01, name="leaky_relu"):
    """Leaky ReLU: z where z > 0, alpha·z elsewhere (a small slope keeps gradients alive).

    Slope at z = 0: alpha (z = 0 takes the alpha·z branch), as tf.nn.leaky_relu.
    """
    with tf.name_scope(name):
        return tf.where(z > 0, z, alpha * z)


def elu(z, alpha=1.0, name="elu"):
    """ELU: z where z > 0, alpha·(e^z - 1) elsewhere.

    Slope at z = 0: alpha (z = 0 takes the exponential branch, alpha·e^0), as tf.nn.elu.
    """
    with tf.name_scope(name):
        # exp of min(z, 0) so the branch tf.where discards cannot overflow to inf (whose
        # gradient, multiplied by the zero tf.where gives it, would still be NaN).
        return tf.where(z > 0, z, alpha * (tf.exp(tf.minimum(z, 0.0)) - 1.0))


def maxout(z, pieces, name="maxout"):
    """Maxout: the largest of `pieces` linear units, max(w1·x + b1, w2·x + b2, ...).

    z: float32 [batch, units * pieces], the pre-activations of all pieces side by side
      (piece j of unit i in column i * pieces + j). Returns float32 [batch, units].
    Where pieces tie (the kink), tf.gradients splits the gradient equally among them: the
    slope there is the mean of the tied pieces' slopes.
    """
    if not isinstance(pieces, int) or pieces < 1:
        raise ValueError(_("maxout needs a whole number of pieces >= 1, got {pieces!r}").format(
            pieces=pieces))
    with tf.name_scope(name):
        width = z.shape[-1]
        if width is None or width % pieces:
            raise ValueError(_("maxout needs a last dimension divisible by {pieces}, got {width}").format(
                pieces=pieces, width=width))
        grouped = tf.reshape(z, [-1, width // pieces, pieces])
        return tf.reduce_max(grouped, axis=-1)


def softmax(logits, name="softmax"):
    """Softmax over the last axis: e^z_i / Σ_j e^z_j, probabilities that sum to 1.

    logits: float32 [batch, classes]. Returns float32 [batch, classes].
    """
    with tf.name_scope(name):
        # Subtracting the row's max changes nothing mathematically and keeps exp finite.
        shifted = logits - tf.reduce_max(logits, axis=-1, keepdims=True)
        e = tf.exp(shifted)
        return e / tf.reduce_sum(e, axis=-1, keepdims=True)


def maxout_of_two(z, name="maxout"):
    """Maxout of two linear pieces per unit, max(w1·x + b1, w2·x + b2): what `--activation
    maxout` picks. z: float32 [batch, 2 * units] -> [batch, units]; its `pieces` attribute
    tells `layers.dense` to make two pre-activations per unit."""
    return maxout(z, 2, name)


maxout_of_two.pieces = 2


# The functions a lesson may pick by name (`--activation relu`): the slide's seven.
BY_NAME = {
    "step": step,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "elu": elu,
    "maxout": maxout_of_two,
}
