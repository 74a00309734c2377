"""Exercise layer_error — the reference solution (lesson backprop)."""

from tfgraph import tf


def layer_error(delta_next, weights, a):
    # Neuron j's share of the next layer's error: sum over k of delta_next[:, k]·W[j, k],
    # i.e. delta_next · Wᵀ ([batch, n_next]·[n_next, n] = [batch, n]).
    share = tf.matmul(delta_next, weights, transpose_b=True)
    # times the slope of j's own sigmoid, sigmoid'(z) = a·(1 - a)
    return share * a * (1.0 - a)
