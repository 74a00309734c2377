"""A mistake learners make: the tag written as a title ("Loss"); tags are matched exactly."""

from tfgraph import tf


def summaries(loss, weights):
    return tf.compat.v1.summary.merge([tf.compat.v1.summary.scalar("Loss", loss),
                                       tf.compat.v1.summary.histogram("weights", weights)])


def write(session, summary, writer, feeds):
    for step, feed in feeds.items():
        writer.add_summary(session.run(summary, feed), step)
    writer.flush()
