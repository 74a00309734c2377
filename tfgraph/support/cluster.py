"""A TensorFlow cluster as processes: the cluster's flags, free ports, the launcher that
starts every task on this machine, streaming their output, bounded waits, and never leaving
a process behind.

TensorFlow's distributed runtime (lesson `distributed`) runs one process per *task*: the
parameter servers (job `ps`) hold the variables, the workers (job `worker`) compute. On a
real cluster each task is started by hand on its own machine, with `--cluster`,
`--job-name` and `--task-index`; on one machine `launch` starts them all, each with the
lesson's own command line, unchanged, plus those three flags, so every flag the learner
typed reaches every task (there is one list of flags, the lesson's parser):

    if not cluster.is_task(args):
        return cluster.launch("lessons.distributed", argv, args.workers, "asynchronous SGD")

`LocalCluster` does the work: every task runs in its own process session, so the
terminal's Ctrl-C reaches only the launcher, which then stops the tasks in order (the chief
first, so it can save a checkpoint); a task also dies with its launcher (Linux's
parent-death signal), so not even a `kill -9` of the launcher leaves one running. Tasks talk
back to the launcher through marked lines on their standard output (`emit`), and the
launcher talks to the chief through its standard input (`Task.tell`, `listen`). What a task
does inside, with TensorFlow, is `tfgraph.support.replicas`'s.

Nothing here imports TensorFlow.
"""

import argparse
import contextlib
import ctypes
import functools
import importlib.util
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from argparse import Namespace
from dataclasses import dataclass, field
from pathlib import Path

from tfgraph.support import cli
from tfgraph.support.errors import UserError
from tfgraph.support.i18n import N_, _, ngettext, number

JOBS = ("ps", "worker")
CONTROL = "@tfgraph-cluster "       # a line a task writes for its launcher, not for people
PARENT_ENV = "TFGRAPH_CLUSTER_PARENT"
STOP_SECONDS = 10       # a task asked to stop gets this long before SIGKILL
CHIEF_STOP_SECONDS = 30  # the chief, interrupted, saves a checkpoint first
FINISH_SECONDS = 30     # after the chief's result, the other workers get this long to end
MAX_WORKERS = 16        # processes the launcher starts on one machine, at most
# The flags that say which task a process is and how long it waits for the others: not the
# experiment, so not in a run's flags.json (a resumed run gets new ports, a new --cluster).
TASK_FLAGS = ("cluster", "job_name", "task_index", "startup_timeout")


class TaskDied(UserError):
    """A task of the cluster ended before its work was done: exit code 1, one line."""

    exit_code = 1


# -- the cluster's flags: which task this process is ---------------------------------------

def parse_address(text):
    """"host:port" -> ("host", port); raises ValueError with a reason."""
    host, sep, port = text.rpartition(":")
    if not sep or not host:
        raise ValueError(_("{text!r} is not HOST:PORT").format(text=text))
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(_("{text!r} has no port between 1 and 65535").format(text=text))
    return host, int(port)


def job_flag(text):
    """An argparse type for one item of `--cluster`: "worker=HOST:PORT,HOST:PORT"."""
    job, sep, addresses = text.partition("=")
    if not sep or job not in JOBS:
        raise argparse.ArgumentTypeError(
            _("expected JOB=HOST:PORT[,HOST:PORT...] with JOB one of {jobs}, got {text!r}").format(
                jobs=", ".join(JOBS), text=text))
    tasks = addresses.split(",")
    try:
        for address in tasks:
            parse_address(address)
    except ValueError as e:
        raise argparse.ArgumentTypeError(_("in {text!r}: {error}").format(text=text,
                                                                          error=e)) from None
    return job, tasks


def cluster_spec(items):
    """The parsed `--cluster` items -> {"ps": [addresses], "worker": [addresses]}.

    Both jobs are needed, each named once, and no address may serve two tasks.
    """
    spec = {}
    for job, tasks in items:
        if job in spec:
            raise UserError(_("--cluster names the job {job} twice; list its tasks once, "
                              "comma-separated: {job}=HOST:PORT,HOST:PORT").format(job=job))
        spec[job] = tasks
    missing = [job for job in JOBS if job not in spec]
    if missing:
        raise UserError(_("--cluster lacks the job {jobs}: it needs ps=HOST:PORT and "
                          "worker=HOST:PORT[,HOST:PORT...]").format(
                              jobs=_(" and ").join(missing)))
    addresses = [a for job in JOBS for a in spec[job]]
    twice = sorted({a for a in addresses if addresses.count(a) > 1})
    if twice:
        raise UserError(_("--cluster gives {addresses} to two tasks; every task needs its own "
                          "port").format(addresses=", ".join(twice)))
    return {job: spec[job] for job in JOBS}


def spec_flag(spec):
    """{"ps": [...], "worker": [...]} -> the `--cluster` words that give it back."""
    return [f"{job}={','.join(spec[job])}" for job in JOBS]


def add_flags(p, workers, startup_timeout):
    """The flags of a lesson that runs as a cluster, in an argument group it may add to:
    `--workers` (how many the launcher starts here), `--cluster`, `--job-name` and
    `--task-index` (this process is one task, as on its own machine), `--startup-timeout`.
    Introduced by lesson distributed."""
    g = p.add_argument_group(_("the cluster"))
    g.add_argument("--workers", type=cli.positive_int, default=workers, metavar="N",
                   help=cli.with_default(N_("workers to start on this machine, besides one "
                                            "parameter server")))
    g.add_argument("--cluster", nargs="+", type=job_flag, default=None,
                   metavar="JOB=HOST:PORT[,HOST:PORT]",
                   help=_("every task's address, e.g. ps=a:2222 worker=b:2222,c:2222; with "
                          "--job-name and --task-index this process runs one task of it"))
    g.add_argument("--job-name", choices=JOBS, default=None,
                   help=_("the job of this process's task (with --cluster)"))
    g.add_argument("--task-index", type=cli.non_negative_int, default=None, metavar="N",
                   help=_("the task's number in its job, from 0 (with --cluster); worker 0 is "
                          "the chief"))
    g.add_argument("--startup-timeout", type=cli.positive_float, default=startup_timeout,
                   metavar="SECONDS",
                   help=cli.with_default(N_("how long a task waits for the parameter server, "
                                            "and a worker for the chief, before giving up")))
    return g


def parse(p, argv=None):
    """`cli.parse`, but quiet in a task started by the launcher: the launcher parsed the same
    command line and has already said which flags `--resume` took from the run."""
    if not started_by_launcher():
        return cli.parse(p, argv)
    with contextlib.redirect_stdout(io.StringIO()):
        return cli.parse(p, argv)


def is_task(args):
    """Whether these flags make this process one task (else: the launcher of them all)."""
    return bool(args.cluster) or args.job_name is not None or args.task_index is not None


def task_spec(args):
    """--cluster, --job-name, --task-index checked together: the cluster as a dict."""
    if not args.cluster:
        raise UserError(_("--job-name and --task-index need --cluster (the address of every "
                          "task); without all three the lesson starts a whole cluster here"))
    spec = cluster_spec(args.cluster)
    if args.job_name is None or args.task_index is None:
        raise UserError(_("with --cluster, say which task this process is: --job-name "
                          "ps|worker --task-index N"))
    count = len(spec[args.job_name])
    if args.task_index >= count:
        raise UserError(ngettext(
            "--task-index {index} is outside the job {job}: --cluster gives it {count} task, "
            "numbered {last}",
            "--task-index {index} is outside the job {job}: --cluster gives it {count} tasks, "
            "numbered 0 to {last}", count).format(
                index=args.task_index, job=args.job_name, count=count, last=count - 1))
    return spec


def experiment(args, spec):
    """The flags that define the experiment, for the run's flags.json (what `--resume`
    takes back and checks): every flag but TASK_FLAGS, `workers` as many as `spec` has."""
    kept = {k: v for k, v in vars(args).items() if k not in TASK_FLAGS}
    return Namespace(**{**kept, "workers": len(spec["worker"])})


# -- ports -------------------------------------------------------------------------------------

def free_ports(count, host="127.0.0.1"):
    """`count` different ports nobody listens on now (held together, so they differ)."""
    sockets = []
    try:
        for _i in range(count):
            s = socket.socket()
            s.bind((host, 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def port_taken(port):
    """True if this machine cannot listen on `port` (another program has it)."""
    with socket.socket() as s:
        try:
            s.bind(("", port))
        except OSError:
            return True
    return False


def answers(address, seconds=1.0):
    """True if something accepts a TCP connection at "host:port" within `seconds`."""
    host, port = parse_address(address)
    try:
        with socket.create_connection((host, port), timeout=seconds):
            return True
    except OSError:
        return False


def wait_until_answering(addresses, seconds, what):
    """Wait until every "host:port" accepts connections; UserError after `seconds`."""
    deadline = time.monotonic() + seconds
    waiting = list(addresses)
    while waiting:
        waiting = [a for a in waiting if not answers(a, 0.5)]
        if not waiting:
            return
        if time.monotonic() > deadline:
            raise UserError(_("{what} did not answer within {seconds} s (is it started, and is "
                              "--cluster the same on every task?)").format(
                                  what=what(waiting[0]), seconds=number(seconds, "g")))
        time.sleep(0.2)


def bounded(fn, seconds, message):
    """Run `fn()` but give up after `seconds`: its result, or UserError(message).

    For calls that TensorFlow does not time out itself (a session's first contact with a
    server that does not answer waits forever). On a timeout the call is left running in a
    daemon thread: the task ends with `os._exit`, which takes it along.
    """
    outcome = {}

    def call():
        try:
            outcome["value"] = fn()
        except BaseException as e:  # handed to the waiting thread
            outcome["error"] = e

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise UserError(message)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


# -- inside a task -------------------------------------------------------------------------------

def emit(kind, **data):
    """Tell the launcher something (a result, the run folder) on one marked line; nothing
    in a task started by hand, which has no launcher to read it."""
    if not started_by_launcher():
        return
    print(CONTROL + json.dumps({"kind": kind, **data}, default=_plain), flush=True)


def _plain(value):
    """numpy numbers (int64, float32) as the Python numbers JSON knows."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} cannot be sent to the launcher")


def started_by_launcher():
    """True in a task started by a `LocalCluster` (not by hand on a machine of a cluster)."""
    return bool(os.environ.get(PARENT_ENV))


def listen(on_line):
    """Call `on_line(text)` for every line the launcher writes to this task (a daemon thread).

    Only in a task started by a `LocalCluster`: one started by hand in a terminal must not
    read the terminal (a background job that reads it is stopped by the shell)."""
    if not started_by_launcher():
        return

    def read():
        for line in sys.stdin:
            on_line(line.strip())
    threading.Thread(target=read, daemon=True).start()


def parent_death_signal(sig):
    """Ask the kernel to send this process `sig` when its parent dies (Linux's
    PR_SET_PDEATHSIG); elsewhere nothing happens."""
    try:
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, sig)
    except (OSError, AttributeError):
        pass


def die_with_parent():
    """Started by a `LocalCluster`: end this process when the launcher ends, however it ends.

    Linux's PR_SET_PDEATHSIG delivers SIGKILL when the parent dies; if it already died
    before this call, end now. Elsewhere (or when started by hand) this does nothing.
    """
    parent = os.environ.get(PARENT_ENV)
    if not parent:
        return
    parent_death_signal(signal.SIGKILL)
    if os.getppid() != int(parent):
        os._exit(1)


def end_process(code=0):
    """End a task now. A TensorFlow server cannot be shut down: its threads would keep a
    normal exit waiting forever, so flush what was printed and leave with `os._exit`."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


# -- the launcher ------------------------------------------------------------------------------

def how_it_ended(code):
    """How a task ended, said after its name: "worker:1 killed by SIGKILL"."""
    if code is None:
        return _("still running")
    if code < 0:
        try:
            return _("killed by {signal}").format(signal=signal.Signals(-code).name)
        except ValueError:
            return _("killed by signal {number}").format(number=-code)
    return _("exited with code {code}").format(code=code)


class Task:
    """One process of the cluster, its output streamed with its name in front."""

    def __init__(self, job, index, argv, env, printer, error_prefix):
        self.job, self.index = job, index
        self.name = f"{job}:{index}"
        self.messages = {}          # kind -> data, from the task's marked lines
        self.error = None           # the one-line error it ended with (a learner's mistake)
        self.reported = False       # its end has been dealt with
        self._print, self._error_prefix = printer, error_prefix
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1, env=env,
                                     start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)

    def _read(self):
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            if line.startswith(CONTROL):
                try:
                    data = json.loads(line[len(CONTROL):])
                    self.messages[data.pop("kind")] = data
                    continue
                except (ValueError, KeyError):
                    pass
            if self._error_prefix and line.startswith(self._error_prefix):
                self.error = line[len(self._error_prefix):]
                continue
            self._print(f"[{self.name}] {line}")

    @property
    def code(self):
        return self.proc.poll()

    def tell(self, text):
        """Write a line to the task's standard input (ignored if it has ended)."""
        try:
            self.proc.stdin.write(text + "\n")
            self.proc.stdin.flush()
        except (OSError, ValueError):
            pass

    def send(self, sig):
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
            except ProcessLookupError:
                pass

    def stop(self, sig=signal.SIGTERM, seconds=STOP_SECONDS):
        """Send `sig`, wait up to `seconds`, then SIGKILL; returns its exit code."""
        self.send(sig)
        try:
            return self.proc.wait(seconds)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(STOP_SECONDS)


@dataclass
class Outcome:
    """How a local cluster's run ended."""
    result: dict                                # what the chief reported
    workers: dict = field(default_factory=dict)  # "worker:i" -> what it reported
    died: list = field(default_factory=list)     # ["worker:1 (killed by SIGKILL)", ...]


class LocalCluster:
    """Every task of a one-machine cluster as its own process, on free localhost ports.

    command(job, index, spec) -> argv: how to start one task, given the cluster
      {"ps": [addresses], "worker": [addresses]}.
    The chief is worker 0: its end (with a "result" message) ends the run. A non-chief
    worker that ends is announced to the chief (`ended worker:<i> <exit code>` on its
    standard input); one that dies is reported, and the others go on. A parameter server
    or chief that dies, or any task that ends with a learner's mistake (exit code 2),
    stops everything. Leaving the `with` block stops whatever still runs: SIGTERM, then
    SIGKILL after a bounded wait. Start it from a thread that outlives the cluster (the
    main thread): the parent-death signal follows the thread that started the tasks.
    """

    def __init__(self, command, workers=2, ps=1, host="127.0.0.1", out=None,
                 error_prefix=None, env=None):
        ports = free_ports(ps + workers, host)
        self.spec = {"ps": [f"{host}:{p}" for p in ports[:ps]],
                     "worker": [f"{host}:{p}" for p in ports[ps:]]}
        self._command = command
        self._out = out or sys.stdout
        self._lock = threading.Lock()
        self._error_prefix = error_prefix
        self._env = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1",
                     PARENT_ENV: str(os.getpid())}
        self.tasks = []

    def say(self, text):
        with self._lock:
            print(text, file=self._out, flush=True)

    @property
    def chief(self):
        return self._by_job("worker")[0]

    def _by_job(self, job):
        return [t for t in self.tasks if t.job == job]

    def __enter__(self):
        try:
            # Every process first, then the readers: no thread runs while we fork.
            for job in JOBS:
                for index in range(len(self.spec[job])):
                    self.tasks.append(Task(job, index, self._command(job, index, self.spec),
                                           self._env, self.say, self._error_prefix))
            for task in self.tasks:
                task.reader.start()
        except BaseException:
            self.stop_all()
            raise
        return self

    def __exit__(self, *exc):
        self.stop_all()
        return False

    # -- waiting ------------------------------------------------------------------------------
    def wait(self, poll=0.1):
        """Wait for the run to end; returns an `Outcome`, or raises `UserError` (a task's
        one-line complaint), `TaskDied` (the chief or a parameter server died) or
        `KeyboardInterrupt` (Ctrl-C: the chief was asked to save, everything stopped)."""
        died = []
        try:
            while True:
                for task in self.tasks:
                    if task.code is not None and not task.reported:
                        task.reported = True
                        self._ended(task, died)
                if self.chief.reported:
                    break
                time.sleep(poll)
            self._let_workers_finish(died)
        except KeyboardInterrupt:
            self.interrupt()
            raise
        self.stop_all()
        return Outcome(self.chief.messages["result"],
                       {t.name: t.messages.get("result") for t in self._by_job("worker")},
                       died)

    def _ended(self, task, died):
        code = task.code
        self._raise_its_complaint(task)
        if task.job == "ps":
            # A parameter server ends by itself (code 0) only once every worker is done.
            if code != 0:
                self.stop_all()
                raise TaskDied(_("the parameter server {task} {ended}: the workers cannot go "
                                 "on without their variables").format(
                                     task=task.name, ended=how_it_ended(code)))
            return
        if task is self.chief:
            if code == 0 and "result" in task.messages:
                return
            self.stop_all()
            hint = self.chief.messages.get("run", {}).get("hint", "")
            said = (_("the chief {task} {ended}: stopped the other tasks; {hint}") if hint else
                    _("the chief {task} {ended}: stopped the other tasks"))
            raise TaskDied(said.format(task=task.name, ended=how_it_ended(code), hint=hint))
        if code != 0:
            died.append(f"{task.name} ({how_it_ended(code)})")
            self.say(_("{task} {ended}; the other workers go on without it").format(
                task=task.name, ended=how_it_ended(code)))
        self.chief.tell(f"ended {task.name} {code}")

    def _let_workers_finish(self, died):
        deadline = time.monotonic() + FINISH_SECONDS
        for task in self._by_job("worker"):
            while task.code is None and time.monotonic() < deadline:
                time.sleep(0.1)
            if task.code is None:
                task.stop()
                died.append(_("{task} (did not finish within {seconds} s of the chief; "
                              "stopped)").format(task=task.name,
                                                 seconds=number(FINISH_SECONDS)))
            elif not task.reported:
                self._raise_its_complaint(task)
                if task.code != 0:
                    died.append(f"{task.name} ({how_it_ended(task.code)})")
            task.reported = True

    def _raise_its_complaint(self, task):
        """A task that ended with a learner's mistake (code 2 and a one-line error) stops
        the run with that line, whenever it ended: before the chief or after it."""
        task.reader.join(5)     # its last lines (its error, its result) are read
        if task.code == 2 and task.error:
            self.stop_all()
            raise UserError(task.error)

    # -- stopping -----------------------------------------------------------------------------
    def interrupt(self):
        """Ctrl-C: the chief first (it saves a checkpoint), then everybody else."""
        if self.tasks:
            self.chief.stop(signal.SIGINT, CHIEF_STOP_SECONDS)
            self.chief.reader.join(5)
        self.stop_all()

    def stop_all(self):
        """Stop every task still running (workers before parameter servers), bounded."""
        alive = [t for t in sorted(self.tasks, key=lambda t: t.job != "worker")
                 if t.code is None]
        for task in alive:
            task.send(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for task in alive:
            try:
                task.proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                task.proc.kill()
                task.proc.wait(STOP_SECONDS)
        for task in self.tasks:
            task.reader.join(2)
            for stream in (task.proc.stdin, task.proc.stdout):
                try:
                    stream.close()
                except (OSError, ValueError):
                    pass


def task_command(module, argv, job, index, spec):
    """How the launcher starts one task: `python -m module`, the lesson's own command line
    `argv` unchanged, then the cluster and which task of it this one is."""
    return [sys.executable, "-m", module, *argv, "--cluster", *spec_flag(spec),
            "--job-name", job, "--task-index", str(index)]


def launch(module, argv, workers, mode):
    """Start one ps and `workers` workers of lesson `module` ("lessons.distributed") here,
    each with the command line `argv` (default: this program's) plus its task; stream their
    output, wait for the chief's result, stop everything that still runs, whatever happens.

    Returns the chief's result, with "died" (the workers that ended before their work was
    done) and "worker_results" ({"worker:i": what it reported}). mode: how the cluster
    trains, said once ("asynchronous SGD").
    """
    if workers > MAX_WORKERS:
        raise UserError(_("--workers {workers}: at most {most} processes on one machine (on a "
                          "real cluster, give their addresses in --cluster)").format(
                              workers=workers, most=MAX_WORKERS))
    argv = sys.argv[1:] if argv is None else list(argv)
    # The tasks import the lesson as the launcher does, installed or not.
    root = Path(importlib.util.find_spec(module).origin).resolve().parents[module.count(".")]
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(root),
                                                       os.environ.get("PYTHONPATH")]))}
    # A task's one-line error, as `cli.run` prints it in the language the task speaks (the
    # same as ours: the same command line and environment).
    error_prefix = _("{prog}: error: {message}").format(prog=f"python -m {module}", message="")
    with LocalCluster(functools.partial(task_command, module, argv), workers=workers,
                      error_prefix=error_prefix, env=env) as local:
        tasks = ", ".join((_("{task} (chief) at {address}") if t is local.chief else
                           _("{task} at {address}")).format(
                               task=t.name, address=local.spec[t.job][t.index])
                          for t in local.tasks)
        print(_("A cluster of {n} processes on this machine ({mode}): {tasks}").format(
            n=len(local.tasks), mode=_(mode), tasks=tasks), flush=True)
        outcome = local.wait()
    result = {**outcome.result, "died": outcome.died, "worker_results": outcome.workers}
    for name in outcome.died:
        print("\n" + _("{task} ended before its work was done: its share of the data is not "
                       "fully trained. The chief's checkpoint and summaries are in {folder}; "
                       "continue with: {command}").format(
                           task=name, folder=result["run_dir"], command=result["continue"]))
    return result


def run(main):
    """`cli.run(main)` for a lesson whose processes are a cluster's tasks: a learner's
    mistake is one line and exit code 2, a result with workers that "died" exit code 1, a
    bug its traceback; and the process ends with `end_process` (a task's gRPC server
    cannot be shut down, and would keep a normal exit waiting forever)."""
    @functools.wraps(main)          # (its module names the program in error lines)
    def program(argv=None):
        if main(argv).get("died"):
            sys.exit(1)

    code = 0
    try:
        cli.run(program)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:                   # a bug: its traceback, then out
        traceback.print_exc()
        code = 1
    end_process(code)
