"""Run folders: `logs/<lesson>/<run>/`, one per run, never overwritten, never deleted.

TensorBoard shows every folder under `--logdir` that holds event files as a run, so a new
folder per run is what lets a learner compare today's run with yesterday's.
"""

import errno
import time
from pathlib import Path

from tfgraph.errors import UserError


def new_run_dir(logdir, lesson, name=None):
    """Create and return a fresh folder `logdir/lesson/<YYYYmmdd-HHMMSS>[-name]`.

    Two runs started in the same second get `...-2`, `...-3`: `mkdir` either creates the folder
    or fails because another process just did, so two lessons never share a folder.
    """
    parent = Path(logdir) / lesson
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"cannot create the log folder {parent}: {e.strerror or e} "
                        f"(choose another with --logdir)") from None
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
            raise UserError(f"cannot write to the log folder {parent}: "
                            f"{e.strerror or errno.errorcode.get(e.errno, e)} "
                            f"(choose another with --logdir)") from None
    raise UserError(f"too many runs named {base} in {parent}")


def find_run(logdir, lesson, name="latest"):
    """The folder of an earlier run: by folder name, or the newest one for `latest`."""
    parent = Path(logdir) / lesson
    runs = sorted((p for p in parent.glob("*") if p.is_dir()), key=lambda p: p.stat().st_mtime) \
        if parent.is_dir() else []
    if name == "latest":
        runs = [p for p in runs if (p / "checkpoints").is_dir()]
        if not runs:
            raise UserError(f"no run of {lesson} with a checkpoint in {parent} to resume")
        return runs[-1]
    path = parent / name
    if not path.is_dir():
        known = ", ".join(p.name for p in runs[-5:]) or "none"
        raise UserError(f"no run named {name!r} in {parent} (latest runs: {known})")
    return path
