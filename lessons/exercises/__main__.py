"""`python -m lessons.exercises [list | start NAME | check NAME | solution NAME] [--dir DIR]`.

Exit codes: 0 every check passed (or the verb did its work), 1 a check failed, 2 bad input
(no such exercise, no file yet, a syntax error: one line naming it).
"""

import argparse
import sys
from pathlib import Path

from lessons import SYLLABUS
from lessons.exercises import LESSON_OF, NAMES, exercise, source

DEFAULT_DIR = Path("exercises")   # in the current folder; the project's .gitignore keeps it out


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def parser():
    p = _Parser(prog="python -m lessons.exercises", allow_abbrev=False,
                description="Exercises: write a piece of a lesson's graph, the package checks it.")
    p.add_argument("verb", nargs="?", default="list", choices=["list", "start", "check", "solution"],
                   help="list (default): every exercise and your status; start NAME: write "
                        "the stub DIR/NAME.py; check NAME: run its checks on your file; "
                        "solution NAME: print the reference solution")
    p.add_argument("name", nargs="?", help="the exercise (see the list)")
    p.add_argument("--dir", type=Path, default=DEFAULT_DIR,
                   help="the folder of your exercise files (default: ./exercises)")
    return p


def _fail(message):
    print(f"python -m lessons.exercises: error: {message}", file=sys.stderr)
    return 2


def list_exercises(folder):
    from lessons.exercises.checking import status
    order = {module: number for number, (module, *_) in enumerate(SYLLABUS, 1)}
    print(f"Exercises (your files in {folder}/):\n")
    for name in NAMES:
        lesson = LESSON_OF[name]
        print(f"  {name:<24} lesson {order[lesson]:>2} {lesson:<18} {status(name, folder)}")
        print(f"  {'':<24} {exercise(name).TASK}")
    print("\nStart one:  python -m lessons.exercises start NAME"
          "\nCheck it:   python -m lessons.exercises check NAME")
    return 0


def start(name, folder):
    path = folder / f"{name}.py"
    if path.exists():
        return _fail(f"{path} exists already: it is your work, it is never overwritten "
                     f"(check it with: python -m lessons.exercises check {name})")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(path, "x") as f:              # "x": never over a file made meanwhile
            f.write(source(name, "stub"))
    except OSError as e:
        return _fail(f"cannot write {path}: {e.strerror or e}")
    print(f"Wrote {path}: {exercise(name).TASK}.\nOpen it, write the code where it says "
          f"`raise NotImplementedError`, then: python -m lessons.exercises check {name}"
          + (f" --dir {folder}" if folder != DEFAULT_DIR else ""))
    return 0


def check(name, folder):
    from lessons.exercises.checking import BadFile, check_file, remember
    path = folder / f"{name}.py"
    try:
        results = check_file(name, path)
    except BadFile as e:
        return _fail(str(e))
    for r in results:
        print(f"  {'passed' if r.passed else 'FAILED'}  {r.check}" + ("" if r.passed else f": {r.hint}"))
    passed = sum(r.passed for r in results)
    remember(name, folder, results)
    print(f"\n{passed} of {len(results)} checks passed" +
          (": well done." if passed == len(results) else
           f". Stuck? python -m lessons.exercises solution {name}"))
    return 0 if results and passed == len(results) else 1


def main(argv=None):
    args = parser().parse_args(argv)
    if args.verb == "list":
        return list_exercises(args.dir)
    if args.name is None:
        return _fail(f"{args.verb} needs the exercise's name; the exercises are: {', '.join(NAMES)}")
    if args.name not in NAMES:
        return _fail(f"no exercise named {args.name!r}; the exercises are: {', '.join(NAMES)}")
    if args.verb == "start":
        return start(args.name, args.dir)
    if args.verb == "solution":
        print(source(args.name, "solution"), end="")
        return 0
    return check(args.name, args.dir)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        from tfgraph.support.cli import stop_quietly_on_closed_output
        stop_quietly_on_closed_output()
