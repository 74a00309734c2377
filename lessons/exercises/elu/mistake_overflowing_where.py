"""A mistake learners make: exp(z) of every z under tf.where (right values, NaN slope at 100)."""

from tfgraph import tf


def elu(z, alpha=1.0):
    return tf.where(z > 0, z, alpha * (tf.exp(z) - 1.0))
