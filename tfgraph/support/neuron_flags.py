"""One neuron's numbers on the command line: `--weights`, `--bias`, `--inputs`.

    neuron_flags.add(group, WEIGHTS, BIAS, INPUTS)
    args = cli.parse(p, argv)
    neuron_flags.check(args)    # one line and exit 2 for a neuron float32 cannot hold

Refused before any run folder is made: a weight per input missing, or a number (or the
weighted sum w·x + b) too large for the float32 graph, which would otherwise come back as inf
or nan from inside TensorFlow. Introduced in lesson activations.
"""

import numpy as np

from tfgraph.support import cli
from tfgraph.support.errors import UserError
from tfgraph.support.i18n import N_, _, number

FLOAT32_MAX = float(np.finfo(np.float32).max)


def add(group, weights, bias, inputs):
    """The three flags, in a parser or one of its argument groups, with these defaults."""
    group.add_argument("--weights", nargs="+", type=cli.finite_float, default=list(weights),
                       metavar="W", help=cli.with_default(N_("Pesos, one per input")))
    group.add_argument("--bias", type=cli.finite_float, default=bias, metavar="B",
                       help=cli.with_default(N_("Viés")))
    group.add_argument("--inputs", nargs="+", type=cli.finite_float, default=list(inputs),
                       metavar="X", help=cli.with_default(N_("the neuron's inputs x")))


def check(args):
    """UserError unless args.weights and args.inputs pair up and w·x + b fits in float32."""
    if len(args.weights) != len(args.inputs):
        raise UserError(_("the neuron has {weights} weights (--weights) but {inputs} inputs "
                          "(--inputs): give one weight per input").format(
                              weights=len(args.weights), inputs=len(args.inputs)))
    for flag, values in (("--weights", args.weights), ("--bias", [args.bias]),
                         ("--inputs", args.inputs)):
        if any(abs(v) > FLOAT32_MAX for v in values):
            raise UserError(_("{flag}: {value} does not fit in float32 (at most {most} in "
                              "size)").format(flag=flag, value=number(max(values, key=abs), "g"),
                                              most=number(FLOAT32_MAX, ".3g")))
    # Σ|w·x| + |b| within float32: then no product and no partial sum can overflow either.
    size = float(np.sum(np.abs(np.multiply(args.weights, args.inputs))) + abs(args.bias))
    if not size <= FLOAT32_MAX:
        raise UserError(_("w·x + b is too large for float32 (its terms add up to {size}, at "
                          "most {most} fits): use smaller --weights, --bias or --inputs").format(
                              size=number(size, "g"), most=number(FLOAT32_MAX, ".3g")))
