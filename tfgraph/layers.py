"""Layers built from raw variables and a matmul: what `tf.layers.dense` hides.

Introduced in lesson `mnist_softmax` (one layer, logits) and `mnist_dense` (ReLU layer then
logit layer). Each layer is one `variable_scope`, so TensorBoard's graph shows one box per
layer holding its `weights` and `biases`.
"""

import math
from typing import NamedTuple

from tfgraph._lazy import tf


class Dense(NamedTuple):
    """The tensors of one dense layer (all float32)."""
    weights: object          # [inputs, units]
    biases: object           # [units]
    pre_activation: object   # [batch, units]: x·W + b
    output: object           # [batch, units]: activation(x·W + b), or x·W + b without one


def dense(x, units, activation=None, name="dense", init="normal"):
    """A fully connected layer: activation(x·W + b).

    x: float32 [batch, inputs]. Returns a `Dense` of its tensors; `.output` is float32
    [batch, units].
    activation: a function from `tfgraph.activations` (or any tensor -> tensor), or None
      for a linear layer such as the logit layer.
    init: "normal" draws weights from a normal with standard deviation sqrt(2 / inputs)
      (He et al.: keeps a ReLU layer's output variance steady), cut at two standard
      deviations (so the weights' actual spread is about 0.88 of that); the graph seed
      makes it repeatable; "zeros" starts them at 0, which is fine for a single
      softmax layer (its loss is convex) but would keep the units of a hidden layer identical.
    """
    inputs = x.shape[-1]
    if inputs is None:
        raise ValueError(f"layer {name} needs the input's last dimension, got shape {x.shape}")
    if init == "normal":
        initializer = tf.compat.v1.truncated_normal_initializer(stddev=math.sqrt(2.0 / inputs))
    elif init == "zeros":
        initializer = tf.compat.v1.zeros_initializer()
    else:
        raise ValueError(f"init must be 'normal' or 'zeros', got {init!r}")
    with tf.compat.v1.variable_scope(name):
        weights = tf.compat.v1.get_variable("weights", [inputs, units], tf.float32, initializer)
        biases = tf.compat.v1.get_variable("biases", [units], tf.float32,
                                           tf.compat.v1.zeros_initializer())
        # bias_add is x·W + b with the bias broadcast over the batch; unlike a plain `+` its
        # gradient is one op (a sum over the batch), and TensorFlow fuses it into the matmul.
        z = tf.nn.bias_add(tf.matmul(x, weights), biases, name="pre_activation")
        out = tf.identity(activation(z) if activation else z, name="output")
    return Dense(weights, biases, z, out)
