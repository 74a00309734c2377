"""ELU and its slope from primitive ops, no NaN slope at z = 100 (lesson activations)."""

import numpy as np

from lessons.exercises import Hint
from lessons.exercises.graphs import Built, must_be_tensor, must_have_shape
from tfgraph.support.i18n import N_, _, number

TASK = N_("ELU from primitive ops: its values, its slope (alpha at 0), no NaN slope at z = 100")
MISTAKES = {
    "mistake_minus_one_forgotten": "alpha·(e^z - 1)",
    "mistake_overflowing_where": "slope at z = 100 is NaN",
}

# [2, 5]: both sides, 0 exactly, far below 0 (ELU -> -alpha) and z = 100 (e^100 is inf in float32)
VALUE_Z = np.float32([[-100, -20, -3, -1, -0.5], [0, 0.5, 1, 3, 100]])
# where the slope is compared: finite exponentials only (z = 100 has its own check)
SLOPE_Z = np.float32([[-20, -3, -1, -0.5, 0], [0.25, 0.5, 1, 3, 10]])
LARGE_Z = np.float32([[-100, 100, 1000]])
SLOPE_ALPHA = 0.5        # not 1, so the two sides' slopes differ at 0 and the convention shows


def reference(z, alpha):
    """ELU in float64: z where z > 0, alpha·(e^z - 1) elsewhere."""
    z = np.asarray(z, np.float64)
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))


def reference_slope(z, alpha):
    """ELU's derivative in float64: 1 where z > 0, alpha·e^z elsewhere (alpha at z = 0, the
    convention of tfgraph.activations.elu and tf.nn.elu)."""
    z = np.asarray(z, np.float64)
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0)))


def _built(learner, z, alpha=None):
    """`elu(z)` (the default alpha) or `elu(z, alpha=...)` on a placeholder [batch, 5]."""
    function = learner.elu if alpha is None else (lambda t: learner.elu(t, alpha=alpha))
    built = Built(function, z, names=["z"])
    must_be_tensor(built.output, "elu")
    return built


def _call(alpha):
    return "elu(z)" if alpha is None else f"elu(z, alpha={alpha:g})"


def _first_wrong(value, expected, z, atol, rtol):
    """The first z (in reading order) where value is not expected: (z, got, want), or None."""
    wrong = ~np.isclose(value, expected, atol=atol, rtol=rtol) | ~np.isfinite(value)
    if not wrong.any():
        return None
    i = np.unravel_index(np.argmax(wrong), wrong.shape)
    return float(z[i]), float(value[i]), float(expected[i])


def check_same_shape_as_z(learner):
    value = _built(learner, VALUE_Z).run(VALUE_Z)
    must_have_shape(value, VALUE_Z.shape, "elu(z)", fed=_(" for z of shape [2, 5]"))


def check_values_match_the_formula(learner):
    for alpha in (None, SLOPE_ALPHA):
        value = _built(learner, VALUE_Z, alpha).run(VALUE_Z)
        must_have_shape(value, VALUE_Z.shape, _call(alpha), fed=_(" for z of shape [2, 5]"))
        wrong = _first_wrong(value, reference(VALUE_Z, alpha or 1.0), VALUE_Z, 1e-6, 1e-5)
        if wrong:
            z, got, want = wrong
            side = (_("for z > 0 ELU is z itself") if z > 0 else
                    _("for z <= 0 ELU is alpha·(e^z - 1): 0 at z = 0, going down to -alpha as z "
                      "goes to minus infinity"))
            raise Hint(_("`{call}` is {got} at z = {z}; expected {want}: {why}").format(
                call=_call(alpha), got=number(got, ".6g"), z=number(z, "g"),
                want=number(want, ".6g"), why=side))


def check_slope_matches_the_derivative(learner):
    built = _built(learner, SLOPE_Z, SLOPE_ALPHA)
    slope = built.gradient(built.output, built.inputs[0])[0]
    if slope is None:
        raise Hint(_("`{call}` does not depend on z: tf.gradients gives None").format(
            call=_call(SLOPE_ALPHA)))
    value = built.run(SLOPE_Z, fetch=slope)
    wrong = _first_wrong(value, reference_slope(SLOPE_Z, SLOPE_ALPHA), SLOPE_Z, 1e-6, 1e-5)
    if wrong:
        z, got, want = wrong
        why = (_("z = 0 takes the exponential side (tf.where(z > 0, ...)), slope alpha·e^0 = "
                 "alpha, as tfgraph.activations.elu does") if z == 0 else
               _("for z > 0 the slope is 1") if z > 0 else _("for z < 0 the slope is alpha·e^z"))
        raise Hint(_("the slope of `{call}` (by tf.gradients) is {got} at z = {z}; expected "
                     "{want}: {why}").format(call=_call(SLOPE_ALPHA), got=number(got, ".6g"),
                                             z=number(z, "g"), want=number(want, ".6g"), why=why))


def check_no_nan_slope_at_z_100(learner):
    built = _built(learner, LARGE_Z)
    slope = built.gradient(built.output, built.inputs[0])[0]
    if slope is None:
        raise Hint(_("`{call}` does not depend on z: tf.gradients gives None").format(
            call="elu(z)"))
    value, slope = built.run(LARGE_Z, fetch=[built.output, slope])
    for got, z in zip(value.ravel(), LARGE_Z.ravel()):
        if not np.isfinite(got):
            raise Hint(_("`elu(z)` is {got} at z = {z}: e^{z} overflows to inf in float32; "
                         "compute e^ only of what can be at most 0, tf.minimum(z, 0.0)").format(
                got=got, z=number(z, "g")))
    wrong = _first_wrong(slope, reference_slope(LARGE_Z, 1.0), LARGE_Z, 1e-6, 1e-5)
    if wrong:
        z, got, want = wrong
        if np.isnan(got):
            raise Hint(_("the slope at z = {z} is NaN (expected {want}): tf.where computes "
                         "both sides, e^{z} overflows to inf on the side it discards, and that "
                         "side's gradient, 0·inf, is NaN; take e^ of tf.minimum(z, 0.0), never "
                         "above 1").format(z=number(z, "g"), want=number(want, "g")))
        raise Hint(_("the slope of `{call}` (by tf.gradients) is {got} at z = {z}; expected "
                     "{want}").format(call="elu(z)", got=number(got, ".6g"), z=number(z, "g"),
                                      want=number(want, "g")))


def check_built_from_primitive_ops(learner):
    ready_made = {"Elu", "Selu"} & _built(learner, VALUE_Z).op_types()
    if ready_made:
        raise Hint(_("the graph uses {ops} (tf.nn.elu): write ELU from primitive ops, "
                     "tf.where, tf.exp, tf.minimum").format(ops=", ".join(sorted(ready_made))))
