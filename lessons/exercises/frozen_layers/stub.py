"""Exercise frozen_layers — lesson transfer_learning ("Como reutilizar modelos").

The lesson reuses going_deep's trained conv layers and trains new dense layers for the
digits 5-9. Frozen means left out of the optimizer's `var_list`: TensorFlow then computes
no gradient for those variables and never moves them. Choose that list.

Write `var_list(variables)`:
    variables: a list of tf.Variable, every trainable variable of the lesson's network, in
               the order they were made:
                 base/conv1_1/weights, base/conv1_1/biases, ... base/conv3_2/biases
                     (scope `base`: going_deep's six conv layers, restored, to freeze)
                 head/fc4/weights, head/fc4/biases, head/fc5/weights, head/fc5/biases
                     (scope `head`: the new dense layers, to train)
    returns: a list of tf.Variable, taken from `variables`: the ones the optimizer updates
             in the lesson's frozen variant; the check builds
             optimizers.adam(loss, 0.001, var_list=<your list>) and trains a few steps
A variable's name is `v.op.name` (e.g. "base/conv1_1/weights").
Do not build an optimizer or change the variables yourself: just return the list.

Check it:   python -m lessons.exercises check frozen_layers
"""


def var_list(variables):
    raise NotImplementedError
