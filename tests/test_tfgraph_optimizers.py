"""tfgraph.optimizers: the "gradients" box writes in a zero where TensorFlow has no gradient."""

import numpy as np

from tfgraph import activations as act
from tfgraph import layers, new_graph, optimizers, tf


def test_backward_writes_in_zero_for_a_variable_behind_a_step():
    graph = new_graph(0)
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 3])
        hidden = layers.dense(x, 4, act.step, name="step_layer")
        out = layers.dense(hidden.output, 1, name="out")
        loss = tf.reduce_mean(tf.square(out.output))
        assert tf.compat.v1.gradients(loss, hidden.weights) == [None]   # what TF answers
        pairs = optimizers.backward(loss, [hidden.weights, hidden.biases, out.weights])
    assert [v for _, v in pairs] == [hidden.weights, hidden.biases, out.weights]
    assert pairs[0][0].op.name == "gradients/zero_for_step_layer_weights"
    assert [g.shape.as_list() for g, _ in pairs] == [[3, 4], [4], [4, 1]]
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(tf.compat.v1.global_variables_initializer())
        x_value = np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32)
        grads, on = sess.run([[g for g, _ in pairs], hidden.output], {x: x_value})
    assert 0 < on.mean() < 1                                # some step neurons fire, some not
    assert not grads[0].any() and not grads[1].any()
    assert grads[2].any()                                   # the layer above still learns
