"""Exercise two_hidden_layers — the reference solution (lesson mnist_dense)."""

from tfgraph import tf


def _layer(x, units, name, activation=None):
    """activation(x·W + b): x float32 [batch, inputs] -> [batch, units]."""
    inputs = x.shape[-1]          # known while building: 784, then hidden1, then hidden2
    with tf.compat.v1.variable_scope(name):
        # Random weights (get_variable's default, Glorot uniform): neurons started equal
        # would get equal gradients and stay equal. Biases may start at 0.
        weights = tf.compat.v1.get_variable("weights", [inputs, units], tf.float32)
        biases = tf.compat.v1.get_variable("biases", [units], tf.float32,
                                           tf.compat.v1.zeros_initializer())
        z = tf.matmul(x, weights) + biases        # the bias adds along the last axis
        return activation(z) if activation else z


def network(x, hidden1, hidden2):
    h1 = _layer(x, hidden1, "hidden1", tf.nn.relu)            # [batch, hidden1]
    # ReLU between the layers: without it two layers compose to one linear map.
    h2 = _layer(h1, hidden2, "hidden2", tf.nn.relu)           # [batch, hidden2]
    return _layer(h2, 10, "logits")                           # [batch, 10]: no activation
