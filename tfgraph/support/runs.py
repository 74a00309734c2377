"""Run folders: `logs/<lesson>/<run>/`, one per run, never overwritten, never deleted.

TensorBoard shows every folder under `--logdir` that holds event files as a run, so a new
folder per run is what lets a learner compare today's run with yesterday's.
"""

import errno
import json
import os
import time
from pathlib import Path

from tfgraph.support.errors import UserError
from tfgraph.support.i18n import _

FLAGS_FILE = "flags.json"   # the flags a run was started with: --resume reads them back
# Flags that say where and how to run, not what the experiment is: never taken from the run.
NOT_TAKEN_ON_RESUME = {"logdir", "resume", "run_name", "tensorboard", "lang"}
# What a resumed run may do differently: those, and train further or summarise at another
# pace. Everything else is the experiment itself.
MAY_CHANGE_ON_RESUME = NOT_TAKEN_ON_RESUME | {"epochs", "summary_every"}


def new_run_dir(logdir, lesson, name=None):
    """Create and return a fresh folder `logdir/lesson/<YYYYmmdd-HHMMSS>[-name]`.

    Two runs started in the same second get `...-2`, `...-3`: `mkdir` either creates the folder
    or fails because another process just did, so two lessons never share a folder.
    """
    parent = Path(logdir) / lesson
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(_("cannot create the log folder {folder}: {reason} (choose another "
                          "with --logdir)").format(folder=parent, reason=e.strerror or e)) from None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = f"{stamp}-{name}" if name else stamp
    for attempt in range(1, 1000):
        path = parent / (base if attempt == 1 else f"{base}-{attempt}")
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
        except OSError as e:
            raise UserError(_("cannot write to the log folder {folder}: {reason} (choose "
                              "another with --logdir)").format(
                folder=parent, reason=e.strerror or errno.errorcode.get(e.errno, e))) from None
    raise UserError(_("too many runs named {name} in {folder}").format(name=base, folder=parent))


def find_run(logdir, lesson, name="latest"):
    """The folder of an earlier run: by folder name, or the newest one for `latest`."""
    parent = Path(logdir) / lesson
    runs = sorted((p for p in parent.glob("*") if p.is_dir()), key=lambda p: p.stat().st_mtime) \
        if parent.is_dir() else []
    if name == "latest":
        runs = [p for p in runs if (p / "checkpoints").is_dir()]
        if not runs:
            raise UserError(_("no run of {lesson} with a checkpoint in {folder} to resume").format(
                lesson=lesson, folder=parent))
        return runs[-1]
    path = parent / name
    if not path.is_dir():
        known = ", ".join(p.name for p in runs[-5:]) or _("none")
        raise UserError(_("no run named {name!r} in {folder} (latest runs: {known})").format(
            name=name, folder=parent, known=known))
    return path


def flag_values(args):
    """The flags of parsed `args` as JSON would give them back (Paths as text, tuples as
    lists), so the values read from a run's flags.json compare equal to the same flags
    given again. `--resume` itself is left out."""
    values = {k: v for k, v in vars(args).items() if k != "resume"}
    return json.loads(json.dumps(values, default=str))


def read_flags(run_dir):
    """The flags a run was started with ({flag destination: value}, from its flags.json).

    Without them `--resume` could neither take the run's settings nor refuse other ones, so
    a missing or unreadable file is refused with one line, never skipped silently.
    """
    path = Path(run_dir) / FLAGS_FILE
    reason = ""
    try:
        flags = json.loads(path.read_text())
    except FileNotFoundError:
        message = _("cannot resume run {run}: it has no {file}, so the settings it was trained "
                    "with are unknown; start a new run instead")
    except (OSError, ValueError) as e:
        reason = " ".join(str(e).split())
        message = _("cannot resume run {run}: it has an unreadable {file} ({reason}), so the "
                    "settings it was trained with are unknown; start a new run instead")
    else:
        if isinstance(flags, dict):
            return flags
        message = _("cannot resume run {run}: it has a {file} that is not a table of flags, so "
                    "the settings it was trained with are unknown; start a new run instead")
    raise UserError(message.format(run=Path(run_dir).name, file=FLAGS_FILE, reason=reason))


def write_flags(run_dir, flags):
    """Record a run's flags ({destination: value}, JSON-ready) in its flags.json.

    Written whole or not at all (a temporary file, then a rename): the tasks of a resumed
    cluster read flags.json as they start while the chief may be rewriting it."""
    path = Path(run_dir) / FLAGS_FILE
    partial = path.with_name(f".{FLAGS_FILE}.{os.getpid()}")
    try:
        partial.write_text(json.dumps(flags, indent=1))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def refuse_other_flags(run_dir, before, now):
    """Raise `UserError` naming every flag of `now` that differs from the run's `before`
    ({destination: JSON value} both), but those in MAY_CHANGE_ON_RESUME."""
    def shown(value):
        return _("not set") if value is None else value
    changed = [_("{flag} {before} (now {now})").format(
                   flag=f"--{k.replace('_', '-')}", before=shown(before[k]),
                   now=shown(now.get(k)))
               for k in sorted(before)
               if k not in MAY_CHANGE_ON_RESUME and before[k] != now.get(k)]
    if changed:
        raise UserError(_("run {run} was trained with {flags}; resume it with the same flags "
                          "(only --epochs, --summary-every and --tensorboard may change), or "
                          "leave them out: --resume takes the run's own").format(
                              run=Path(run_dir).name, flags=", ".join(changed)))
