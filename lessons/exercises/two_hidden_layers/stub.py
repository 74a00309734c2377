"""Exercise two_hidden_layers — lesson mnist_dense ("Uma rede Densa", "Tensorflow").

Lesson mnist_dense's network has one hidden layer: pixels -> relu_layer -> logit_layer. Give
it a second one, built by hand as tfgraph.layers.dense builds a layer (read it, don't call
it: here you write what it hides), and mind the shapes and the parameters it must have:

    x [batch, 784] -> hidden1: relu(x·W1 + b1)  [batch, hidden1]
                   -> hidden2: relu(h1·W2 + b2) [batch, hidden2]
                   -> logits:  h2·W3 + b3       [batch, 10]     (no activation: logits)

Write `network(x, hidden1, hidden2)`:
    x: float32 [batch, 784], the pixels (a placeholder [None, 784])
    hidden1, hidden2: ints, the number of neurons of each hidden layer
    returns: the logits, float32 [batch, 10]
Each layer: one tf.compat.v1.variable_scope (hidden1, hidden2, logits) holding
tf.compat.v1.get_variable("weights", ...) and get_variable("biases", ...) with the shapes
you work out, then tf.matmul and the bias; tf.nn.relu between the layers. Weights start at
random (get_variable's default does), biases may start at 0. Not tfgraph.layers.dense.

The network must hold 784·hidden1 + hidden1 + hidden1·hidden2 + hidden2 + hidden2·10 + 10
trainable parameters (every weight and bias).

Check it:   python -m lessons.exercises check two_hidden_layers
"""

from tfgraph import tf


def network(x, hidden1, hidden2):
    raise NotImplementedError
