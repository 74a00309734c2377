"""A mistake learners make: X·Xᵀ ([n, n], one row per point) where XᵀX ([2, 2]) is meant."""

from tfgraph import tf


def fit_line(x, y):
    design = tf.concat([x, tf.ones_like(x)], axis=1)                          # [n, 2]
    xtx = tf.matmul(design, design, transpose_b=True)                         # [n, n]
    xty = tf.matmul(design, y, transpose_a=True)                              # [2, 1]
    return tf.linalg.solve(xtx, xty)
