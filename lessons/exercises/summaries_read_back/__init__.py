"""A scalar `loss` and a histogram `weights`, written at their steps and read back from the
event files as TensorBoard reads them (lesson tensorboard)."""

import re
import tempfile

import numpy as np

from lessons.exercises import Hint
from tfgraph import new_graph, tf
from tfgraph.support.i18n import N_, _, number

TASK = N_("a scalar `loss` and a histogram `weights`, written and flushed, read back from the "
          "events")
MISTAKES = {
    "mistake_capital_tag": "tagged `Loss`",
    "mistake_scope_prefix": "the name_scope you built it in prefixes its tag",
    "mistake_never_flushed": "flush or close the writer",
    "mistake_no_step": "written at steps [0, 0, 0]",
}

WEIGHTS = np.random.default_rng(11).normal(0, 0.1, (30, 8)).astype(np.float32)   # [30, 8]
LOSS, STEP = 0.75, 7                        # what the summary checks feed, and where
LOSSES = {0: 2.3, 10: 1.1, 20: 0.4}         # the steps `write` is given, and each loss


def read_events(folder):
    """TensorBoard's own reader over one run folder (as the project's tests read a lesson's
    events), everything kept."""
    from tensorboard.backend.event_processing import event_accumulator as ea
    events = ea.EventAccumulator(str(folder), size_guidance={ea.SCALARS: 0, ea.HISTOGRAMS: 0})
    events.Reload()
    return events


def _tag_hint(tag, kind, events):
    """Why `tag` is not among the events' `kind` ("scalars" or "histograms")."""
    found = events.Tags()[kind]
    scalar = kind == "scalars"
    other = "histograms" if scalar else "scalars"
    if tag in events.Tags()[other]:
        maker = "tf.compat.v1.summary.scalar" if scalar else "tf.compat.v1.summary.histogram"
        return (_("`{tag}` is written as a histogram; it should be a scalar ({maker})") if scalar
                else _("`{tag}` is written as a scalar; it should be a histogram ({maker})")
                ).format(tag=tag, maker=maker)
    if not found:
        return (_("no scalar in the events read back: the summary op holds no scalar") if scalar
                else _("no histogram in the events read back: the summary op holds no "
                       "histogram"))
    near = [t for t in found if t.lower() == tag.lower() or t.lower().endswith("/" + tag.lower())
            or re.fullmatch(rf"{re.escape(tag)}_\d+", t)]
    listed = ", ".join(f"`{t}`" for t in (near or found))
    hint = (_("no scalar tagged `{tag}` in the events read back; the scalars there are tagged "
              "{listed}") if scalar else
            _("no histogram tagged `{tag}` in the events read back; the histograms there are "
              "tagged {listed}")).format(tag=tag, listed=listed)
    if near and "/" in near[0]:
        return hint + _(": the name_scope you built it in prefixes its tag; build the summary "
                        "outside any name_scope")
    if near and near[0].lower() == tag:
        return hint + _(": a tag is matched exactly, capitals included (TensorBoard's charts, "
                        "a test reading it back)")
    if near:
        return hint + _(": the graph held a name `{tag}` already (an op or a scope) when the "
                        "summary was built, so TensorFlow made its tag unique; rename that other "
                        "`{tag}`").format(tag=tag)
    return hint


def _summary_graph():
    """A graph like the lesson's: a loss (cross_entropy/loss) and a layer's weights
    (relu_layer/weights), nothing named plainly `loss` or `weights`."""
    graph = new_graph(0)
    with graph.as_default():
        with tf.name_scope("cross_entropy"):
            loss = tf.compat.v1.placeholder(tf.float32, [], name="loss")
        with tf.compat.v1.variable_scope("relu_layer"):
            weights = tf.compat.v1.get_variable(
                "weights", WEIGHTS.shape, tf.float32, tf.compat.v1.constant_initializer(WEIGHTS))
    return graph, loss, weights


def _written_by_the_learners_summary(learner, folder):
    """Run the learner's summary op once (loss LOSS) and write it at STEP with a writer of
    the check's own, closed; the events read back."""
    graph, loss, weights = _summary_graph()
    with graph.as_default():
        summary = learner.summaries(loss, weights)
        if isinstance(summary, (list, tuple)):
            raise Hint(_("`summaries` returned a {kind} of {n}: merge them into one op "
                         "(tf.compat.v1.summary.merge)").format(
                kind=type(summary).__name__, n=len(summary)))
        if not isinstance(summary, tf.Tensor) or summary.dtype != tf.string:
            what = summary.dtype.name if isinstance(summary, tf.Tensor) else type(summary).__name__
            raise Hint(_("`summaries` should return a summary op (a string tensor, from "
                         "tf.compat.v1.summary.merge); it returned {what}").format(what=what))
        init = tf.compat.v1.global_variables_initializer()
        writer = tf.compat.v1.summary.FileWriter(folder)
    try:
        with tf.compat.v1.Session(graph=graph) as session:
            session.run(init)
            writer.add_summary(session.run(summary, {loss: LOSS}), STEP)
    finally:
        writer.close()
    return read_events(folder)


def check_a_scalar_loss_and_a_histogram_weights(learner):
    with tempfile.TemporaryDirectory() as folder:
        events = _written_by_the_learners_summary(learner, folder)
        for tag, kind in (("loss", "scalars"), ("weights", "histograms")):
            if tag not in events.Tags()[kind]:
                raise Hint(_tag_hint(tag, kind, events))


def check_their_values(learner):
    with tempfile.TemporaryDirectory() as folder:
        events = _written_by_the_learners_summary(learner, folder)
        tags = events.Tags()
        if "loss" not in tags["scalars"] or "weights" not in tags["histograms"]:
            raise Hint(_tag_hint("loss", "scalars", events) if "loss" not in tags["scalars"]
                       else _tag_hint("weights", "histograms", events))
        loss = events.Scalars("loss")[-1]
        if not np.isclose(loss.value, LOSS, rtol=1e-6):
            raise Hint(_("the scalar `loss` is {got}; the loss fed was {fed}: summarise the "
                         "`loss` tensor you are given").format(
                got=number(loss.value, ".6g"), fed=number(LOSS)))
        histogram = events.Histograms("weights")[-1].histogram_value
        if int(histogram.num) != WEIGHTS.size:
            raise Hint(_("the histogram `weights` holds {n} values; `relu_layer/weights` has "
                         "{size} ({rows} x {columns}): summarise the `weights` you are "
                         "given").format(n=int(histogram.num), size=WEIGHTS.size,
                                         rows=WEIGHTS.shape[0], columns=WEIGHTS.shape[1]))
        expected = {"min": WEIGHTS.min(), "max": WEIGHTS.max(), "sum": WEIGHTS.sum(dtype=np.float64)}
        for field, value in expected.items():
            if not np.isclose(getattr(histogram, field), value, rtol=1e-5, atol=1e-6):
                raise Hint(_("the histogram `weights` has {field} {got}; the weights' {field} "
                             "is {want}: summarise the weights themselves").format(
                    field=field, got=number(getattr(histogram, field), ".6g"),
                    want=number(value, ".6g")))


def _written_by_the_learners_write(learner, folder):
    """The check's own summary (a scalar `loss`), handed to the learner's `write` with a
    writer whose first event (the graph) is on disk already, so nothing the learner adds
    reaches the file unless it is flushed; read back while the writer is still open."""
    graph = new_graph(0)
    with graph.as_default():
        loss = tf.compat.v1.placeholder(tf.float32, [], name="cross_entropy")
        summary = tf.compat.v1.summary.scalar("loss", loss)
        writer = tf.compat.v1.summary.FileWriter(folder, graph)
    writer.flush()
    try:
        with tf.compat.v1.Session(graph=graph) as session:
            learner.write(session, summary, writer, {s: {loss: v} for s, v in LOSSES.items()})
            return read_events(folder)
    finally:
        writer.close()


def check_on_disk_when_write_returns(learner):
    with tempfile.TemporaryDirectory() as folder:
        events = _written_by_the_learners_write(learner, folder)
        if "loss" not in events.Tags()["scalars"]:
            raise Hint(_("no `loss` in the event file when `write` returned (add_summary only "
                         "queues an event; it reaches the file later, or never if the program "
                         "ends first): flush or close the writer"))


def check_each_loss_at_its_step(learner):
    with tempfile.TemporaryDirectory() as folder:
        events = _written_by_the_learners_write(learner, folder)
        if "loss" not in events.Tags()["scalars"]:
            raise Hint(_("no `loss` in the event file when `write` returned: flush or close "
                         "the writer"))
        written = events.Scalars("loss")
        steps = [e.step for e in written]
        if steps != list(LOSSES):
            raise Hint(_("`loss` was written at steps {steps}; expected {expected}: give "
                         "add_summary each step, the x axis of TensorBoard's chart").format(
                steps=steps, expected=list(LOSSES)))
        for event in written:
            if not np.isclose(event.value, LOSSES[event.step], rtol=1e-6):
                raise Hint(_("`loss` at step {step} is {got}; it was fed {fed} for that step: "
                             "run the summary with each step's feed").format(
                    step=event.step, got=number(event.value, ".6g"),
                    fed=number(LOSSES[event.step])))
