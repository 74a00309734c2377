"""What keeps the lessons' runs safe and convenient; not what a lesson teaches.

    cli         the lessons' shared flags, checked before anything heavy; one-line errors
    errors      `UserError`: a learner's mistake, shown as one line with exit code 2
    i18n        the language (--lang, $TFGRAPH_LANG, the locale): `_()`, numbers, catalogs
    lazy        `tf`, imported on first use, without TensorFlow's start-up noise
    runs        run folders `logs/<lesson>/<run>/` and their `flags.json`
    run         `Run`: folder, writers, session, checkpoints, Ctrl-C and `--resume`
    interrupt   Ctrl-C held between an epoch's last step and its scores (owns SIGINT)
    watch       progress lines and the divergence watch (NaN, a wrecked run)
    board       start TensorBoard on the lessons' logs (`python -m tfgraph.board`)
    cluster     a TensorFlow cluster's tasks as processes: launcher, cleanup
    replicas    inside one task of a cluster: server, done-queue, counters, reports
    report      tables whose columns fit any value; the "Test accuracy ..." line
    checkpoints another run's checkpoint, checked before a lesson restores from it
    flag_types  argparse types made from plain checks (a lesson's own flags fail alike)
    model_flags         lesson ml101's flags
    neuron_flags        lesson activations' --weights, --bias, --inputs
    playground_flags    the Playground's knobs as flags

Each piece of state has one owner here: SIGINT is held only by `interrupt`, a resumed run's
flags are checked only by `cli.parse`, a run folder is made only by `runs`, the language is
set only by `i18n`.
"""

import importlib

__all__ = ["Run", "UserError", "board", "cli", "cluster", "report"]


def on_first_use(package, names, where):
    """A package's `__getattr__` (PEP 562) that imports on first use: `where[name]`, a module,
    holds that name; any other of `names` is the package's own module. Used here and by
    `tfgraph`, so importing either package loads none of its modules (`i18n` stays light)."""
    def __getattr__(name):
        if name in where:
            return getattr(importlib.import_module(where[name]), name)
        if name in names:
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    return __getattr__


__getattr__ = on_first_use(__name__, __all__, {"Run": "tfgraph.support.run",
                                               "UserError": "tfgraph.support.errors"})
