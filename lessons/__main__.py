"""Print the syllabus: every lesson in teaching order, with the command that runs it.

    python -m lessons                       # the syllabus
    python -m lessons mnist_dense --help    # the same as python -m lessons.mnist_dense --help

Deliberately imports nothing heavy (no TensorFlow, no numpy), so it answers at once.
"""

import importlib.util
import runpy
import sys

from lessons import SYLLABUS
from lessons.exercises import of_lesson


def print_syllabus():
    print('tfgraph — the lessons of the talk "Deep Learning e Tensorflow", in order:\n')
    for number, (module, part, slides, what) in enumerate(SYLLABUS, 1):
        print(f"{number}. python -m lessons.{module}")
        print(f"   {part} — slides {slides}: {what}")
        print(f"   exercise: {', '.join(of_lesson(module))}")
    print("\nEach lesson: --help lists its flags; it ends by printing the TensorBoard command."
          "\nOpen all runs at once: python -m tfgraph.board"
          "\nExercises, checked by the package: python -m lessons.exercises")


def _lesson_exists(name):
    if not name.isidentifier() or name.startswith("_"):
        return False
    try:
        return importlib.util.find_spec(f"lessons.{name}") is not None
    except (ImportError, ValueError):
        return False


def main(argv=None):
    """No argument: the syllabus. A lesson's name (and its flags): run that lesson."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        try:
            print_syllabus()
            if argv:
                print("\nRun a lesson: python -m lessons.<name> [flags], "
                      "or python -m lessons <name> [flags]")
            sys.stdout.flush()      # a reader gone away (`| head`) is met here, not at exit
        except BrokenPipeError:
            from tfgraph.support.cli import stop_quietly_on_closed_output   # (only now: numpy)
            stop_quietly_on_closed_output()
        return 0
    name, flags = argv[0], argv[1:]
    if not _lesson_exists(name):
        names = ", ".join(module for module, *_ in SYLLABUS)
        print(f"python -m lessons: error: no lesson named {name!r}; the lessons are: {names} "
              f"(run one with python -m lessons.<name>)", file=sys.stderr)
        return 2
    sys.argv = [f"lessons.{name}", *flags]
    runpy.run_module(f"lessons.{name}", run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
