"""tfgraph.support.board: TensorBoard opened without remembering flags, and never left running."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO_ROOT as ROOT

from tfgraph.support import board


def test_command_is_quoted_for_the_shell():
    assert board.command(Path("/tmp/my logs/x")) == "tensorboard --logdir '/tmp/my logs/x'"


def test_free_port_is_free():
    port = board.free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))


def test_board_on_a_missing_folder_is_one_line_exit_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "tfgraph.board", "--logdir",
                           str(tmp_path / "nothing")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "run a lesson first" in proc.stderr


def test_board_speaks_portuguese_with_lang_pt(tmp_path):
    from conftest import english_left
    shown = subprocess.run([sys.executable, "-m", "tfgraph.board", "--lang", "pt", "--help"],
                           capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("uso: python -m tfgraph.board")
    assert "Abre o TensorBoard nas execuções das lições" in shown.stdout
    assert english_left(shown.stdout) == []
    proc = subprocess.run([sys.executable, "-m", "tfgraph.board", "--lang", "pt", "--logdir",
                           str(tmp_path / "nothing")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (f"python -m tfgraph.board: erro: ainda não há execuções em "
                           f"{tmp_path / 'nothing'}: rode uma lição primeiro (python -m lessons "
                           f"lista as lições)\n")


def test_the_end_of_a_lesson_in_portuguese_keeps_its_commands_in_one_column(tmp_path, capsys):
    import lessons.mnist_dense  # noqa: F401  (its docstring names its exercise)
    from argparse import Namespace
    from tfgraph.support import i18n
    i18n.use("pt")
    board.show(Namespace(logdir=tmp_path, lesson="mnist_dense"), tmp_path / "mnist_dense" / "r")
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["", f"Pasta da execução: {tmp_path / 'mnist_dense' / 'r'}",
                     f"Veja no TensorBoard:    tensorboard --logdir {tmp_path / 'mnist_dense'}",
                     "Sua vez:                python -m lessons.exercises start two_hidden_layers"]


def test_board_flags_are_spelled_out(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "tfgraph.board", "--log", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "unrecognized arguments: --log" in proc.stderr


def test_tensorboard_flag_starts_the_board_after_training(tmp_path, monkeypatch):
    from lessons import perceptron_park
    served = []
    monkeypatch.setattr(board, "serve", lambda logdir, *a, **k: served.append(logdir))
    perceptron_park.main(["--logdir", str(tmp_path), "--tensorboard"])
    assert served == [tmp_path / "perceptron_park"]


# -- the wrapper never leaves TensorBoard behind ----------------------------------------------

FAKE_TENSORBOARD = """#!{python}
# Stands in for `tensorboard`: serves the port it is given, and writes TensorFlow's start-up
# noise and TensorBoard's own line to stderr, as the real one does.
import os, signal, socket, sys, time
port = int(sys.argv[sys.argv.index("--port") + 1])
parent = os.getppid()

def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False

def ended(signum, frame):
    # Who ended us: the wrapper, which then waits for us and so is still alive a moment
    # later ("by the wrapper"), or the kernel as the wrapper died ("orphaned":
    # PR_SET_PDEATHSIG, the last resort).
    time.sleep(0.3)
    with open(os.environ["FAKE_TENSORBOARD_RECORD"], "w") as record:
        record.write("by the wrapper" if alive(parent) else "orphaned")
    sys.exit(0)

signal.signal(signal.SIGTERM, ended)
sys.stderr.write("WARNING: All log messages before absl::InitializeLog() is called are "
                 "written to STDERR\\n"
                 "I0000 00:00:1795863599.178324   11816 port.cc:153] oneDNN custom operations\\n"
                 "W0000 00:00:1795863599.179404   11816 cudart_stub.cc:31] no cuda drivers\\n"
                 "To enable the following instructions: AVX2 FMA, rebuild TensorFlow\\n"
                 "TensorBoard fake at http://127.0.0.1:%d/ (Press CTRL+C to quit)\\n" % port)
sys.stderr.flush()
server = socket.socket()
server.bind(("127.0.0.1", port))
server.listen()
time.sleep(300)
"""


def _fake_tensorboard(folder):
    folder.mkdir()
    exe = folder / "tensorboard"
    exe.write_text(FAKE_TENSORBOARD.format(python=sys.executable))
    exe.chmod(0o755)
    return folder


def _listening(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _children(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _gone(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")          # ended (a zombie waits only for its parent)


def _wait_for(condition, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


# Raised inside the wrapper once TensorBoard serves: an error in the wrapper itself.
_WRAPPER_ERROR = """
import socket, subprocess, sys, time
from tfgraph.support import board
real_wait = subprocess.Popen.wait
port = int(sys.argv[sys.argv.index("--port") + 1])
def wait(self, timeout=None):
    if timeout is None:       # the wrapper waiting on TensorBoard: fail once it serves
        for _ in range(600):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        raise RuntimeError("an error in the wrapper")
    return real_wait(self, timeout)
subprocess.Popen.wait = wait
sys.exit(board.main(sys.argv[1:]))
"""


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux's /proc")
@pytest.mark.parametrize("how, exit_code", [
    ("SIGTERM", 128 + signal.SIGTERM), ("SIGHUP", 128 + signal.SIGHUP), ("SIGINT", 0),
    ("error", 1), ("SIGKILL", -signal.SIGKILL)])
def test_every_way_the_board_ends_ends_tensorboard(tmp_path, how, exit_code):
    (tmp_path / "logs").mkdir()
    bin_dir = _fake_tensorboard(tmp_path / "bin")
    port = board.free_port(0)
    record = tmp_path / "how-tensorboard-ended"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "FAKE_TENSORBOARD_RECORD": str(record)}
    code = ["-c", _WRAPPER_ERROR] if how == "error" else ["-m", "tfgraph.board"]
    wrapper = subprocess.Popen(
        [sys.executable, *code, "--logdir", str(tmp_path / "logs"), "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    child = None
    try:
        assert _wait_for(lambda: _listening(port)), "the fake TensorBoard never listened"
        (child,) = _children(wrapper.pid)
        if how != "error":
            wrapper.send_signal(getattr(signal, how))     # to the wrapper only
        out, err = wrapper.communicate(timeout=30)
        assert wrapper.returncode == exit_code, err
        assert _wait_for(lambda: _gone(child), 15), f"TensorBoard (pid {child}) outlived {how}"
        assert not _listening(port)
        # The wrapper ends TensorBoard itself before it exits; only SIGKILL, which gives it
        # no chance, leaves it to the kernel (the child asked for SIGTERM when orphaned).
        assert record.read_text() == ("orphaned" if how == "SIGKILL" else "by the wrapper")
        if how != "SIGKILL":                               # (a killed wrapper forwards nothing)
            assert f"TensorBoard fake at http://127.0.0.1:{port}/" in err
            # TensorFlow's start-up noise is not passed on
            assert "InitializeLog" not in err and "0000 00:00:" not in err
            assert "To enable the following instructions" not in err
    finally:
        if wrapper.poll() is None:
            wrapper.kill()
            wrapper.wait()
        if child and not _gone(child):        # a failed test leaves no stray process
            os.kill(child, signal.SIGKILL)


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
def test_board_serves_the_runs_and_stops_with_its_tensorboard(tmp_path, how):
    from lessons import perceptron_park
    perceptron_park.main(["--logdir", str(tmp_path)])
    port = board.free_port(0)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tfgraph.board", "perceptron_park", "--logdir", str(tmp_path),
         "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    children = []
    try:
        assert f"http://127.0.0.1:{port}/" in proc.stdout.readline()
        deadline, runs = time.time() + 60, None
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/data/runs", timeout=2) as r:
                    runs = json.loads(r.read())
                if runs:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert runs and len(runs) == 1, runs
        children[:] = _children(proc.pid)
        assert len(children) == 1
        proc.send_signal(getattr(signal, how))            # to the wrapper alone
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == (0 if how == "SIGINT" else 128 + signal.SIGTERM), err
        assert _wait_for(lambda: _gone(children[0]), 15)
        assert not _listening(port)
        # no "E0000 ... failed call to cuInit" and the like on a machine without a GPU
        assert "cuInit" not in err and not re.search(r"^[IWE]\d{4} ", err, re.MULTILINE), err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for child in children:
            if not _gone(child):
                os.kill(child, signal.SIGKILL)
