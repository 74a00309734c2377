"""tfgraph: the small library the lessons share, in two layers.

What a learner reads (this folder, one concept a file):
    tf            TensorFlow, imported on first use (so `--help` answers at once)
    graph         `new_graph`: a fresh, seeded tf.Graph per lesson
    activations   step, sigmoid, tanh, ReLU, leaky ReLU, ELU, maxout, softmax from primitive ops
    layers        dense and convolution layers from raw variables, max-pooling
    losses        softmax cross-entropy and accuracy of a classifier
    optimizers    the "gradients" box and the SGD and Adam trainers
    train         batches, a training step, evaluation; `fit`, the MNIST lessons' loop
    summaries     layer histograms, weight maps, text, hparams, misclassified digits
    figures       labelled matplotlib figures as image summaries
    data          the park table, MNIST-format loading, the Playground's datasets

What keeps runs safe and convenient (`tfgraph.support`, not the subject of any lesson):
flags and one-line errors, run folders and `flags.json`, resume checks, Ctrl-C, the
divergence watch and progress lines, the TensorBoard launcher, a cluster's processes.

Importing tfgraph does not import TensorFlow; the first use of `tf.<anything>` does.
"""

from tfgraph import activations, layers, losses, optimizers, summaries, train
from tfgraph.graph import new_graph
from tfgraph.support.lazy import tf

__all__ = ["tf", "new_graph", "activations", "layers", "losses", "optimizers", "summaries",
           "train"]
