"""A mistake learners make: add_summary without the step, so every point lands on step 0."""

from tfgraph import tf


def summaries(loss, weights):
    return tf.compat.v1.summary.merge([tf.compat.v1.summary.scalar("loss", loss),
                                       tf.compat.v1.summary.histogram("weights", weights)])


def write(session, summary, writer, feeds):
    for feed in feeds.values():
        writer.add_summary(session.run(summary, feed))
    writer.flush()
