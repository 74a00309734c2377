"""What a network holds and what it does: parameters, multiply-adds, floating-point operations.

    rows = [counts.layer_row("conv1_1", "3x3 conv, 64", conv.output, conv)]   # one per layer
    parameters, multiply_adds = counts.totals(rows)                         # the network's
    print(counts.table(rows))            # aligned, with a line of totals
    counts.step_flops(net.train_op)      # one training step, counted by TensorFlow's profiler

A layer's parameters are what it stores (its weights and biases); its multiply-adds are what
it computes for one image. The two can differ a thousandfold: a 3x3 convolution has few
weights but applies them at every position of the image (lesson going_deep, which
introduced `layer_row`). `parameters` and `step_flops` count what an optimizer trains and
what one of its steps costs (lesson transfer_learning: frozen layers train nothing and
send no gradient back).
"""

import math
from typing import NamedTuple

from tfgraph.layers import Conv, parameter_count
from tfgraph.support import report
from tfgraph.support.i18n import N_, _
from tfgraph.support.lazy import tf


class Row(NamedTuple):
    """One line of a layer table."""
    name: str
    slide: str              # what the slide (or the layer) says: "3x3 conv, 64", "pool/2"
    shape: tuple            # the output's shape for one image, e.g. (224, 224, 64)
    parameters: int         # weights + biases
    multiply_adds: int      # per image, forward pass


def multiply_adds(layer, shape):
    """Multiply-adds of one image's forward pass through `layer` (a `layers.Conv` or
    `layers.Dense`, or None for a pooling or reshaping step: 0), whose output for one image
    has `shape`. A conv layer computes each output value from one size x size x in_channels
    window; a dense layer, each output from one column of its weights [inputs, units]."""
    if layer is None:
        return 0
    if isinstance(layer, Conv):
        return math.prod(shape) * math.prod(layer.weights.shape.as_list()[:3])
    return math.prod(layer.weights.shape.as_list())


def layer_row(name, slide, output, layer=None):
    """The `Row` of a layer's output tensor (float32 [batch, ...]) and of its `layers.Conv`
    or `layers.Dense`, if it has weights."""
    shape = tuple(output.shape.as_list()[1:])
    return Row(name, slide, shape, parameter_count(layer), multiply_adds(layer, shape))


def parameters(variables):
    """The number of values in `variables` (e.g. an optimizer's var_list)."""
    return sum(math.prod(v.shape.as_list()) for v in variables)


def step_flops(train_op):
    """Floating-point operations of one run of `train_op` (forward, backward, update),
    counted by TensorFlow's profiler over the ops it depends on, and only those.

    The placeholders need a fixed batch size (the profiler counts nothing for an unknown
    dimension). A deterministic measure of a step's cost, where time depends on the
    machine and on what else runs on it. Introduced in lesson transfer_learning.
    """
    graph = train_op.graph
    needed, stack = set(), [getattr(train_op, "op", train_op)]
    while stack:                                  # every op the train op depends on
        op = stack.pop()
        if op.name not in needed:
            needed.add(op.name)
            stack += [t.op for t in op.inputs] + list(op.control_inputs)
    step = tf.compat.v1.GraphDef()
    step.node.extend(n for n in graph.as_graph_def().node if n.name in needed)
    counted = tf.Graph()
    with counted.as_default():
        tf.compat.v1.import_graph_def(step, name="")
    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")    # the profiler's own deprecation notices
    try:
        options = (tf.compat.v1.profiler.ProfileOptionBuilder(
            tf.compat.v1.profiler.ProfileOptionBuilder.float_operation())
            .with_empty_output().build())
        return tf.compat.v1.profiler.profile(counted, options=options).total_float_ops
    finally:
        logger.setLevel(level)


def totals(rows):
    """(parameters, multiply-adds) of a layer table: the sums of its `Row`s."""
    return sum(r.parameters for r in rows), sum(r.multiply_adds for r in rows)


def table(rows):
    """A layer table as text, one line per `Row` and a line of totals; the columns fit any
    value (`tfgraph.support.report.table`)."""
    lines = [(r.name, r.slide, " x ".join(map(str, r.shape)), r.parameters, r.multiply_adds)
             for r in rows]
    return report.table([*lines, (_("total"), "", "", *totals(rows))],
                        header=(N_("layer"), N_("the slide says"), N_("output"),
                                N_("parameters"), N_("multiply-adds")),
                        formats=("", "", "", ",", ","))
