"""Exercise perceptron_rule — the reference solution (lesson perceptron_park)."""

from tfgraph import activations, tf


def perceptron_rule(weights, x, y, learning_rate):
    weighted_sum = tf.tensordot(weights, x, 1)                   # w·x (the bias is a constant 0)
    output = activations.step(weighted_sum)                      # 1.0 where w·x >= 0, else 0.0
    # (Y - output) is +1 for a missed yes (w moves towards x), -1 for a false yes (away from
    # x), 0 for a right answer; multiplying by x moves each weight by its own input.
    delta = learning_rate * (y - output) * x                     # [2]
    return tf.compat.v1.assign_add(weights, delta)
