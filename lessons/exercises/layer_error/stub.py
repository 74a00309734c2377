"""Exercise layer_error — lesson backprop ("Como o aprendizado acontece?", step 3).

The slide's four steps of backpropagation: 1. Predição, 2. Avaliação do erro total da rede,
3. Cálculo da contribuição de erro de cada camada, 4. Ajuste pequeno de cada um dos pesos.
Lesson backprop writes step 3 by hand and checks it against tf.gradients. Write its heart
yourself: the error of one sigmoid layer, from the error of the layer after it.

A layer's error, delta, is the slope of the total error E with respect to the layer's
weighted sums z (one number per example and neuron: dE/dz). Neuron j of this layer sent its
output a_j = sigmoid(z_j) to every neuron k of the next layer, through the weight W[j, k].
By the chain rule its error is the next layer's errors, each through the weight joining
them, summed over k, times the slope of its own sigmoid at z_j, which for a sigmoid is
written with its output: sigmoid'(z) = a·(1 - a).

Write `layer_error(delta_next, weights, a)`, for a whole batch at once and no Python loop:
    delta_next: float32 [batch, n_next], the next layer's error
    weights:    float32 [n, n_next], the weights from this layer to the next (it computes a·W + b)
    a:          float32 [batch, n], this layer's outputs, its sigmoids
    returns:    float32 [batch, n], this layer's error delta
The check also builds a small network of sigmoid layers, gets every hidden layer's error from
your function, layer by layer from the output back, and compares the weights' gradients
they give (inputᵀ·delta) with tf.gradients.

Check it:   python -m lessons.exercises check layer_error
"""

from tfgraph import tf


def layer_error(delta_next, weights, a):
    raise NotImplementedError
