"""Exercise summaries_read_back — lesson tensorboard ("O poder do Tensorboard").

TensorBoard only shows what reaches an event file, under the exact tag it was written
with, at the step it was given. Write both halves: the summary ops (graph), and the
writing of their values (session). The check reads the event files back with
TensorBoard's own reader.

Write `summaries(loss, weights)`, called once while the graph is built:
    loss:    float32 [], the network's loss (named cross_entropy/loss in the graph)
    weights: float32 [inputs, units], a layer's weights (the variable relu_layer/weights)
    returns: one summary op (a string tensor []) holding a scalar tagged exactly "loss"
             and a histogram tagged exactly "weights" (tf.compat.v1.summary.scalar,
             .histogram, .merge)

Write `write(session, summary, writer, feeds)`, called once the graph is built:
    session: a tf.compat.v1.Session of that graph
    summary: a summary op (a string tensor []) to evaluate
    writer:  a tf.compat.v1.summary.FileWriter (the caller made it, and closes it later)
    feeds:   {step (int): feed_dict}, in order: run `summary` with each feed_dict and
             write the result at that step
    returns: nothing; when it returns, everything it wrote must be in the event file,
             where TensorBoard (and the check) can read it, even though the writer stays open

Check it:   python -m lessons.exercises check summaries_read_back
"""

from tfgraph import tf


def summaries(loss, weights):
    raise NotImplementedError


def write(session, summary, writer, feeds):
    raise NotImplementedError
