"""A mistake learners make: the events added but the writer never flushed, so TensorBoard
shows nothing until the program ends (or never, if it is killed)."""

from tfgraph import tf


def summaries(loss, weights):
    return tf.compat.v1.summary.merge([tf.compat.v1.summary.scalar("loss", loss),
                                       tf.compat.v1.summary.histogram("weights", weights)])


def write(session, summary, writer, feeds):
    for step, feed in feeds.items():
        writer.add_summary(session.run(summary, feed), step)
