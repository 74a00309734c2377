"""Exercise summaries_read_back — the reference solution (lesson tensorboard)."""

from tfgraph import tf


def summaries(loss, weights):
    # Built at the top of the graph, outside any name_scope: a scope would prefix the tags.
    return tf.compat.v1.summary.merge([tf.compat.v1.summary.scalar("loss", loss),
                                       tf.compat.v1.summary.histogram("weights", weights)])


def write(session, summary, writer, feeds):
    for step, feed in feeds.items():
        # The step is the x axis of TensorBoard's charts; without it every event is step 0.
        writer.add_summary(session.run(summary, feed), step)
    # add_summary only queues the events: flush, so they are in the file now, not later.
    writer.flush()
