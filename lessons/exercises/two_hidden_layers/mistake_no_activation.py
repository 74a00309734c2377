"""A mistake learners make: three layers stacked with no activation between them."""

from tfgraph import tf


def _layer(x, inputs, units, name):
    with tf.compat.v1.variable_scope(name):
        weights = tf.compat.v1.get_variable("weights", [inputs, units])
        biases = tf.compat.v1.get_variable("biases", [units], initializer=tf.zeros_initializer())
        return tf.matmul(x, weights) + biases


def network(x, hidden1, hidden2):
    h1 = _layer(x, 784, hidden1, "hidden1")
    h2 = _layer(h1, hidden1, hidden2, "hidden2")
    return _layer(h2, hidden2, 10, "logits")
