"""A mistake learners make: w + learning_rate·(Y - output), the x of the rule left out."""

from tfgraph import activations, tf


def perceptron_rule(weights, x, y, learning_rate):
    output = activations.step(tf.tensordot(weights, x, 1))
    return weights.assign(weights + learning_rate * (y - output))
