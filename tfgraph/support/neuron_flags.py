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

FLOAT32_MAX = float(np.finfo(np.float32).max)


def add(group, weights, bias, inputs):
    """The three flags, in a parser or one of its argument groups, with these defaults."""
    group.add_argument("--weights", nargs="+", type=cli.finite_float, default=list(weights),
                       metavar="W", help="Pesos, one per input (default: %(default)s)")
    group.add_argument("--bias", type=cli.finite_float, default=bias, metavar="B",
                       help="Viés (default: %(default)s)")
    group.add_argument("--inputs", nargs="+", type=cli.finite_float, default=list(inputs),
                       metavar="X", help="the neuron's inputs x (default: %(default)s)")


def check(args):
    """UserError unless args.weights and args.inputs pair up and w·x + b fits in float32."""
    if len(args.weights) != len(args.inputs):
        raise UserError(f"the neuron has {len(args.weights)} weights (--weights) but "
                        f"{len(args.inputs)} inputs (--inputs): give one weight per input")
    for flag, values in (("--weights", args.weights), ("--bias", [args.bias]),
                         ("--inputs", args.inputs)):
        if any(abs(v) > FLOAT32_MAX for v in values):
            raise UserError(f"{flag}: {max(values, key=abs):g} does not fit in float32 "
                            f"(at most {FLOAT32_MAX:.3g} in size)")
    # Σ|w·x| + |b| within float32: then no product and no partial sum can overflow either.
    size = float(np.sum(np.abs(np.multiply(args.weights, args.inputs))) + abs(args.bias))
    if not size <= FLOAT32_MAX:
        raise UserError(f"w·x + b is too large for float32 (its terms add up to {size:g}, "
                        f"at most {FLOAT32_MAX:.3g} fits): use smaller --weights, --bias or "
                        f"--inputs")
