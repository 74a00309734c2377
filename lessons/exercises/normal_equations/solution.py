"""Exercise normal_equations — the reference solution (lesson ml101)."""

from tfgraph import tf


def fit_line(x, y):
    # One column per weight: the slope multiplies x, the intercept multiplies 1. Without the
    # column of ones the line would have to pass through (0, 0).
    design = tf.concat([x, tf.ones_like(x)], axis=1, name="X")                  # [n, 2]
    # Xᵀ·X, not X·Xᵀ: the system has one equation per weight (2), not one per point (n).
    xtx = tf.matmul(design, design, transpose_a=True, name="XtX")             # [2, 2]
    xty = tf.matmul(design, y, transpose_a=True, name="Xty")                  # [2, 1]
    return tf.linalg.solve(xtx, xty, name="theta")                            # [2, 1]
