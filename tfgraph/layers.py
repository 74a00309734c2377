"""Layers built from raw variables and a matmul (or a convolution): what `tf.layers` hides.

Introduced in lesson `mnist_softmax` (one layer, logits) and `mnist_dense` (ReLU layer then
logit layer); `conv2d`, `max_pool` and `flatten` in `going_deep`. Each layer is one
`variable_scope`, so TensorBoard's graph shows one box per layer holding its `weights` and
`biases`.
"""

import math
from typing import NamedTuple

from tfgraph.support.i18n import _
from tfgraph.support.lazy import tf


class Dense(NamedTuple):
    """The tensors of one dense layer (all float32)."""
    weights: object          # [inputs, units] (units * pieces for maxout)
    biases: object           # [units] (units * pieces for maxout)
    pre_activation: object   # [batch, units]: x·W + b (units * pieces for maxout)
    output: object           # [batch, units]: activation(x·W + b), or x·W + b without one


def dense(x, units, activation=None, name="dense", init="normal", bias=0.0):
    """A fully connected layer: activation(x·W + b).

    x: float32 [batch, inputs]. Returns a `Dense` of its tensors; `.output` is float32
    [batch, units].
    activation: a function from `tfgraph.activations` (or any tensor -> tensor), or None
      for a linear layer such as the logit layer.
    init: "normal" draws weights from a normal with standard deviation sqrt(2 / inputs)
      (He et al.: keeps a ReLU layer's output variance steady), cut at two standard
      deviations (so the weights' actual spread is about 0.88 of that); the graph seed
      makes it repeatable; "zeros" starts them at 0, which is fine for a single
      softmax layer (its loss is convex) but would keep the units of a hidden layer identical;
      or any TensorFlow initializer, e.g. `tf.compat.v1.random_uniform_initializer(-0.5, 0.5)`
      (the TensorFlow Playground's, lesson `playground`).
    bias: the value every bias starts at (the Playground starts them at 0.1).
    An activation with a `pieces` attribute (maxout, `activations.BY_NAME["maxout"]`) gets
      `units * pieces` pre-activations, `pieces` linear pieces per unit, and keeps the
      largest of each unit's: the layer has `pieces` times the weights, `.output` still
      [batch, units].
    """
    inputs = x.shape[-1]
    if inputs is None:
        raise ValueError(_("layer {name} needs the input's last dimension, got shape {shape}").format(
            name=name, shape=x.shape))
    if init == "normal":
        initializer = tf.compat.v1.truncated_normal_initializer(stddev=math.sqrt(2.0 / inputs))
    elif init == "zeros":
        initializer = tf.compat.v1.zeros_initializer()
    elif callable(init):
        initializer = init
    else:
        raise ValueError(_("init must be 'normal', 'zeros' or an initializer, got {init!r}").format(
            init=init))
    bias_initializer = (tf.compat.v1.zeros_initializer() if bias == 0
                        else tf.compat.v1.constant_initializer(bias))
    with tf.compat.v1.variable_scope(name):
        width = units * getattr(activation, "pieces", 1)
        weights = tf.compat.v1.get_variable("weights", [inputs, width], tf.float32, initializer)
        biases = tf.compat.v1.get_variable("biases", [width], tf.float32, bias_initializer)
        # bias_add is x·W + b with the bias broadcast over the batch; unlike a plain `+` its
        # gradient is one op (a sum over the batch), and TensorFlow fuses it into the matmul.
        z = tf.nn.bias_add(tf.matmul(x, weights), biases, name="pre_activation")
        out = tf.identity(activation(z) if activation else z, name="output")
    return Dense(weights, biases, z, out)


# -- convolutional layers (lesson going_deep) -------------------------------------------------

class Conv(NamedTuple):
    """The tensors of one convolutional layer (all float32)."""
    weights: object          # [size, size, in_channels, filters]: one small filter per output channel
    biases: object           # [filters]
    pre_activation: object   # [batch, rows, cols, filters]: the filters slid over x, plus b
    output: object           # [batch, rows, cols, filters]: activation(pre_activation)


def conv2d(x, filters, activation=None, name="conv", size=3):
    """A convolutional layer: activation(conv(x, W) + b), stride 1, 'SAME' padding.

    x: float32 [batch, rows, cols, in_channels]. Each of the `filters` output channels is
    one size x size x in_channels filter slid over every position of x (zeros around the
    border keep rows x cols unchanged), so a 3x3 layer has 9 * in_channels * filters
    weights however large the image is. Returns a `Conv`; `.output` is float32
    [batch, rows, cols, filters]. Weights start like `dense`'s "normal" (He et al.), with
    size * size * in_channels inputs per output.
    """
    in_channels = x.shape[-1]
    if x.shape.rank != 4 or in_channels is None:
        raise ValueError(_("layer {name} needs images [batch, rows, cols, channels] with a known "
                           "channel count, got shape {shape}").format(name=name, shape=x.shape))
    fan_in = size * size * in_channels
    initializer = tf.compat.v1.truncated_normal_initializer(stddev=math.sqrt(2.0 / fan_in))
    with tf.compat.v1.variable_scope(name):
        weights = tf.compat.v1.get_variable("weights", [size, size, in_channels, filters],
                                            tf.float32, initializer)
        biases = tf.compat.v1.get_variable("biases", [filters], tf.float32,
                                           tf.compat.v1.zeros_initializer())
        z = tf.nn.bias_add(tf.nn.conv2d(x, weights, strides=1, padding="SAME"), biases,
                           name="pre_activation")
        out = tf.identity(activation(z) if activation else z, name="output")
    return Conv(weights, biases, z, out)


def max_pool(x, name="pool", size=2):
    """Max pooling ("pool/2" on the slide): the largest value of each size x size window.

    x: float32 [batch, rows, cols, channels] -> [batch, rows // size, cols // size, channels]
    (a leftover row or column is dropped: 7 x 7 pools to 3 x 3). No weights: it halves
    the image so the next layers see a wider area with the same 3x3 filters.
    """
    with tf.name_scope(name):
        return tf.nn.max_pool2d(x, ksize=size, strides=size, padding="VALID", name="output")


def flatten(x, name="flatten"):
    """float32 [batch, rows, cols, channels] -> [batch, rows * cols * channels], for a dense layer."""
    features = math.prod(x.shape[1:])
    with tf.name_scope(name):
        return tf.reshape(x, [-1, features], name="output")


def parameter_count(layer):
    """Number of weights and biases of a `Dense` or `Conv` layer (0 for a pooling output)."""
    if not hasattr(layer, "weights"):
        return 0
    return math.prod(layer.weights.shape) + math.prod(layer.biases.shape)
