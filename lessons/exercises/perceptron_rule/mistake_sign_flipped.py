"""A mistake learners make: the error taken as (output - Y), the rule's sign flipped."""

from tfgraph import activations, tf


def perceptron_rule(weights, x, y, learning_rate):
    output = activations.step(tf.tensordot(weights, x, 1))
    return tf.compat.v1.assign_add(weights, learning_rate * (output - y) * x)
