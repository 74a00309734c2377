"""The flags every lesson shares, checked before anything heavy starts.

Each lesson builds its parser with `parser(...)`, choosing its own defaults, and is started
with `run(main)`: a bad value is one clear line on stderr and exit code 2, never a traceback.
Nothing here imports TensorFlow, so `--help` answers at once.
"""

import argparse
import difflib
import errno
import json
import math
import os
import sys
from pathlib import Path

from tfgraph.support import i18n
from tfgraph.support.errors import UserError
from tfgraph.support.i18n import N_, _
from tfgraph.support.runs import (NOT_TAKEN_ON_RESUME, find_run, flag_values, read_flags,
                                  refuse_other_flags)

LOGDIR_ENV = "TFGRAPH_LOGDIR"


def default_logdir():
    """`logs/` of the project checkout when running from one, else `./logs`.

    TFGRAPH_LOGDIR overrides both. Absolute, so the printed `tensorboard --logdir` command
    works from any folder.
    """
    if os.environ.get(LOGDIR_ENV):
        return Path(os.environ[LOGDIR_ENV]).expanduser().resolve()
    project = Path(__file__).resolve().parents[2]          # tfgraph/support/cli.py
    if (project / "setup.cfg").is_file() and (project / "lessons").is_dir():
        return project / "logs"
    return Path.cwd() / "logs"


def _checked(convert, noun, ok, rule):
    """An argparse `type`: convert the text, then check the value, with a clear message."""
    def parse(text):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(_("expected {noun}, got {text!r}").format(
                noun=_(noun), text=text)) from None
        if not ok(value):
            raise argparse.ArgumentTypeError(
                _("{rule}, got {text}").format(rule=_(rule), text=text))
        return value
    return parse


positive_int = _checked(int, N_("a whole number"), lambda v: v > 0, N_("must be greater than 0"))
non_negative_int = _checked(int, N_("a whole number"), lambda v: v >= 0, N_("must be 0 or more"))
positive_float = _checked(float, N_("a number"), lambda v: math.isfinite(v) and v > 0,
                          N_("must be a finite number greater than 0"))
finite_float = _checked(float, N_("a number"), math.isfinite, N_("must be a finite number"))


def run_name(text):
    if not text or text in (".", "..") or "/" in text or os.sep in text:
        raise argparse.ArgumentTypeError(_("must be a plain folder name, got {text!r}").format(
            text=text))
    return text


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """--help in the learner's language, also for words fixed when the parser was built
    (argparse's own "show this help message and exit" and "options", a help marked `N_()`)."""

    def _get_help_string(self, action):
        return _(action.help)

    def start_section(self, heading):
        super().start_section(_(heading) if heading else heading)

    def _split_lines(self, text, width):
        # A flag is never cut at its hyphens (`--summary-` / `every`), in any language.
        import textwrap
        return textwrap.wrap(self._whitespace_matcher.sub(" ", text).strip(), width,
                             break_on_hyphens=False)


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad flag as one line (`lesson: error: ...`), exit code 2.

    A flag must be spelled out: argparse would take `--epoch` or `--learning-rat` for the
    flag they begin, so a typo would run silently as if spelled right (allow_abbrev=False).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message):
        self.exit(2, _("{prog}: error: {message}{did_you_mean} (see --help)").format(
            prog=self.prog, message=message, did_you_mean=self._did_you_mean(message)) + "\n")

    def _did_you_mean(self, message):
        unrecognized = _("unrecognized arguments: %s").split("%s")[0]
        if not message.startswith(unrecognized):
            return ""
        known = [o for a in self._actions for o in a.option_strings if o.startswith("--")]
        for word in message[len(unrecognized):].split():
            close = difflib.get_close_matches(word.split("=")[0], known, n=1)
            if word.startswith("--") and close:
                return _("; did you mean {flag}?").format(flag=close[0])
        return ""


SEED_HELP = N_(
    "seed of the lesson's random numbers (initial weights, order of the training examples): "
    "same seed, same numbers")
LEARNING_RATE_HELP = N_("step size of gradient descent")
EPOCHS_HELP = N_("passes over the training data")
WITH_DEFAULT = N_("{help} (default: %(default)s)")


def parser(lesson, doc, *, epochs=None, batch_size=None, learning_rate=None, data_dir=False,
           summary_every=None, resume=False, learning_rate_help=LEARNING_RATE_HELP,
           seed_help=SEED_HELP, epochs_help=EPOCHS_HELP):
    """The argument parser of one lesson, with the shared flags it uses.

    A shared flag is offered when the lesson gives it a default (`None`/`False` leaves it
    out: the perceptron learns one row at a time, so it has no `--batch-size`). `--logdir`,
    `--run-name`, `--seed` and `--tensorboard` are always there. `learning_rate_help`,
    `seed_help` and `epochs_help` say what those flags do in a lesson where the shared words
    would not be true (the perceptron rule is not gradient descent; a lesson may have
    nothing random; transfer_learning's epochs train its base): give them marked `N_()`.

    The words are in the language chosen (`tfgraph.support.i18n`): `run` chooses it from the
    command line before `main` builds its parser, the description paragraph by paragraph.
    """
    summary, _sep, details = (doc or "").strip().partition("\n")
    p = OneLineParser(
        prog=f"python -m lessons.{lesson}",
        description=_(summary),
        epilog=i18n.text(details.strip()) or None,
    )
    p.set_defaults(lesson=lesson)
    g = p.add_argument_group(_("shared by every lesson"))
    g.add_argument("--logdir", type=Path, default=None, metavar="DIR",
                   help=_("root of the TensorBoard runs (default: {default}; or set {env}); "
                          "runs go to DIR/{lesson}/<run>/").format(
                       default=default_logdir(), env=LOGDIR_ENV, lesson=lesson))
    g.add_argument("--run-name", type=run_name, default=None, metavar="NAME",
                   help=_("a word added to the run's folder name, to find it in TensorBoard"))
    g.add_argument("--seed", type=non_negative_int, default=0, help=with_default(seed_help))
    if epochs is not None:
        g.add_argument("--epochs", type=positive_int, default=epochs,
                       help=with_default(epochs_help))
    if batch_size is not None:
        g.add_argument("--batch-size", type=positive_int, default=batch_size,
                       help=with_default(N_("examples per training step")))
    if learning_rate is not None:
        g.add_argument("--learning-rate", type=positive_float, default=learning_rate,
                       metavar="LR", help=with_default(learning_rate_help))
    if data_dir:
        g.add_argument("--data-dir", type=Path, default=None, metavar="DIR",
                       help=_("folder with the four MNIST IDX files (.gz or raw) or mnist.npz "
                              "(default: $TFGRAPH_DATA_DIR, then ~/.keras/datasets/mnist.npz, "
                              "then download)"))
        g.add_argument("--train-size", type=positive_int, default=None, metavar="N",
                       help=_("train on the first N training examples only (quick runs)"))
    if summary_every is not None:
        g.add_argument("--summary-every", type=positive_int, default=summary_every,
                       metavar="STEPS",
                       help=with_default(N_("write training summaries every STEPS steps")))
    if resume:
        g.add_argument("--resume", nargs="?", const="latest", default=None, metavar="RUN",
                       help=_("continue RUN (a run folder name; default: the newest run of "
                              "this lesson) from its last checkpoint; flags not given are the "
                              "run's own (its flags.json), only a larger --epochs, "
                              "--summary-every and --tensorboard may differ"))
    g.add_argument("--tensorboard", action="store_true",
                   help=_("start TensorBoard on this lesson's runs when training ends"))
    i18n.add_flag(g)
    return p


def with_default(help_text):
    """A flag's help (marked `N_()`) in the learner's language, with argparse's
    "(default: %(default)s)" after it."""
    return _(WITH_DEFAULT).format(help=_(help_text))


def add_hidden(p, default, what=N_("neurons in the hidden layer")):
    """`--hidden UNITS`: the width of mnist_dense's hidden layer, in the lessons that build
    that network (mnist_dense, activations, tensorboard, distributed). `p`: a parser or one
    of its argument groups; `what` marked `N_()`."""
    p.add_argument("--hidden", type=positive_int, default=default, metavar="UNITS",
                   help=with_default(what))


def parse(p, argv=None):
    """Parse `argv` (default: the command line) and fill in the log root.

    With `--resume RUN`, every flag not given on the command line takes the value the run
    was started with (its `flags.json`): `--resume RUN` alone continues the same experiment,
    with the same data, offline or not. A flag given that differs from the run's is refused
    here, before any data is loaded (the only check: `Run` trusts it): only a few may change,
    e.g. a larger `--epochs`.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    i18n.setup(argv)
    args = p.parse_args(argv)
    if args.logdir is None:
        args.logdir = default_logdir()
    args.logdir = Path(args.logdir).expanduser().resolve()
    if getattr(args, "data_dir", None):
        # Absolute, but as typed: a symbolic link is kept, not resolved, so flags.json and
        # "Resuming ... with its own flags" show the path the learner recognises.
        args.data_dir = Path(os.path.abspath(Path(args.data_dir).expanduser()))
    if getattr(args, "resume", None):
        _take_the_runs_flags(p, argv, args)
    _check_writable(args.logdir / args.lesson)  # fail now, not after minutes of training
    return args


def given(p, argv):
    """The destinations of the flags written on the command line (not left at a default)."""
    actions = [a for a in p._actions if a.option_strings]
    saved = [(a, a.default) for a in actions]
    try:
        for a in actions:
            a.default = argparse.SUPPRESS
        values = vars(p.parse_args(argv))
    finally:
        for a, default in saved:
            a.default = default
    return {a.dest for a in actions} & set(values)


def _take_the_runs_flags(p, argv, args):
    run = find_run(args.logdir, args.lesson, args.resume)
    args.resume = run.name                  # "latest" becomes the run it found, once
    before = read_flags(run)
    typed = given(p, argv)
    actions = {a.dest: a for a in p._actions if a.option_strings}
    taken = []
    for dest, value in before.items():
        action = actions.get(dest)
        if action is None or dest in typed or dest in NOT_TAKEN_ON_RESUME:
            continue
        if value is not None and action.type is Path:
            value = Path(value)
        setattr(args, dest, value)
        if value is not None and json.dumps(value, default=str) != json.dumps(
                action.default, default=str):
            shown = " ".join(map(str, value)) if isinstance(value, list) else value
            taken.append(f"{action.option_strings[0]} {shown}")
    # Refused now, before minutes of loading data: the one place a resumed run's flags are
    # checked (tfgraph.support.Run trusts them).
    refuse_other_flags(run, before, flag_values(args))
    if taken:
        print(_("Resuming {run} with its own flags: {flags}").format(run=run.name,
                                                                     flags=" ".join(taken)))


def _check_writable(folder):
    """Fail now if runs cannot be written under `folder`, creating nothing: a start that
    fails later (no data, say) must not leave empty folders behind. The folder itself is
    made by the run that needs it (`tfgraph.support.runs.new_run_dir`)."""
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent             # the deepest part of the path there already
    try:
        if not existing.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, _("{path} is a file, not a folder").format(
                path=existing))
        probe = existing / f".write-test-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as e:
        raise UserError(_("cannot write to the log folder {folder}: {reason} (choose another "
                          "with --logdir)").format(folder=folder, reason=e.strerror or e)) from None


def run(main, argv=None):
    """Run a lesson's `main` as a program: learner mistakes become one line and exit 2.

    Ctrl-C ends with exit code 130 after the lesson has saved its work (see `tfgraph.support.Run`).
    Output piped into a program that stops reading (`| head`) ends quietly with exit code 141,
    as any Unix tool does. Anything else is a bug in the lesson and keeps its traceback.
    """
    module = sys.modules.get(main.__module__)
    spec = getattr(module, "__spec__", None)
    prog = f"python -m {spec.name if spec else main.__module__}"
    argv = sys.argv[1:] if argv is None else argv
    try:
        i18n.setup(argv)        # before main builds its parser: --help speaks it too
        main(argv)
    except BrokenPipeError:
        stop_quietly_on_closed_output()
    except UserError as e:
        message = " ".join(str(e).split())
        print(_("{prog}: error: {message}").format(prog=prog, message=message), file=sys.stderr)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        print(_("{prog}: interrupted").format(prog=prog), file=sys.stderr)
        sys.exit(130)
    finally:
        # Output still buffered (stdout into a pipe) goes now, however main ended (--help
        # ends in SystemExit), so a reader gone away is met here and not in Python's own
        # flush at exit, which would print "Exception ignored ... BrokenPipeError".
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            stop_quietly_on_closed_output()


def stop_quietly_on_closed_output():
    """The reader of our output has gone (`... | head -3`): nothing more can be shown and
    nothing is wrong. Ends the program with SIGPIPE's exit code (128 + 13), like `yes | head`."""
    # stdout goes to /dev/null so that Python's own flush at exit does not fail again.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(141)
