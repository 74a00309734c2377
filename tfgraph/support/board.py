"""Open TensorBoard on the lessons' runs without remembering its flags.

    python -m tfgraph.board                  # all lessons' runs, http://localhost:6006/
    python -m tfgraph.board mnist_dense      # one lesson's runs
    python -m lessons.mnist_dense --tensorboard   # train, then open it

It runs the `tensorboard` program installed with this package, prints the address to open,
and stops with Ctrl-C. TensorBoard never outlives it (see `serve`), and TensorFlow's start-up
noise (CUDA, CPU instructions) is kept off the screen. Nothing here imports TensorFlow.
"""

import argparse
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

from tfgraph.support import i18n
from tfgraph.support.lazy import is_startup_noise
from tfgraph.support.cli import HelpFormatter, default_logdir
from tfgraph.support.cluster import parent_death_signal
from tfgraph.support.errors import UserError
from tfgraph.support.i18n import N_, _

SUMMARY = N_("Open TensorBoard on the lessons' runs without remembering its flags.")


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
    raise UserError(_("no free port for TensorBoard"))


# The ways a wrapper is asked to end besides Ctrl-C: `kill`, a closed terminal. Each must end
# TensorBoard with it, or the child would keep serving the port with nobody to stop it.
_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                      if hasattr(signal, name))


class _Stopped(Exception):
    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _raise_stopped(signum, frame):
    raise _Stopped(signum)


def _die_with_parent():
    """In the child, before TensorBoard starts (Linux): if the wrapper dies without a chance
    to clean up (SIGKILL, a crash), the kernel sends the child SIGTERM."""
    parent_death_signal(signal.SIGTERM)


def _forward_stderr(stream):
    """Copy TensorBoard's stderr to ours without TensorFlow's start-up noise (CUDA and CPU
    banners), which the lessons hide too: they only alarm a learner without a GPU."""
    for line in iter(stream.readline, b""):
        if not is_startup_noise(line):
            sys.stderr.buffer.write(line)
            sys.stderr.flush()


def serve(logdir, port=None, host="127.0.0.1"):
    """Run TensorBoard on `logdir` until Ctrl-C; returns its exit code.

    TensorBoard runs as a child process and never outlives this one: Ctrl-C (SIGINT),
    SIGTERM, SIGHUP or an error here end it before `serve` returns or raises. Ctrl-C returns
    0; SIGTERM and SIGHUP end the program with 128 + the signal's number, as if unhandled.
    """
    logdir = Path(logdir)
    if not logdir.is_dir():
        raise UserError(_("no runs in {folder} yet: run a lesson first (python -m lessons "
                          "lists them)").format(folder=logdir))
    exe = shutil.which("tensorboard")
    args = [exe] if exe else [sys.executable, "-m", "tensorboard.main"]
    port = port or free_port()
    print(_("TensorBoard on {folder}: open {address}  (Ctrl-C to stop)").format(
        folder=logdir, address=f"http://{host}:{port}/"), flush=True)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3")}
    linux = sys.platform.startswith("linux")
    main_thread = threading.current_thread() is threading.main_thread()
    previous = {s: signal.signal(s, _raise_stopped) for s in _STOP_SIGNALS} if main_thread \
        else {}
    proc = None
    try:
        proc = subprocess.Popen(
            [*args, "--logdir", str(logdir), "--host", host, "--port", str(port)], env=env,
            stderr=subprocess.PIPE, preexec_fn=_die_with_parent if linux else None)
        threading.Thread(target=_forward_stderr, args=(proc.stderr,), daemon=True).start()
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    except _Stopped as stopped:
        raise SystemExit(128 + stopped.signum) from None
    finally:
        try:
            _end(proc)
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)


def _end(proc):
    """Stop TensorBoard: politely, then for sure (at once if asked to stop again)."""
    if proc is None or proc.poll() is not None:
        return
    try:
        proc.terminate()
        proc.wait(timeout=10)
    except (subprocess.TimeoutExpired, _Stopped, KeyboardInterrupt):
        proc.kill()
        proc.wait()


def show(args, folder, label=N_("Run folder")):
    """End of a lesson: print where its run went and the TensorBoard command; with
    `--tensorboard`, start TensorBoard on the lesson's runs. label: marked `N_()`."""
    logdir = args.logdir / args.lesson
    print("\n" + _("{label}: {folder}").format(label=_(label), folder=folder))
    print(_("See it in TensorBoard:  {command}").format(command=command(logdir)))
    for name in exercises_named(args.lesson):
        print(_("Your turn:              {command}").format(
            command=f"python -m lessons.exercises start {name}"))
    if getattr(args, "tensorboard", False):
        serve(logdir)


def exercises_named(lesson):
    """The exercises the running lesson's docstring names (`python -m lessons.exercises start
    NAME` in its "Run it" block): the docstring is the one place a lesson says them. Read from
    the lesson's module as it runs (as `__main__` or imported), never importing a lesson."""
    for module in list(sys.modules.values()):
        spec = getattr(module, "__spec__", None)
        if spec is not None and spec.name == f"lessons.{lesson}":
            return re.findall(r"python -m lessons\.exercises start (\w+)", module.__doc__ or "")
    return []


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    i18n.setup(argv)        # --lang, before the parser's words are written
    p = argparse.ArgumentParser(prog="python -m tfgraph.board", description=_(SUMMARY),
                                allow_abbrev=False, formatter_class=HelpFormatter)
    p.add_argument("lesson", nargs="?", help=_("only this lesson's runs (default: all)"))
    p.add_argument("--logdir", type=Path, default=None,
                   help=_("default: {folder}").format(folder=default_logdir()))
    p.add_argument("--port", type=int, default=None, help=_("default: 6006, or a free one"))
    p.add_argument("--host", default="127.0.0.1", help=_("0.0.0.0 to reach it from elsewhere"))
    i18n.add_flag(p)
    args = p.parse_args(argv)
    logdir = (args.logdir or default_logdir()).expanduser().resolve()
    if args.lesson:
        logdir = logdir / args.lesson
    return serve(logdir, args.port, args.host)


def command_line():
    """`python -m tfgraph.board`: a learner's mistake is one line and exit code 2."""
    try:
        sys.exit(main())
    except UserError as e:
        print(_("{prog}: error: {message}").format(prog="python -m tfgraph.board", message=e),
              file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    command_line()
