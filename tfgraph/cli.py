"""The flags every lesson shares, checked before anything heavy starts.

Each lesson builds its parser with `parser(...)`, choosing its own defaults, and is started
with `run(main)`: a bad value is one clear line on stderr and exit code 2, never a traceback.
Nothing here imports TensorFlow, so `--help` answers at once.
"""

import argparse
import math
import os
import sys
from pathlib import Path

from tfgraph.errors import UserError

# The shared flags a lesson may take, with the value type and help text; the lesson gives the
# defaults. One vocabulary for all lessons, so `--learning-rate` means the same everywhere.
LOGDIR_ENV = "TFGRAPH_LOGDIR"


def default_logdir():
    """`logs/` of the project checkout when running from one, else `./logs`.

    TFGRAPH_LOGDIR overrides both. Absolute, so the printed `tensorboard --logdir` command
    works from any folder.
    """
    if os.environ.get(LOGDIR_ENV):
        return Path(os.environ[LOGDIR_ENV]).expanduser().resolve()
    project = Path(__file__).resolve().parent.parent
    if (project / "setup.cfg").is_file() and (project / "lessons").is_dir():
        return project / "logs"
    return Path.cwd() / "logs"


def _checked(convert, noun, ok, rule):
    """An argparse `type`: convert the text, then check the value, with a clear message."""
    def parse(text):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {noun}, got {text!r}") from None
        if not ok(value):
            raise argparse.ArgumentTypeError(f"{rule}, got {text}")
        return value
    return parse


positive_int = _checked(int, "a whole number", lambda v: v > 0, "must be greater than 0")
non_negative_int = _checked(int, "a whole number", lambda v: v >= 0, "must be 0 or more")
positive_float = _checked(float, "a number", lambda v: math.isfinite(v) and v > 0,
                          "must be a finite number greater than 0")
finite_float = _checked(float, "a number", math.isfinite, "must be a finite number")


def run_name(text):
    if not text or text in (".", "..") or "/" in text or os.sep in text:
        raise argparse.ArgumentTypeError(f"must be a plain folder name, got {text!r}")
    return text


class _OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad flag as one line (`lesson: error: ...`), exit code 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def parser(lesson, doc, *, epochs=None, batch_size=None, learning_rate=None, data_dir=False,
           summary_every=None, resume=False):
    """The argument parser of one lesson, with the shared flags it uses.

    A shared flag is offered when the lesson gives it a default (`None`/`False` leaves it
    out: the perceptron learns one row at a time, so it has no `--batch-size`). `--logdir`,
    `--run-name`, `--seed` and `--tensorboard` are always there.
    """
    summary, _, details = (doc or "").strip().partition("\n")
    p = _OneLineParser(
        prog=f"python -m lessons.{lesson}",
        description=summary,
        epilog=details.strip() or None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.set_defaults(lesson=lesson)
    g = p.add_argument_group("shared by every lesson")
    g.add_argument("--logdir", type=Path, default=None, metavar="DIR",
                   help=f"root of the TensorBoard runs (default: {default_logdir()}; "
                        f"or set {LOGDIR_ENV}); runs go to DIR/{lesson}/<run>/")
    g.add_argument("--run-name", type=run_name, default=None, metavar="NAME",
                   help="a word added to the run's folder name, to find it in TensorBoard")
    g.add_argument("--seed", type=non_negative_int, default=0,
                   help="seed of the graph and of the data order: same seed, same numbers "
                        "(default: %(default)s)")
    if epochs is not None:
        g.add_argument("--epochs", type=positive_int, default=epochs,
                       help="passes over the training data (default: %(default)s)")
    if batch_size is not None:
        g.add_argument("--batch-size", type=positive_int, default=batch_size,
                       help="examples per training step (default: %(default)s)")
    if learning_rate is not None:
        g.add_argument("--learning-rate", type=positive_float, default=learning_rate,
                       metavar="LR", help="step size of gradient descent (default: %(default)s)")
    if data_dir:
        g.add_argument("--data-dir", type=Path, default=None, metavar="DIR",
                       help="folder with the four MNIST IDX files (.gz or raw) or mnist.npz "
                            "(default: $TFGRAPH_DATA_DIR, then ~/.keras/datasets/mnist.npz, "
                            "then download)")
        g.add_argument("--train-size", type=positive_int, default=None, metavar="N",
                       help="train on the first N training examples only (quick runs)")
    if summary_every is not None:
        g.add_argument("--summary-every", type=positive_int, default=summary_every,
                       metavar="STEPS",
                       help="write training summaries every STEPS steps (default: %(default)s)")
    if resume:
        g.add_argument("--resume", nargs="?", const="latest", default=None, metavar="RUN",
                       help="continue RUN (a run folder name; default: the newest run of "
                            "this lesson) from its last checkpoint")
    g.add_argument("--tensorboard", action="store_true",
                   help="start TensorBoard on this lesson's runs when training ends")
    return p


def parse(p, argv=None):
    """Parse `argv` (default: the command line) and fill in the log root."""
    args = p.parse_args(argv)
    if args.logdir is None:
        args.logdir = default_logdir()
    args.logdir = Path(args.logdir).expanduser().resolve()
    if getattr(args, "data_dir", None):
        args.data_dir = args.data_dir.expanduser().resolve()
    _check_writable(args.logdir / args.lesson)  # fail now, not after minutes of training
    return args


def _check_writable(folder):
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-test-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as e:
        raise UserError(f"cannot write to the log folder {folder}: {e.strerror or e} "
                        f"(choose another with --logdir)") from None


def run(main, argv=None):
    """Run a lesson's `main` as a program: learner mistakes become one line and exit 2.

    Ctrl-C ends with exit code 130 after the lesson has saved its work (see `tfgraph.Run`).
    Anything else is a bug in the lesson and keeps its traceback.
    """
    module = sys.modules.get(main.__module__)
    spec = getattr(module, "__spec__", None)
    prog = f"python -m {spec.name if spec else main.__module__}"
    try:
        main(sys.argv[1:] if argv is None else argv)
    except UserError as e:
        message = " ".join(str(e).split())
        print(f"{prog}: error: {message}", file=sys.stderr)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        sys.exit(130)
