"""Exercises: a learner writes a small piece of a lesson's graph, the package checks it.

    python -m lessons.exercises                       # every exercise, its lesson, your status
    python -m lessons.exercises start NAME [--dir D]  # writes D/NAME.py (default: ./exercises/)
    python -m lessons.exercises check NAME [--dir D]  # runs its checks on your file, with hints
    python -m lessons.exercises solution NAME         # prints the reference solution

Each exercise is a folder here: `__init__.py` says its lesson and task and holds its checks
(`check_*` functions, in order, each raising `Hint` in the learner's words), `stub.py` is what
`start` writes, `solution.py` the reference, and `mistake_*.py` are mistakes learners really
make (`MISTAKES` names the hint each must get): the test suite proves every check fails on the
stub and on each mistake, and passes on the solution.
"""

import importlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

# {exercise: its lesson}, in the syllabus' order: at least one exercise per lesson. Nothing
# here imports an exercise, so the syllabus can name them at once.
LESSON_OF = {
    "normal_equations": "ml101",
    "elu": "activations",
    "perceptron_rule": "perceptron_park",
    "layer_error": "backprop",
    "playground_features": "playground",
    "graph_growth": "tf_basics",
    "cross_entropy": "mnist_softmax",
    "two_hidden_layers": "mnist_dense",
    "vgg_block": "going_deep",
    "frozen_layers": "transfer_learning",
    "summaries_read_back": "tensorboard",
    "place_on_ps": "distributed",
}
NAMES = list(LESSON_OF)


def of_lesson(lesson):
    """The exercises of a lesson, in order."""
    return [name for name, of in LESSON_OF.items() if of == lesson]


class Hint(AssertionError):
    """A check failed: the message says what is wrong in the learner's terms (which tensor,
    its shape and the shape it needs, the value at which input...)."""


def exercise(name):
    """The exercise's module (its TASK, MISTAKES and checks; its lesson is LESSON_OF[name]). KeyError if unknown."""
    if name not in NAMES:
        raise KeyError(name)
    return importlib.import_module(f"lessons.exercises.{name}")


def checks(module):
    """[(name, function)]: the module's `check_*` functions in the order they are written."""
    found = [(n[len("check_"):], f) for n, f in vars(module).items()
             if n.startswith("check_") and callable(f)]
    return sorted(found, key=lambda item: item[1].__code__.co_firstlineno)


def source(name, kind):
    """The text of an exercise's file: kind is "stub", "solution" or a "mistake_..." name."""
    return (HERE / name / f"{kind}.py").read_text()
