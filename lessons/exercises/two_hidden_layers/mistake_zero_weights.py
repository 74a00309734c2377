"""A mistake learners make: every weight started at 0 (as the single softmax layer could)."""

from tfgraph import tf


def _layer(x, inputs, units, name, activation=None):
    with tf.compat.v1.variable_scope(name):
        weights = tf.compat.v1.get_variable("weights", [inputs, units],
                                            initializer=tf.zeros_initializer())
        biases = tf.compat.v1.get_variable("biases", [units], initializer=tf.zeros_initializer())
        z = tf.matmul(x, weights) + biases
        return activation(z) if activation else z


def network(x, hidden1, hidden2):
    h1 = _layer(x, 784, hidden1, "hidden1", tf.nn.relu)
    h2 = _layer(h1, hidden1, hidden2, "hidden2", tf.nn.relu)
    return _layer(h2, hidden2, 10, "logits")
