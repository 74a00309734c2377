"""Open TensorBoard on the lessons' runs without remembering its flags.

    python -m tfgraph.board                  # all lessons' runs, http://localhost:6006/
    python -m tfgraph.board mnist_dense      # one lesson's runs
    python -m lessons.mnist_dense --tensorboard   # train, then open it

It runs the `tensorboard` program installed with this package, prints the address to open,
and stops with Ctrl-C. Nothing here imports TensorFlow.
"""

import argparse
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from tfgraph.cli import default_logdir
from tfgraph.errors import UserError


def command(logdir):
    """The exact command a learner can type, quoted for the shell."""
    return f"tensorboard --logdir {shlex.quote(str(logdir))}"


def free_port(preferred=6006):
    """`preferred` if nobody listens there, else any free port."""
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return s.getsockname()[1]
            except OSError:
                continue
    raise UserError("no free port for TensorBoard")


def serve(logdir, port=None, host="127.0.0.1"):
    """Run TensorBoard on `logdir` until Ctrl-C; returns its exit code."""
    logdir = Path(logdir)
    if not logdir.is_dir():
        raise UserError(f"no runs in {logdir} yet: run a lesson first "
                        f"(python -m lessons lists them)")
    exe = shutil.which("tensorboard")
    args = [exe] if exe else [sys.executable, "-m", "tensorboard.main"]
    port = port or free_port()
    print(f"TensorBoard on {logdir}: open http://{host}:{port}/  (Ctrl-C to stop)", flush=True)
    proc = subprocess.Popen([*args, "--logdir", str(logdir), "--host", host, "--port", str(port)])
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait(timeout=10)
        return 0


def show(args, folder, label="Run folder"):
    """End of a lesson: print where its run went and the TensorBoard command; with
    `--tensorboard`, start TensorBoard on the lesson's runs."""
    logdir = args.logdir / args.lesson
    print(f"\n{label}: {folder}")
    print(f"See it in TensorBoard:  {command(logdir)}")
    if getattr(args, "tensorboard", False):
        serve(logdir)


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m tfgraph.board", description=__doc__.split("\n")[0])
    p.add_argument("lesson", nargs="?", help="only this lesson's runs (default: all)")
    p.add_argument("--logdir", type=Path, default=None, help=f"default: {default_logdir()}")
    p.add_argument("--port", type=int, default=None, help="default: 6006, or a free one")
    p.add_argument("--host", default="127.0.0.1", help="0.0.0.0 to reach it from elsewhere")
    args = p.parse_args(argv)
    logdir = (args.logdir or default_logdir()).expanduser().resolve()
    if args.lesson:
        logdir = logdir / args.lesson
    return serve(logdir, args.port, args.host)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except UserError as e:
        print(f"python -m tfgraph.board: error: {e}", file=sys.stderr)
        sys.exit(2)
