"""A mistake learners make: alpha·e^z for the negative side, the - 1 forgotten."""

from tfgraph import tf


def elu(z, alpha=1.0):
    return tf.where(z > 0, z, alpha * tf.exp(tf.minimum(z, 0.0)))
