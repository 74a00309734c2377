"""A mistake learners make: delta_next · W, the weights not transposed."""

from tfgraph import tf


def layer_error(delta_next, weights, a):
    return tf.matmul(delta_next, weights) * a * (1.0 - a)
