"""tfgraph: the small library the lessons share.

    tf            TensorFlow, imported on first use (so `--help` answers at once)
    new_graph     a fresh, seeded tf.Graph per lesson
    Run           run folder + summary writers + session + checkpoints (Ctrl-C keeps work)
    cli           the lessons' shared flags, one-line errors
    activations   step, sigmoid, tanh, ReLU, leaky ReLU, ELU, maxout, softmax from primitive ops
    layers        dense and convolution layers from raw variables, max-pooling
    summaries     layer histograms, weight maps, text, hparams, misclassified digits
    figures       labelled matplotlib figures as image summaries
    train         batches, steps, progress, evaluation; `fit`, the MNIST lessons' loop
    data          the park table, MNIST-format loading, the Playground's datasets
    board         open TensorBoard on the lessons' logs
    cluster       a TensorFlow cluster's tasks as processes: --cluster, launcher, cleanup

Importing tfgraph does not import TensorFlow; the first use of `tf.<anything>` does.
"""

# `board` is not imported here so `python -m tfgraph.board` runs it fresh; `from tfgraph
# import board` still works.
from tfgraph import activations, cli, layers, summaries, train
from tfgraph._lazy import tf
from tfgraph.errors import UserError
from tfgraph.session import Run, new_graph

__all__ = ["tf", "new_graph", "Run", "UserError", "cli", "activations", "layers",
           "summaries", "train", "board"]
