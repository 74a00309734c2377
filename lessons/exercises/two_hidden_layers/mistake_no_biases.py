"""A mistake learners make: the layers are x·W, with the biases left out."""

from tfgraph import tf


def network(x, hidden1, hidden2):
    with tf.compat.v1.variable_scope("hidden1"):
        h1 = tf.nn.relu(tf.matmul(x, tf.compat.v1.get_variable("weights", [784, hidden1])))
    with tf.compat.v1.variable_scope("hidden2"):
        h2 = tf.nn.relu(tf.matmul(h1, tf.compat.v1.get_variable("weights", [hidden1, hidden2])))
    with tf.compat.v1.variable_scope("logits"):
        return tf.matmul(h2, tf.compat.v1.get_variable("weights", [hidden2, 10]))
