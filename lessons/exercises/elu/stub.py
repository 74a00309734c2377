"""Exercise elu — lesson activations ("Funções de Ativação": ELU, and its derivative).

Lesson activations draws the slide's seven activation functions and their slopes, the
derivatives gradient descent follows, computed by tf.gradients. Write one of them, ELU,
from primitive ops, so that its slope comes out right everywhere:

    ELU(z) = z                  where z > 0
             alpha·(e^z - 1)    elsewhere (z <= 0): from 0 at z = 0 down towards -alpha

    its slope:  1 where z > 0,  alpha·e^z elsewhere

The convention at z = 0 (the kink, where the two sides' slopes differ when alpha is not 1)
is the library's, tfgraph.activations.elu's: z = 0 takes the exponential side, so the slope
there is alpha·e^0 = alpha (with alpha = 1, tf.nn.elu's 1).

Write `elu(z, alpha=1.0)`:
    z: float32 of any shape ([batch, units], for instance): a layer's weighted sums
    alpha: a Python float, how far below 0 the negative side goes
    returns: float32, z's shape: ELU of every element
Only primitive ops: tf.where, tf.exp, tf.minimum, comparisons (not tf.nn.elu). Beware: tf.where
computes BOTH sides for every element and only then picks one; e^z of a large z is infinite in
float32 (e^89 already), and the slope of the side it discards is multiplied by 0, and 0·inf
is NaN. Your slope must be 1, not NaN, at z = 100.

Check it:   python -m lessons.exercises check elu
"""

from tfgraph import tf


def elu(z, alpha=1.0):
    raise NotImplementedError
