"""The TensorFlow Playground's settings: what its link carries after the `#` (its `src/state.ts`).

    settings = settings_from("https://playground.tensorflow.org/#dataset=xor&networkShape=4",
                             flags={"activation": "relu"}, given={"activation"})
    settings.dataset, settings.network_shape, settings.activation   # 'xor', (4,), 'relu'
    settings.link()     # the same experiment as a Playground link, to open in the browser

One experiment is one immutable `Settings`: its fields are the lesson's flags (`dataset`,
`network_shape`, ...), `STATE_KEYS` names the link's key of each (`networkShape`, ...).
It is built once, from the flags written on the command line, else the link's values, else
the Playground's own defaults (`Settings()` is the Playground's default experiment).
A link is read strictly: the page keeps its default for a key or a value it does not know,
`parse_url` names it (`LinkError`, a one-line error).
Introduced in lesson `playground`.
"""

import difflib
import hashlib
import math
import urllib.parse
from dataclasses import dataclass, field
from typing import Optional

from tfgraph.data.playground import DATASETS, FEATURE_BY_NAME, FEATURES, REG_DATASETS, SAMPLES
from tfgraph.support.errors import UserError
from tfgraph.support.i18n import N_, _, number

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
REGULARIZATIONS = ("none", "L1", "L2")
PROBLEMS = ("classification", "regression")
# A problem, an output's activation and "none" as `describe` writes them (in prose, where the
# flag's value would read as English).
IN_WORDS = {"classification": N_("classification"), "regression": N_("regression"),
            "linear": N_("linear"), "none": N_("none")}
NOISE_MAX = 80          # the Playground's page accepts up to 80 from a link, 50 on its slider
MAX_NEURONS, MAX_LAYERS = 8, 6   # what the page's + and - buttons allow (and its picture holds)

# Keys that only change the page (what is drawn, which text or controls show): read (any
# value, as the page takes any text but "false" as true) and without effect on training.
DISPLAY_ONLY = ("showTestData", "discretize", "collectStats", "tutorial", "hideText")
KEYS = ("activation", "regularization", "batchSize", "dataset", "regDataset", "learningRate",
        "regularizationRate", "noise", "networkShape", "seed", "showTestData", "discretize",
        "percTrainData", "x", "y", "xTimesY", "xSquared", "ySquared", "cosX", "sinX", "cosY",
        "sinY", "collectStats", "tutorial", "problem", "initZero", "hideText")
HIDE_SUFFIX = "_hide"   # e.g. activation_hide=true hides that control in a classroom link

# Each setting: the lesson's flag (its destination) and the link's key (state.ts), in the
# order the run's Text tab lists them.
STATE_KEYS = {"dataset": "dataset", "reg_dataset": "regDataset", "problem": "problem",
              "noise": "noise", "perc_train_data": "percTrainData", "features": "features",
              "network_shape": "networkShape", "activation": "activation",
              "regularization": "regularization", "regularization_rate": "regularizationRate",
              "learning_rate": "learningRate", "batch_size": "batchSize", "init_zero": "initZero"}


@dataclass(frozen=True)
class Settings:
    """One Playground experiment; the defaults are the Playground's own (state.ts)."""
    dataset: str = "circle"             # the classification data, a key of DATASETS
    reg_dataset: str = "reg-plane"      # the regression data, a key of REG_DATASETS
    problem: str = "classification"     # or "regression"
    noise: float = 0.0                  # percent
    perc_train_data: float = 50.0       # percent of the points that train, the rest test
    features: tuple = ("x", "y")        # the input neurons' keys, in FEATURES' order
    network_shape: tuple = (4, 2)       # neurons per hidden layer; () for none
    activation: str = "tanh"            # of the hidden neurons, one of ACTIVATIONS
    regularization: str = "none"        # or "L1", "L2"
    regularization_rate: float = 0.0
    learning_rate: float = 0.03
    batch_size: int = 10                # points per update of the weights
    init_zero: bool = False             # every weight and bias starting at 0
    seed: int = 0                       # numpy's for the points, TensorFlow's for the weights
    seed_text: Optional[str] = None     # the link's seed, when `seed` was made from it
    # Where the settings came from (printed and recorded, not part of the experiment):
    url: Optional[str] = field(default=None, compare=False)     # the link read, if any
    from_link: tuple = field(default=(), compare=False)         # the link's keys it used
    ignored: tuple = field(default=(), compare=False)           # its keys for the page only

    def __post_init__(self):            # lists (from a flag, a link) become tuples: frozen
        object.__setattr__(self, "features", tuple(self.features))
        object.__setattr__(self, "network_shape", tuple(self.network_shape))

    @property
    def data_name(self):
        """The dataset the problem trains on: `dataset` or `reg_dataset`."""
        return self.dataset if self.problem == "classification" else self.reg_dataset

    def state(self):
        """{link key: value} as state.ts keeps it (lists for the features and the layers)."""
        return {key: list(getattr(self, name)) if isinstance(getattr(self, name), tuple)
                else getattr(self, name) for name, key in STATE_KEYS.items()}

    def link(self):
        """This experiment as a Playground link (its seed: the link's text, else the number)."""
        return to_url(self.state(), self.seed_text or str(self.seed))

    def describe(self, n_train, n_test):
        """The experiment in a few lines, the way the Playground's page lays it out, then
        what the link gave (with --url) and where the seed came from."""
        def words(value):
            return _(IN_WORDS[value]) if value in IN_WORDS else value

        hidden = ", ".join(map(str, self.network_shape)) or words("none")
        features = ", ".join(FEATURE_BY_NAME[k].name for k in self.features)
        output = "tanh" if self.problem == "classification" else words("linear")
        regularization = (words("none") if self.regularization == "none"
                          else _("{regularization} rate {rate}").format(
                              regularization=self.regularization,
                              rate=number(self.regularization_rate, "g")))
        lines = [_("Data: {data} ({problem}), noise {noise}%, {train} training and {test} "
                   "test points").format(data=self.data_name, problem=words(self.problem),
                                         noise=number(self.noise, "g"), train=n_train,
                                         test=n_test),
                 _("Network: features {features} -> hidden {hidden} ({activation}) -> output "
                   "({output}); learning rate {learning_rate}, batch {batch}, regularization "
                   "{regularization}").format(
                       features=features, hidden=hidden, activation=words(self.activation),
                       output=output, learning_rate=number(self.learning_rate, "g"),
                       batch=self.batch_size, regularization=regularization)
                 + (_(", every weight and bias starting at 0") if self.init_zero else "")]
        if self.url:
            lines.append(_("From the link: {keys}").format(
                keys=", ".join(self.from_link) or _("nothing")) + (
                _("; ignored (they change only the Playground's page): {keys}").format(
                    keys=", ".join(self.ignored)) if self.ignored else ""))
        if self.seed_text is not None:
            lines.append(_("Seed: the link's seed {text!r} -> --seed {seed} (SHA-256 of the "
                           "text; numpy draws the points, so they are not the very points the "
                           "Playground's page draws for it)").format(text=self.seed_text,
                                                                     seed=self.seed))
        return "\n".join(lines)

    def markdown(self, epochs):
        """The run's record for TensorBoard's Text tab: every setting, the seed, the epochs,
        and the link that opens the same experiment in the browser."""
        rows = [f"| `{key}` | `{value}` |" for key, value in self.state().items()]
        origin = (" " + _("(from the link's `{text}`)").format(text=self.seed_text)
                  if self.seed_text else "")
        rows += [f"| `seed` | `{self.seed}`{origin} |", f"| `epochs` | `{epochs}` |"]
        text = "\n".join([f"| {_('setting')} | {_('value')} |", "|---|---|", *rows, "",
                          f"Playground: {self.link()}"])
        if self.ignored:
            text += "\n\n" + _("Ignored (they change only the Playground's page): {keys}").format(
                keys=", ".join(self.ignored))
        return text


DEFAULTS = Settings().state()     # the Playground's own defaults, under its own names


def settings_from(url=None, flags=None, given=()):
    """The experiment: each setting from `flags` if written on the command line, else from
    the link `url` (any Playground link, or None), else the Playground's default.

    flags: {flag destination: value} (e.g. `vars(args)`, with `seed`); given: the
    destinations written on the command line (`cli.given`). The link's seed text becomes
    `seed` through `seed_from_text`, unless --seed was written. Raises UserError (one line)
    for a link or a combination the lesson cannot train: a flag's data for the other
    problem, no feature, a split that leaves no point to train or test, a batch larger than
    the training points.
    """
    flags, given = flags or {}, set(given)
    from_link, ignored, seed_text = parse_url(url) if url else ({}, [], None)
    chosen = {name: flags[name] if name in given else from_link.get(key, DEFAULTS[key])
              for name, key in STATE_KEYS.items()}
    problem = chosen["problem"]
    for flag, name, wants in (("--dataset", "dataset", "classification"),
                              ("--reg-dataset", "reg_dataset", "regression")):
        if name in given and problem != wants:     # (a link carries both)
            message = (_("{flag} {value} is classification data, but the problem is {problem}: "
                         "add --problem {wants}") if wants == "classification" else
                       _("{flag} {value} is regression data, but the problem is {problem}: "
                         "add --problem {wants}"))
            raise UserError(message.format(flag=flag, value=flags[name], problem=problem,
                                           wants=wants))
    if not chosen["features"]:
        raise UserError(_("no input feature is switched on: the network would see nothing "
                          "(switch one on, e.g. --features x1,x2 or x=true in the link)"))
    n = SAMPLES[problem]
    n_train = math.floor(n * chosen["perc_train_data"] / 100)
    if not 0 < n_train < n:
        raise UserError(_("percTrainData {percent}% of {n} points leaves {train} to train and "
                          "{test} to test: both need points").format(
                              percent=number(chosen["perc_train_data"], "g"), n=n,
                              train=n_train, test=n - n_train))
    if chosen["batch_size"] > n_train:
        raise UserError(_("batch size {batch} is more than the {n} training points: the "
                          "weights would never be updated").format(batch=chosen["batch_size"],
                                                                   n=n_train))
    seed = flags.get("seed", Settings.seed)
    if seed_text is not None and "seed" not in given:
        seed = seed_from_text(seed_text)
    else:
        seed_text = None                            # --seed wins over the link's
    return Settings(**chosen, seed=seed, seed_text=seed_text, url=url,
                    from_link=tuple(from_link), ignored=tuple(ignored))


# -- reading a link: state.ts's keys and values, strictly ---------------------------------

class LinkError(UserError):
    """A Playground link with a key or a value this lesson cannot use. whole: the message
    names the link itself (else `parse_url` says "in the link, ..." before it)."""

    def __init__(self, message, whole=False):
        super().__init__(message)
        self.whole = whole


def _number(key, text):
    try:
        value = float(text)
    except ValueError:
        raise LinkError(_("{key}={text}: expected a number").format(key=key, text=text)) from None
    if not math.isfinite(value):
        raise LinkError(_("{key}={text}: expected a finite number").format(key=key, text=text))
    return value


def _choice(key, text, choices):
    if text not in choices:
        raise LinkError(_("{key}={text}: the Playground knows {choices}").format(
            key=key, text=text, choices=", ".join(choices)))
    return text


def check_value(key, value):
    """A setting's value checked as this lesson needs it; raises LinkError (a UserError)."""
    # The value is written as a link carries it (code: 0.5, never 0,5).
    if key == "batchSize":
        if value != int(value) or value < 1:
            raise LinkError(_("batchSize={value}: expected a whole number of points >= 1").format(
                value=f"{value:g}"))
        return int(value)
    if key == "learningRate" and not value > 0:
        raise LinkError(_("learningRate={value}: must be greater than 0").format(value=f"{value:g}"))
    if key == "regularizationRate" and value < 0:
        raise LinkError(_("regularizationRate={value}: must be 0 or more").format(value=f"{value:g}"))
    if key == "noise" and not 0 <= value <= NOISE_MAX:
        raise LinkError(_("noise={value}: a percentage from 0 to {most}").format(
            value=f"{value:g}", most=NOISE_MAX))
    if key == "percTrainData" and not 0 < value < 100:
        raise LinkError(_("percTrainData={value}: a percentage between 0 and 100 (both the "
                          "training and the test points must exist)").format(value=f"{value:g}"))
    if key == "networkShape" and any(n != int(n) or n < 1 for n in value):
        raise LinkError(_("networkShape={value}: expected neurons per hidden layer, whole numbers "
                          ">= 1 (nothing = no hidden layer)").format(
                              value=",".join(f"{n:g}" for n in value)))
    if key == "networkShape" and (len(value) > MAX_LAYERS or max(value, default=0) > MAX_NEURONS):
        raise LinkError(_("networkShape={value}: at most {layers} hidden layers of at most "
                          "{neurons} neurons, as on the Playground's page").format(
                              value=",".join(f"{n:g}" for n in value), layers=MAX_LAYERS,
                              neurons=MAX_NEURONS))
    if key == "networkShape":
        return [int(n) for n in value]
    return value


def url_fragment(url):
    """The `key=value&...` part of a Playground link (after its `#`); a bare fragment too."""
    url = url.strip()
    if "#" in url:
        return url.split("#", 1)[1]
    if "=" in url and "://" not in url and "/" not in url.split("=", 1)[0]:
        return url
    raise LinkError(_("the link {url!r} has no '#...' part: copy the address from the "
                      "Playground's page after changing a setting (it writes them after '#')").format(
                          url=url), whole=True)


def parse_url(url):
    """See `_parse_url`; a problem is named as the link's: "in the link, noise=90: ..."."""
    try:
        return _parse_url(url)
    except LinkError as e:
        message = str(e)
        raise LinkError(message if getattr(e, "whole", False)
                        else _("in the link, {problem}").format(problem=message)) from None


def _parse_url(url):
    """Read a Playground link the way its page does (state.ts), strictly.

    Returns (settings, ignored, seed): settings {key: value} for the keys the link carries
    that change training (keys as in DEFAULTS; the features as "features": [keys]), ignored
    [the display-only and *_hide keys it carries], seed: its text or None.
    Like the page: an empty value is an absent key, a boolean is true unless it reads
    "false", the features switched on are those of the link, others keep their defaults.
    Unlike the page, which silently keeps its default, a key it does not know or a value it
    cannot use raises LinkError naming it.
    """
    pairs = {}
    for piece in url_fragment(url).split("&"):
        if not piece:
            continue
        key, _equals, value = piece.partition("=")
        key, value = urllib.parse.unquote(key), urllib.parse.unquote(value)
        if key not in KEYS and not (key.endswith(HIDE_SUFFIX) and len(key) > len(HIDE_SUFFIX)):
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = _("did you mean {key!r}? ").format(key=close[0]) if close else ""
            raise LinkError(_("the link's key {key!r} is not one of the Playground's settings "
                              "({hint}they are {keys}, and names ending in {suffix})").format(
                                  key=key, hint=hint, keys=", ".join(KEYS), suffix=HIDE_SUFFIX),
                            whole=True)
        pairs[key] = value                  # a repeated key: the last one counts, as there
    settings, ignored, seed = {}, [], None
    features = {f.key: f.key in DEFAULTS["features"] for f in FEATURES}
    for key, value in pairs.items():
        if key.endswith(HIDE_SUFFIX) or key in DISPLAY_ONLY:
            ignored.append(key)
            continue
        if key == "networkShape":           # present, even empty, means "these layers"
            text = value.strip()
            try:
                numbers = [] if text == "" else [float(t) for t in text.split(",")]
            except ValueError:
                raise LinkError(_("networkShape={value}: expected neurons per hidden layer, "
                                  "whole numbers >= 1 separated by commas").format(value=value)) from None
            settings[key] = check_value(key, numbers)
            continue
        if value.strip() == "":
            continue                        # an empty value: the key is absent
        if key in features:
            features[key] = value != "false"
        elif key == "seed":
            seed = value
        elif key == "activation":
            settings[key] = _choice(key, value, ACTIVATIONS)
        elif key == "regularization":
            settings[key] = _choice(key, value, REGULARIZATIONS)
        elif key == "dataset":
            settings[key] = _choice(key, value, tuple(DATASETS))
        elif key == "regDataset":
            settings[key] = _choice(key, value, tuple(REG_DATASETS))
        elif key == "problem":
            settings[key] = _choice(key, value, PROBLEMS)
        elif key == "initZero":
            settings[key] = value != "false"
        else:                               # the numbers
            settings[key] = check_value(key, _number(key, value))
    if any(f.key in pairs and pairs[f.key].strip() for f in FEATURES):
        settings["features"] = [f.key for f in FEATURES if features[f.key]]
    return settings, ignored, seed


def seed_from_text(text):
    """The Playground's seed is a text ("0.59624"): the same text always gives the same
    number, the first 31 bits of its SHA-256."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def to_url(settings, seed):
    """A Playground link for these settings (keys as in DEFAULTS), in the page's own order."""
    on = set(settings["features"])
    values = {**{k: settings[k] for k in DEFAULTS if k != "features"}, "seed": seed,
              **{f.key: f.key in on for f in FEATURES}}
    parts = []
    for key in KEYS:
        if key not in values:
            continue
        value = values[key]
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, list):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, float):
            value = f"{value:g}"
        parts.append(f"{key}={value}")
    return "https://playground.tensorflow.org/#" + "&".join(parts)
