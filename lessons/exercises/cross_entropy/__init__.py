"""Softmax cross-entropy from primitive ops, finite for logits of 1000 (lesson mnist_softmax)."""

import numpy as np

from lessons.exercises import Hint
from lessons.exercises.graphs import Built, must_be_close, must_be_tensor, must_have_shape
from tfgraph.support.i18n import N_, _

TASK = N_("softmax cross-entropy from primitive ops that gives no NaN for logits of 1000")
MISTAKES = {
    "mistake_log_of_softmax": "NaN for logits of 1000",
    "mistake_sum_over_batch": "it needs []",
}

_RNG = np.random.default_rng(7)
LOGITS = _RNG.normal(0, 3, (5, 10)).astype(np.float32)                 # [5, 10]
LABELS = np.eye(10, dtype=np.float32)[[3, 0, 9, 3, 7]]                  # [5, 10] one-hot


def reference(logits, labels):
    """numpy, in float64: mean over the batch of -sum(labels * log softmax(logits))."""
    z = logits.astype(np.float64)
    log_softmax = z - z.max(1, keepdims=True)
    log_softmax -= np.log(np.exp(log_softmax).sum(1, keepdims=True))
    return float(np.mean(-(labels * log_softmax).sum(1)))


def _built(learner):
    built = Built(learner.cross_entropy, LOGITS, LABELS, names=["logits", "labels"])
    must_be_tensor(built.output, "cross_entropy")
    return built


def check_one_number_for_the_batch(learner):
    value = _built(learner).run(LOGITS, LABELS)
    must_have_shape(value, (), "loss", fed=_(" for a batch of {n}").format(n=5))


def check_values_match_the_formula(learner):
    value = _built(learner).run(LOGITS, LABELS)
    must_have_shape(value, (), "loss", fed=_(" for a batch of {n}").format(n=5))
    must_be_close(value, reference(LOGITS, LABELS), "loss", at=_(" for random logits"))


def check_no_nan_for_logits_of_1000(learner):
    large = LOGITS * 300                                           # logits up to about 3000
    large[0, 3] = 1000.0
    value = _built(learner).run(large, LABELS)
    if not np.isfinite(value).all():
        raise Hint(_("NaN for logits of 1000: exp(1000) overflows; subtract each row's largest "
                     "logit first (log-softmax: z - max - log(sum(exp(z - max))))"))
    must_be_close(value, reference(large, LABELS), "loss", at=_(" for logits of 1000"))


def check_gradient_is_softmax_minus_labels(learner):
    built = _built(learner)
    grad = built.gradient(built.output, built.inputs[0])[0]
    if grad is None:
        raise Hint(_("the loss does not depend on `logits` (tf.gradients gives None)"))
    value = built.run(LOGITS, LABELS, fetch=grad)
    z = LOGITS.astype(np.float64)
    softmax = np.exp(z - z.max(1, keepdims=True))
    softmax /= softmax.sum(1, keepdims=True)
    must_be_close(value, (softmax - LABELS) / len(LOGITS), "d loss / d logits",
                  at=" (tf.gradients)")


def check_built_from_primitive_ops(learner):
    fused = {"SoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits",
             "Softmax", "LogSoftmax"}
    used = fused & _built(learner).op_types()
    if used:
        raise Hint(_("the graph uses {ops}: write it from primitive ops (tf.exp, tf.reduce_max, "
                     "tf.reduce_sum, tf.math.log)").format(ops=", ".join(sorted(used))))
