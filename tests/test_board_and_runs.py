"""Opening TensorBoard without remembering flags, and finding runs again."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tfgraph import board, cli
from tfgraph.errors import UserError
from tfgraph.runs import find_run, new_run_dir

ROOT = Path(__file__).resolve().parent.parent


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


def test_tensorboard_flag_starts_the_board_after_training(tmp_path, monkeypatch):
    from lessons import perceptron_park
    served = []
    monkeypatch.setattr(board, "serve", lambda logdir, *a, **k: served.append(logdir))
    perceptron_park.main(["--logdir", str(tmp_path), "--tensorboard"])
    assert served == [tmp_path / "perceptron_park"]


def test_default_logdir_is_the_project_logs_or_the_env_var(monkeypatch, tmp_path):
    monkeypatch.delenv(cli.LOGDIR_ENV, raising=False)
    assert cli.default_logdir() == ROOT / "logs"
    monkeypatch.setenv(cli.LOGDIR_ENV, str(tmp_path))
    assert cli.default_logdir() == tmp_path


def test_find_run_by_name_and_latest_with_checkpoint(tmp_path):
    first = new_run_dir(tmp_path, "lesson", "a")
    second = new_run_dir(tmp_path, "lesson", "b")
    with pytest.raises(UserError, match="no run of lesson with a checkpoint"):
        find_run(tmp_path, "lesson")
    (first / "checkpoints").mkdir()
    assert find_run(tmp_path, "lesson") == first         # the newest run that can resume
    assert find_run(tmp_path, "lesson", second.name) == second
    with pytest.raises(UserError, match="no run named 'zzz'"):
        find_run(tmp_path, "lesson", "zzz")


@pytest.mark.slow
def test_board_serves_the_runs_and_stops_on_ctrl_c(tmp_path):
    from lessons import perceptron_park
    perceptron_park.main(["--logdir", str(tmp_path)])
    port = board.free_port(0)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tfgraph.board", "perceptron_park", "--logdir", str(tmp_path),
         "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
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
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
