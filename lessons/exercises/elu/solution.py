"""Exercise elu — the reference solution (lesson activations)."""

from tfgraph import tf


def elu(z, alpha=1.0):
    # tf.where computes both sides for every element: exp of min(z, 0) keeps the side it
    # discards finite, so that side's gradient (multiplied by 0) stays 0 instead of 0·inf = NaN.
    negative_side = alpha * (tf.exp(tf.minimum(z, 0.0)) - 1.0)
    # z > 0 (not >=): z = 0 takes the exponential side, slope alpha·e^0 = alpha there.
    return tf.where(z > 0, z, negative_side)
