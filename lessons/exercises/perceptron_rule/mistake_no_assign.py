"""A mistake learners make: w + learning_rate·(Y - output)·x computed, never assigned to w."""

from tfgraph import activations, tf


def perceptron_rule(weights, x, y, learning_rate):
    output = activations.step(tf.tensordot(weights, x, 1))
    return weights + learning_rate * (y - output) * x
