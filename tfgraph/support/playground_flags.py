"""The TensorFlow Playground's knobs as flags, checked as its link's values are.

    p = cli.parser("playground", __doc__, epochs=300)
    playground_flags.add(p, frames=10)          # --url, --dataset, --network-shape, ...
    args = cli.parse(p, argv)
    settings = playground_link.settings_from(args.url, vars(args), cli.given(p, argv))
    with Run(playground_flags.record(args, settings), graph) as run: ...

Every knob defaults to None, "not written": the link's value or the Playground's own is
chosen by `playground_link.settings_from`, never written back into `args`. A value the
Playground would refuse in a link is refused here with the flag's name, one line, exit 2.
Introduced in lesson `playground`.
"""

import argparse
import types

from tfgraph.data import playground as pg
from tfgraph.data import playground_link
from tfgraph.support import cli
from tfgraph.support.i18n import _


def _checked(key, convert):
    """An argparse type checking a value as the Playground's setting `key` would be."""
    def parse(text):
        try:
            return playground_link.check_value(key, convert(text))
        except ValueError:
            raise argparse.ArgumentTypeError(_("expected {noun}, got {text!r}").format(
                noun=_("a number"), text=text)) from None
        except playground_link.LinkError as e:   # "noise=90: a percentage..." -> "a percentage..., got 90"
            raise argparse.ArgumentTypeError(_("{rule}, got {text}").format(
                rule=str(e).split(": ", 1)[-1], text=text)) from None
    return parse


def _network_shape(text):
    text = text.strip()
    if text.lower() in ("", "none"):
        return []
    return [float(t) for t in text.split(",")]


def _features(text):
    keys = set()
    for name in filter(None, (t.strip() for t in text.split(","))):
        if name not in pg.FEATURE_BY_NAME:
            raise argparse.ArgumentTypeError(
                _("unknown feature {name!r}: choose from {features}").format(
                    name=name, features=", ".join(f"{f.name} ({f.key})" for f in pg.FEATURES)))
        keys.add(pg.FEATURE_BY_NAME[name].key)
    if not keys:
        raise argparse.ArgumentTypeError(_("name at least one feature, e.g. x1,x2"))
    return [f.key for f in pg.FEATURES if f.key in keys]    # the Playground's order


def _regularization(text):
    names = {r.lower(): r for r in playground_link.REGULARIZATIONS}
    if text.lower() not in names:
        raise argparse.ArgumentTypeError(_("choose from {choices}, got {text!r}").format(
            choices=", ".join(playground_link.REGULARIZATIONS), text=text))
    return names[text.lower()]


def add(p, frames):
    """The Playground's settings as an argument group of parser `p`: --url and one flag per
    setting of `playground_link.Settings` (its field is the flag's destination); and
    --frames, the lesson's heatmaps per run (default: `frames`)."""
    d = playground_link.Settings()
    g = p.add_argument_group(
        _("the Playground's settings (default: the Playground's own; with --url, the link's)"))
    g.add_argument("--url", metavar="LINK",
                   help=_("a Playground link: its '#key=value&...' part sets the experiment"))
    g.add_argument("--problem", choices=playground_link.PROBLEMS,
                   help=_("(default: {default})").format(default=d.problem))
    g.add_argument("--dataset", choices=tuple(pg.DATASETS),
                   help=_("the classification data (default: {default})").format(
                       default=d.dataset))
    g.add_argument("--reg-dataset", choices=tuple(pg.REG_DATASETS),
                   help=_("the regression data (default: {default})").format(
                       default=d.reg_dataset))
    g.add_argument("--noise", type=_checked("noise", float), metavar="PERCENT",
                   help=_("0 to {most} (default: {default})").format(
                       most=playground_link.NOISE_MAX, default=format(d.noise, "g")))
    g.add_argument("--perc-train-data", type=_checked("percTrainData", float),
                   metavar="PERCENT", help=_("ratio of training to test data (default: "
                                             "{default})").format(
                                                 default=format(d.perc_train_data, "g")))
    g.add_argument("--features", type=_features, metavar="NAMES",
                   help=_("the input neurons, comma-separated: {names} (default: x1,x2)").format(
                       names=", ".join(f.name for f in pg.FEATURES)))
    g.add_argument("--network-shape", type=_checked("networkShape", _network_shape),
                   metavar="SIZES", help=_('neurons per hidden layer, e.g. 4,2; "" for no hidden '
                                           'layer; up to 6 layers of up to 8 (default: 4,2)'))
    g.add_argument("--activation", choices=playground_link.ACTIVATIONS,
                   help=_("of the hidden neurons (default: {default})").format(
                       default=d.activation))
    g.add_argument("--learning-rate", type=cli.positive_float, metavar="LR",
                   help=_("(default: {default})").format(default=format(d.learning_rate, "g")))
    g.add_argument("--batch-size", type=cli.positive_int, metavar="POINTS",
                   help=_("points per update of the weights (default: {default})").format(
                       default=d.batch_size))
    g.add_argument("--regularization", type=_regularization, metavar="none|L1|L2",
                   help=_("(default: {default})").format(default=d.regularization))
    g.add_argument("--regularization-rate", type=_checked("regularizationRate", float),
                   metavar="RATE", help=_("(default: {default})").format(
                       default=format(d.regularization_rate, "g")))
    g.add_argument("--init-zero", action=argparse.BooleanOptionalAction,
                   help=_("start every weight and bias at 0 (default: no)"))
    p.add_argument("--frames", type=cli.positive_int, default=frames, metavar="N",
                   help=_("heatmaps written per run, at epochs spread from 0 to the last, closer "
                          "together early, where training changes most (default: "
                          "%(default)s; TensorBoard shows 10 per tag unless started with "
                          "--samples_per_plugin images=N)"))
    return g


def record(args, settings):
    """What `Run` records of this run (its flags.json) and names its folder by: the parsed
    flags `args`, left as they are, with the experiment `settings` in place of the knobs
    they left to the link or the Playground; the seed the run used and the link's text it
    came from (`seed_text`); the run named after the dataset unless --run-name."""
    values = {**vars(args), **{name: getattr(settings, name) for name in playground_link.STATE_KEYS},
              "seed": settings.seed, "seed_text": settings.seed_text,
              "run_name": args.run_name or settings.data_name}
    return types.SimpleNamespace(**values)
