"""`python -m lessons.exercises [list | start NAME | check NAME | solution NAME] [--dir DIR]
[--lang pt|en]`: in Portuguese with `--lang pt` (or $TFGRAPH_LANG, or the locale), the list,
the tasks, the checks' names and hints, and every error (tfgraph.support.i18n).

Exit codes: 0 every check passed (or the verb did its work), 1 a check failed, 2 bad input
(no such exercise, no file yet, a syntax error: one line naming it).
"""

import argparse
import sys
from pathlib import Path

from lessons import SYLLABUS
from lessons.exercises import LESSON_OF, NAMES, exercise, source
from tfgraph.support import i18n
from tfgraph.support.cli import HelpFormatter
from tfgraph.support.errors import UserError
from tfgraph.support.i18n import _

PROG = "python -m lessons.exercises"

DEFAULT_DIR = Path("exercises")   # in the current folder; the project's .gitignore keeps it out


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, _("{prog}: error: {message}").format(prog=self.prog, message=message)
                  + "\n")


def parser():
    """The command's parser, its words in the language chosen (`i18n.setup` ran before)."""
    p = _Parser(prog=PROG, allow_abbrev=False, formatter_class=HelpFormatter,
                description=_("Exercises: write a piece of a lesson's graph, the package "
                              "checks it."))
    p.add_argument("verb", nargs="?", default="list", choices=["list", "start", "check", "solution"],
                   help=_("list (default): every exercise and your status; start NAME: write "
                          "the stub DIR/NAME.py; check NAME: run its checks on your file; "
                          "solution NAME: print the reference solution"))
    p.add_argument("name", nargs="?", help=_("the exercise (see the list)"))
    p.add_argument("--dir", type=Path, default=DEFAULT_DIR,
                   help=_("the folder of your exercise files (default: ./exercises)"))
    i18n.add_flag(p)
    return p


def _fail(message):
    print(_("{prog}: error: {message}").format(prog=PROG, message=message), file=sys.stderr)
    return 2


def list_exercises(folder):
    from lessons.exercises.checking import status
    order = {module: number for number, (module, *_rest) in enumerate(SYLLABUS, 1)}
    print(_("Exercises (your files in {folder}/):").format(folder=folder) + "\n")
    for name in NAMES:
        lesson = LESSON_OF[name]
        print(f"  {name:<24} " + _("lesson {number:>2}").format(number=order[lesson])
              + f" {lesson:<18} {_(status(name, folder))}")
        print(f"  {'':<24} {i18n.text(exercise(name).TASK)}")
    print("\n" + _("Start one:  python -m lessons.exercises start NAME\n"
                   "Check it:   python -m lessons.exercises check NAME"))
    return 0


def start(name, folder):
    path = folder / f"{name}.py"
    if path.exists():
        return _fail(_("{path} exists already: it is your work, it is never overwritten "
                       "(check it with: {command})").format(
            path=path, command=f"{PROG} check {name}"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(path, "x") as f:              # "x": never over a file made meanwhile
            f.write(source(name, "stub"))
    except OSError as e:
        return _fail(_("cannot write {path}: {reason}").format(path=path, reason=e.strerror or e))
    command = f"{PROG} check {name}" + (f" --dir {folder}" if folder != DEFAULT_DIR else "")
    print(_("Wrote {path}: {task}.\nOpen it, write the code where it says "
            "`raise NotImplementedError`, then: {command}").format(
        path=path, task=i18n.text(exercise(name).TASK), command=command))
    return 0


def check(name, folder):
    from lessons.exercises.checking import BadFile, check_file, remember
    path = folder / f"{name}.py"
    try:
        results = check_file(name, path)
    except BadFile as e:
        return _fail(str(e))
    for r in results:
        print(f"  {_('passed') if r.passed else _('FAILED')}  {_(r.check)}"
              + ("" if r.passed else f": {r.hint}"))
    passed = sum(r.passed for r in results)
    remember(name, folder, results)
    if passed == len(results):
        said = _("{passed} of {total} checks passed: well done.")
    else:
        said = _("{passed} of {total} checks passed. Stuck? {command}")
    print("\n" + said.format(passed=passed, total=len(results),
                             command=f"{PROG} solution {name}"))
    return 0 if results and passed == len(results) else 1


def main(argv=None):
    """The command: its language first (--lang, $TFGRAPH_LANG, the locale), so that --help,
    the list, the hints of a check (run in this process) and every error speak it."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        i18n.setup(argv)
    except UserError as e:
        return _fail(str(e))
    args = parser().parse_args(argv)
    if args.verb == "list":
        return list_exercises(args.dir)
    names = ", ".join(NAMES)
    if args.name is None:
        return _fail(_("{verb} needs the exercise's name; the exercises are: {names}").format(
            verb=args.verb, names=names))
    if args.name not in NAMES:
        return _fail(_("no exercise named {name!r}; the exercises are: {names}").format(
            name=args.name, names=names))
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
