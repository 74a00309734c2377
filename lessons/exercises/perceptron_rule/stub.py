"""Exercise perceptron_rule — lesson perceptron_park ("Uma rede neural simples").

The perceptron of lesson perceptron_park decides whether we go to the park: two inputs,
x1 the weather and x2 the money ("Dados de treino"), weights that start at 0, a bias that is
a constant 0, and the step activation that fires when the weighted sum reaches t = 0:

    output = step(w·x) = 1.0 where w·x >= 0, else 0.0     (tfgraph.activations.step does it)

It learns by the perceptron rule, one row of the table at a time: a missed "vamos!" moves w
towards x, a false one moves it away from x, a right answer leaves it alone:

    w <- w + learning_rate·(Y - output)·x

Write the rule as graph ops: `perceptron_rule(weights, x, y, learning_rate)`:
    weights: the float32 [2] variable w (a resource variable, made by tf.compat.v1.get_variable)
    x: float32 [2], one day (x1, x2), a placeholder
    y: float32 [], its label Y: 1.0 we go, 0.0 we don't, a placeholder
    learning_rate: a Python float
    returns: the update: what session.run runs once per row, and which changes `weights` in
             place (an assign op, e.g. what tf.compat.v1.assign_add returns)
Build the ops once here; the check runs what you return, row after row (nothing is built in
its loop). From the slides' w = (0, 0), two epochs over the park table with learning rate 1
end at w = (1, 1), the second without a mistake.

Check it:   python -m lessons.exercises check perceptron_rule
"""

from tfgraph import activations, tf


def perceptron_rule(weights, x, y, learning_rate):
    raise NotImplementedError
