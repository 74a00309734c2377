"""A mistake learners make: the error passed back through the weights, the sigmoid's slope left
out."""

from tfgraph import tf


def layer_error(delta_next, weights, a):
    return tf.matmul(delta_next, weights, transpose_b=True)
