"""A mistake learners make: X is x alone, the column of ones forgotten (no intercept)."""

from tfgraph import tf


def fit_line(x, y):
    design = x                                                                # [n, 1]
    xtx = tf.matmul(design, design, transpose_a=True)                         # [1, 1]
    xty = tf.matmul(design, y, transpose_a=True)                              # [1, 1]
    return tf.linalg.solve(xtx, xty)
