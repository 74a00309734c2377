"""The flags of lesson ml101's three models, and the checks that refuse a model it cannot run.

    p = cli.parser("ml101", __doc__, epochs=1000, learning_rate=0.02, data_dir=True,
                   seed_help=model_flags.SEED_HELP)
    model_flags.add(p, MODELS, slope=2.0, intercept=-1.0, noise=1.0, points=100, k=1,
                    distance="l2", clusters=10, iterations=100)
    args = model_flags.check(cli.parse(p, argv))      # --noise, --points, --clusters
    if model_flags.needs_digits(args):
        with model_flags.digits_hint():                # no digits: say what runs without them
            data = load_mnist(args.data_dir, validation_size=0)
        model_flags.check_sizes(args, len(data.train))  # --k, --clusters: at most the digits

Every refusal is one line and exit code 2, before any run folder is made. Introduced in
lesson `ml101`.
"""

import contextlib

from tfgraph.support import cli
from tfgraph.support.errors import UserError
from tfgraph.support.i18n import N_, _, number

DIGIT_MODELS = ("nearest_neighbour", "k_means")    # the models that need the digits
SEED_HELP = N_("seed of the noise of the regression's points and of k-means' starting "
               "centroids: same seed, same numbers")
DISTANCES = ("l2", "l1")


def add(p, models, *, slope, intercept, noise, points, k, distance, clusters, iterations):
    """`--models` and one argument group per model, with these defaults."""
    p.add_argument("--models", nargs="+", choices=models, default=list(models),
                   metavar="MODEL", help=_("which of the three models to run: {models} "
                                           "(default: all three)").format(
                                               models=", ".join(models)))
    g = p.add_argument_group(_("1. linear regression"))
    g.add_argument("--slope", type=cli.finite_float, default=slope,
                   help=cli.with_default(N_("of the true line")))
    g.add_argument("--intercept", type=cli.finite_float, default=intercept,
                   help=cli.with_default(N_("of the true line")))
    g.add_argument("--noise", type=cli.finite_float, default=noise,
                   help=cli.with_default(N_("standard deviation of the noise added to y")))
    g.add_argument("--points", type=cli.positive_int, default=points,
                   help=cli.with_default(N_("how many points")))
    g = p.add_argument_group(_("2. nearest neighbour"))
    g.add_argument("--k", type=cli.positive_int, default=k,
                   help=cli.with_default(N_("neighbours that vote")))
    g.add_argument("--distance", choices=DISTANCES, default=distance,
                   help=cli.with_default(N_("l2: straight-line distance between pixel vectors; "
                                            "l1: sum of the pixel differences (slower: no "
                                            "matrix-product trick)")))
    g = p.add_argument_group(_("3. k-means"))
    g.add_argument("--clusters", type=int, default=clusters,
                   help=cli.with_default(N_("how many groups, at least 2")))
    g.add_argument("--iterations", type=cli.positive_int, default=iterations,
                   help=cli.with_default(N_("at most this many assign/update rounds")))


def check(args):
    """`args`, unless a value no model can use: UserError, one line."""
    if args.noise < 0:
        raise UserError(_("--noise is a standard deviation: it must be 0 or more, got "
                          "{noise}").format(noise=number(args.noise, "g")))
    if args.points < 2:
        raise UserError(_("--points {points}: a line needs at least 2 points").format(
            points=args.points))
    if args.clusters < 2:
        raise UserError(_("--clusters {clusters}: grouping needs at least 2 clusters").format(
            clusters=args.clusters))
    return args


def needs_digits(args):
    """Whether a model chosen with --models reads the digits (linear regression does not)."""
    return any(model in args.models for model in DIGIT_MODELS)


@contextlib.contextmanager
def digits_hint():
    """Data that cannot be loaded: the same one line, saying what runs without it."""
    try:
        yield
    except UserError as e:
        raise UserError(_("{error} (--models linear_regression runs without the "
                          "digits)").format(error=e)) from None


def check_sizes(args, digits):
    """UserError unless --k and --clusters ask for at most `digits` (the training digits)."""
    if "nearest_neighbour" in args.models and args.k > digits:
        raise UserError(_("--k {k} is more neighbours than the {digits} training digits to "
                          "remember; choose --k {most} or less").format(
                              k=args.k, digits=number(digits, ","), most=digits))
    if "k_means" in args.models and args.clusters > digits:
        raise UserError(_("--clusters {clusters} is more clusters than the {digits} digits to "
                          "group; choose --clusters {most} or less").format(
                              clusters=args.clusters, digits=number(digits, ","), most=digits))
