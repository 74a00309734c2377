"""Exercise graph_growth — lesson tf_basics ("Tensorflow: Uma Introdução").

Building the graph runs nothing; a session runs what was built, as often as you like. The
classic mistake mixes the two: an op made inside the training loop is a new node on every
pass, so the graph grows as long as the loop runs (lesson tf_basics shows it: one more Add
node per pass). A finalized graph, as tfgraph.Run leaves it, turns that mistake into an
error. Build once, run many times.

1. Write `build(counter)`: graph building, done once.
       counter: an int32 [] variable, starting at 0
       returns: the op (or tensor) that adds 1 to the counter each time a session runs it
   It runs nothing: there is no session here.

2. Write `count(session, counter, step, n)`: running, done many times.
       session: a tf.compat.v1.Session whose graph holds counter and step
       counter: the same variable
       step:    what your `build` returned
       n:       how many times to run it
       returns: the counter's value after the n runs, a number (what session.run gives back)
   It is called with the graph as the default graph, like the code of a lesson, and also
   in a finalized graph: it must not make a single op, only run them.

3. Write `batch_size(x)`: the number of rows fed to a placeholder.
       x: a float32 placeholder of shape [None, 3]: any number of rows of 3
       returns: an int32 [] tensor, the number of rows x is fed when the graph runs
   (the check feeds it 1 row, then 4, to the same graph). x's static shape is what is known
   while building; the dynamic one is known when it runs.

Check it:   python -m lessons.exercises check graph_growth
"""

from tfgraph import tf


def build(counter):
    raise NotImplementedError


def count(session, counter, step, n):
    raise NotImplementedError


def batch_size(x):
    raise NotImplementedError
