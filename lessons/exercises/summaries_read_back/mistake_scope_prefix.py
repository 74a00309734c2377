"""A mistake learners make: the summaries tidied into a name_scope, which prefixes their
tags (summaries/loss, summaries/weights)."""

from tfgraph import tf


def summaries(loss, weights):
    with tf.name_scope("summaries"):
        return tf.compat.v1.summary.merge([tf.compat.v1.summary.scalar("loss", loss),
                                           tf.compat.v1.summary.histogram("weights", weights)])


def write(session, summary, writer, feeds):
    for step, feed in feeds.items():
        writer.add_summary(session.run(summary, feed), step)
    writer.flush()
