"""tfgraph: the small library the lessons share, in two layers.

What a learner reads (this folder, one concept a file; each says which lesson introduced it):
    tf            TensorFlow, imported on first use (so `--help` answers at once)
    graph         `new_graph`: a fresh, seeded tf.Graph per lesson
    activations   step, sigmoid, tanh, ReLU, leaky ReLU, ELU, maxout, softmax from primitive ops
    layers        dense and convolution layers from raw variables, max-pooling
    losses        softmax cross-entropy and accuracy of a classifier
    optimizers    the "gradients" box and the SGD and Adam trainers
    train         batches, a training step, evaluation; `fit`, the MNIST lessons' loop
    summaries     layer histograms, weight maps, text, hparams, misclassified digits
    figures       labelled matplotlib figures as image summaries
    neighbours    nearest neighbours as ops: a memory of examples, the k nearest, their vote
    clustering    k-means' points held in the graph, and how pure its clusters are
    counts        parameters, multiply-adds and FLOPs of a network
    race          activation functions raced on one network: the table and what it shows
    transfer      a transfer-learning comparison: the table and what it shows
    data          the park table, MNIST-format digits, a line's points, the Playground's data
    board         `python -m tfgraph.board`: the entry point of support's TensorBoard launcher

What keeps runs safe and convenient (`tfgraph.support`, not the subject of any lesson):
flags and one-line errors, run folders and `flags.json`, resume checks, Ctrl-C, the
divergence watch and progress lines, the TensorBoard launcher, a cluster's processes.

Importing tfgraph imports nothing else, not even numpy: `tfgraph.<module>` and
`from tfgraph import <module>` load a module when first asked for (PEP 562), so the syllabus
and `--help` answer at once; the first use of `tf.<anything>` imports TensorFlow.
"""

from tfgraph.support import on_first_use

__all__ = ["tf", "new_graph", "activations", "layers", "losses", "optimizers", "summaries",
           "train"]
__getattr__ = on_first_use(__name__, __all__, {"tf": "tfgraph.support.lazy",
                                               "new_graph": "tfgraph.graph"})
