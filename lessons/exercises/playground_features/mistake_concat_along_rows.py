"""A mistake learners make: the feature columns concatenated along axis 0 (one under another)."""

from tfgraph import tf


def input_features(points):
    x1, x2 = points[:, 0:1], points[:, 1:2]
    return tf.concat([x1, x2, x1 * x1, x2 * x2, x1 * x2, tf.sin(x1), tf.sin(x2)], axis=0)
