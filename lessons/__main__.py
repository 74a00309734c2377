"""Print the syllabus: every lesson in teaching order, with the command that runs it.

    python -m lessons                       # the syllabus
    python -m lessons --lang pt             # the syllabus in Portuguese
    python -m lessons mnist_dense --help    # the same as python -m lessons.mnist_dense --help

Deliberately imports nothing heavy (no TensorFlow, no numpy), so it answers at once.
"""

import importlib.util
import runpy
import sys

from lessons import SYLLABUS
from lessons.exercises import of_lesson
from tfgraph.support import i18n     # light: importing tfgraph's packages loads no module

PROG = "python -m lessons"


def print_syllabus(i18n):
    _ = i18n._
    print(_('tfgraph — the lessons of the talk "Deep Learning e Tensorflow", in order:') + "\n")
    for number, (module, part, slides, what) in enumerate(SYLLABUS, 1):
        print(f"{number}. python -m lessons.{module}")
        print("   " + _("{part} — slides {slides}: {what}").format(
            part=part, slides=slides, what=_(what)))
        print("   " + _("exercise: {names}").format(names=", ".join(of_lesson(module))))
    print("\n" + _("Each lesson: --help lists its flags; it ends by printing the TensorBoard "
                   "command.")
          + "\n" + _("Open all runs at once: {command}").format(command="python -m tfgraph.board")
          + "\n" + _("Exercises, checked by the package: {command}").format(
              command="python -m lessons.exercises"))


def _lesson_exists(name):
    if not name.isidentifier() or name.startswith("_"):
        return False
    try:
        return importlib.util.find_spec(f"lessons.{name}") is not None
    except (ImportError, ValueError):
        return False


def _split_lang(argv):
    """(the `--lang X` / `--lang=X` words before the lesson's name, the other words)."""
    lang, rest = [], list(argv)
    while rest and (rest[0] == "--lang" or rest[0].startswith("--lang=")):
        taken = 2 if rest[0] == "--lang" else 1
        lang, rest = lang + rest[:taken], rest[taken:]
    return lang, rest


def main(argv=None):
    """No argument: the syllabus. A lesson's name (and its flags): run that lesson. `--lang`
    anywhere chooses the language: the syllabus's, and the lesson's (it is handed on)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    _ = i18n._
    try:
        i18n.setup(argv)
    except i18n.UserError as e:             # an unknown language
        print(_("{prog}: error: {message}").format(prog=PROG, message=e), file=sys.stderr)
        return 2
    lang, rest = _split_lang(argv)
    if not rest or rest[0] in ("-h", "--help"):
        try:
            print_syllabus(i18n)
            if rest:
                print("\n" + _("Run a lesson: python -m lessons.<name> [flags], or python -m "
                               "lessons <name> [flags]"))
            sys.stdout.flush()      # a reader gone away (`| head`) is met here, not at exit
        except BrokenPipeError:
            from tfgraph.support.cli import stop_quietly_on_closed_output   # (only now: numpy)
            stop_quietly_on_closed_output()
        return 0
    name, flags = rest[0], lang + rest[1:]
    if not _lesson_exists(name):
        names = ", ".join(module for module, *_rest in SYLLABUS)
        print(_("{prog}: error: {message}").format(prog=PROG, message=_(
            "no lesson named {name!r}; the lessons are: {names} (run one with python -m "
            "lessons.<name>)").format(name=name, names=names)), file=sys.stderr)
        return 2
    sys.argv = [f"lessons.{name}", *flags]
    runpy.run_module(f"lessons.{name}", run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
