"""The package's layout: what a learner reads apart from what keeps the runs safe.

`tfgraph/` holds what the lessons teach (layers, activations, losses, optimizers, summaries,
figures, data); `tfgraph/support/` holds processes, signals, threads and flags. A learner
who opens a file at tfgraph's top meets TensorFlow, not the safety machinery.
"""

import ast
from pathlib import Path

import lessons

ROOT = Path(__file__).resolve().parent.parent
SUPPORT_ONLY = {"subprocess", "signal", "threading", "argparse"}
MAX_LESSON_LINES = 300


def _imported_modules(path):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_no_module_at_tfgraphs_top_handles_processes_signals_threads_or_flags():
    top = [*ROOT.glob("tfgraph/*.py"), *ROOT.glob("tfgraph/data/*.py")]
    assert len(top) > 10
    found = {f"{p.relative_to(ROOT)} imports {m}" for p in top for m in _imported_modules(p)
             if m.split(".")[0] in SUPPORT_ONLY}
    assert not found, sorted(found)


def test_the_support_layer_never_imports_a_lesson():
    found = {f"{p.relative_to(ROOT)} imports {m}" for p in ROOT.glob("tfgraph/**/*.py")
             for m in _imported_modules(p) if m.split(".")[0] == "lessons"}
    assert not found, sorted(found)


def test_every_lesson_reads_in_one_sitting():
    long = {name: n for name, *_ in lessons.SYLLABUS
            if (n := len((ROOT / "lessons" / f"{name}.py").read_text().splitlines()))
            > MAX_LESSON_LINES}
    assert not long, f"lessons over {MAX_LESSON_LINES} lines: {long}"


def test_every_module_is_named_in_its_packages_docstring():
    # A learner who opens tfgraph/__init__.py finds every file of the library listed there.
    import importlib
    missing = []
    for package, folder in (("tfgraph", "tfgraph"), ("tfgraph.data", "tfgraph/data"),
                            ("tfgraph.support", "tfgraph/support")):
        doc = importlib.import_module(package).__doc__
        missing += [f"{package}.{p.stem}" for p in (ROOT / folder).glob("*.py")
                    if p.stem != "__init__" and f"    {p.stem} " not in doc]
    assert not missing, missing


def test_a_lesson_takes_from_another_only_its_network():
    # "the network of lesson 8": build functions, the graph's NamedTuple, its constants; never
    # another lesson's main, parser, flags or private helpers.
    names = {name for name, *_ in lessons.SYLLABUS}
    found = []
    for path in ROOT.glob("lessons/*.py"):
        tree = ast.parse(path.read_text(), str(path))
        imported = {alias.asname or alias.name for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module == "lessons"
                    for alias in node.names if alias.name in names}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id in imported:
                if node.attr.startswith("_") or "main" in node.attr or "pars" in node.attr \
                        or "flag" in node.attr.lower():
                    found.append(f"{path.name}: {node.value.id}.{node.attr}")
    assert not found, found
