"""Another run's checkpoint, checked before a lesson restores from it: one line per way it fails.

    saved_in(run, where)                       # before anything heavy: no TensorFlow needed
    checkpoint = latest(run, where)            # the path prefix of its newest checkpoint
    check_fits(checkpoint, {"conv1_1/weights": variable, ...}, where)

A lesson that builds on a network trained in another run (lesson transfer_learning's
`--from RUN`) must refuse a run stopped before its first save, a checkpoint list naming
files that are gone, and a checkpoint of another network or of other sizes: each as one
sentence (`UserError`), before any folder is made, instead of a TensorFlow traceback from
the middle of the run. (A run's own checkpoints, for `--resume`, are `Run`'s.)
"""

from pathlib import Path

from tfgraph.support.errors import UserError
from tfgraph.support.i18n import _
from tfgraph.support.lazy import tf

FOLDER = "checkpoints"      # where `Run` saves them, inside the run folder


def saved_in(run_dir, where):
    """Refuse a run folder without a checkpoint list; `where` names the run in the message."""
    folder = Path(run_dir) / FOLDER
    if not (folder / "checkpoint").is_file():
        raise UserError(_("{where} has no checkpoint in {folder} (was it stopped before its "
                          "first save?)").format(where=where, folder=folder))


def latest(run_dir, where):
    """The path prefix of the run's newest checkpoint (`.../model.ckpt-<step>`)."""
    saved_in(run_dir, where)
    folder = Path(run_dir) / FOLDER
    checkpoint = tf.compat.v1.train.latest_checkpoint(str(folder))
    if checkpoint is None:
        raise UserError(_("{where}: its checkpoint list in {folder} names no checkpoint that "
                          "exists").format(where=where, folder=folder))
    return checkpoint


def check_fits(checkpoint, variables, where):
    """Refuse a checkpoint that lacks one of `variables` ({name in the checkpoint: variable
    of this graph}) or holds it in another shape."""
    try:
        saved = dict(tf.train.list_variables(checkpoint))
    except (tf.errors.OpError, ValueError) as e:
        raise UserError(_("cannot read the checkpoint {checkpoint} of {where}: {error}").format(
            checkpoint=checkpoint, where=where, error=" ".join(str(e).split())[:200])) from None
    for name, variable in variables.items():
        want = variable.shape.as_list()
        if name not in saved:
            raise UserError(_("the checkpoint of {where} has no variable {name}: it holds "
                              "another network, whose layers do not fit this graph").format(
                                  where=where, name=name))
        if list(saved[name]) != want:
            raise UserError(_("the checkpoint of {where} holds {name} of shape {shape}, this "
                              "graph needs {want}: its layers do not fit").format(
                                  where=where, name=name, shape=list(saved[name]), want=want))
