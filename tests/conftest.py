"""Fixtures and helpers shared by the test files.

The shared MNIST folders, slow tests, a clean environment for every test, lessons run as a
learner runs them, reading back what a run wrote, fake MNIST files, small graphs and oracles.
"""

import os
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# The real MNIST data, kept outside the project (never copied into it).
MNIST_DIR = REPO_ROOT.parent / "shared" / "data" / "mnist"             # the 10k test set
MNIST_FULL_DIR = REPO_ROOT.parent / "shared" / "data" / "mnist-full"   # 60k + 10k
_NEEDED = {
    "mnist": (MNIST_DIR, ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")),
    "mnist-full": (MNIST_FULL_DIR, ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                                    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")),
}


def missing_data():
    """{"mnist" | "mnist-full": why it is missing} for the shared data sets not found."""
    absent = {}
    for key, (folder, names) in _NEEDED.items():
        lacking = [n for n in names if not (folder / n).is_file()]
        if lacking:
            absent[key] = f"real MNIST not found in {folder} (expected {', '.join(lacking)})"
    return absent


def _shared(key):
    """The folder of a shared data set; a test without it is skipped — or fails under CI
    ($CI set), so CI can never pass while testing little."""
    why = missing_data().get(key)
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"{why}; CI must have the shared data", pytrace=False)
        pytest.skip(why)
    return _NEEDED[key][0]


@pytest.fixture
def shared_mnist_dir() -> Path:
    """The real MNIST test set (two t10k IDX files) at ../shared/data/mnist: 8,000 train / 2,000 test."""
    return _shared("mnist")


@pytest.fixture
def shared_mnist_full_dir() -> Path:
    """The whole real MNIST (60,000 + 10,000) at ../shared/data/mnist-full."""
    return _shared("mnist-full")


# -- slow tests: skipped by a plain `pytest`, run by `pytest --all` (what CI runs) ----------

def pytest_addoption(parser):
    parser.addoption("--all", action="store_true",
                     help="also run the slow tests (lessons on real digits, live TensorBoard)")


def pytest_xdist_auto_num_workers(config):
    """Workers for `-n auto` (setup.cfg's addopts): one per core for the quick suite, the loop
    a learner runs after every change, and for `--all`, what CI runs (its longest tests go
    first, see `minutes`); none for a run of chosen files or a -k/-m selection, where starting
    workers (each imports TensorFlow) costs more than it saves. A module fixture is set up
    once on each worker that runs one of its tests (test_tensorboard_live's runs every lesson:
    about a minute each; xdist's `loadgroup`, which would keep them on one worker, does not
    group under pytest 9.2: it renames `item._nodeid`, which pytest no longer reads)."""
    chosen = config.args_source != pytest.Config.ArgsSource.TESTPATHS
    if chosen or config.option.keyword or config.option.markexpr:
        return 0
    cores = os.cpu_count() or 1
    return cores if cores > 1 else 0


def minutes(item):
    """A slow test's own estimate of its length, `@pytest.mark.slow(minutes=7)`; 0 if none."""
    mark = item.get_closest_marker("slow")
    return mark.kwargs.get("minutes", 0) if mark else 0


def pytest_collection_modifyitems(config, items):
    if config.getoption("--all") or config.getoption("-m"):
        # The longest first: spread over workers, no worker is left with one at the end.
        items.sort(key=minutes, reverse=True)
        return
    skip = pytest.mark.skip(reason="slow: run with `pytest --all` (CI does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


# -- every test in the same environment ----------------------------------------------------

# Read by tfgraph: a learner may have any of them set (TFGRAPH_OFFLINE=1 to work offline),
# and a test must not pass or fail by what the caller's shell holds.
TFGRAPH_ENV = ("TFGRAPH_OFFLINE", "TFGRAPH_DATA_DIR", "TFGRAPH_LOGDIR", "TFGRAPH_LANG",
               "LC_ALL", "LC_MESSAGES")


@pytest.fixture(autouse=True)
def _no_tfgraph_environment(monkeypatch):
    """Every test starts without TFGRAPH_OFFLINE, TFGRAPH_DATA_DIR, TFGRAPH_LOGDIR and
    TFGRAPH_LANG, in an English UTF-8 locale (a caller's LANG=pt_BR would turn the lessons
    Portuguese), and ends in English; a test that needs one sets it itself
    (monkeypatch.setenv, or the env of a process it starts)."""
    for name in TFGRAPH_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    yield
    from tfgraph.support import i18n
    i18n.use("en")


@pytest.fixture(autouse=True)
def _ctrl_c_as_python_has_it(request):
    """Every test starts with Python's own Ctrl-C (KeyboardInterrupt in the main thread): the
    Ctrl-C tests press it for real, and a handler some earlier code left behind in this
    process would swallow their press and hang them. One left behind is named as a warning."""
    import signal
    import threading
    import warnings
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    left = signal.getsignal(signal.SIGINT)
    if left is not signal.default_int_handler:
        warnings.warn(f"{request.node.nodeid} left a SIGINT handler behind: {left!r}")
        signal.signal(signal.SIGINT, signal.default_int_handler)


# -- a lesson run as a learner runs it --------------------------------------------------------

def lesson_process(lesson, *flags, env=None, timeout=300, **kwargs):
    """`python -m lessons.<lesson> *flags` in a new process, run to its end, offline
    (TFGRAPH_OFFLINE=1) and without TFGRAPH_DATA_DIR unless `env` sets them: a
    CompletedProcess with text stdout and stderr."""
    full_env = {**os.environ, "TFGRAPH_OFFLINE": "1", **(env or {})}
    if "TFGRAPH_DATA_DIR" not in (env or {}):
        full_env.pop("TFGRAPH_DATA_DIR", None)
    return subprocess.run([sys.executable, "-m", f"lessons.{lesson}", *flags], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=timeout, env=full_env,
                          **kwargs)


@pytest.fixture
def lesson_main(monkeypatch, capfd):
    """lesson_process's twin in this process, for the many cases of one command (a bad flag,
    bad data) where a new Python would spend 0.3 s starting: `lesson_main(lesson, *flags,
    env=None)` runs `python -m lessons.<lesson> *flags` as the real command does — its `main`
    through tfgraph.support.cli.run, from the project folder, offline and without
    TFGRAPH_DATA_DIR unless `env` sets them — and returns a CompletedProcess: the exit code
    (SystemExit's; 0 if main returned), stdout, and stderr holding also what the real command
    would print there beside its own lines: Python warnings and log records. Anything else
    main raises (a bug: a traceback in the real command) is raised.

    Each command also has one case run by lesson_process: the real program, started, ended.
    """
    import gc
    import importlib
    import logging
    import warnings

    from tfgraph.support import cli

    class Kept(logging.Handler):
        def __init__(self):
            super().__init__()
            self.lines = []

        def emit(self, record):
            self.lines.append(f"{record.levelname}:{record.name}:{record.getMessage()}\n")

    def run(lesson, *flags, env=None):
        module = importlib.import_module(f"lessons.{lesson}")
        kept, code = Kept(), 0
        with monkeypatch.context() as patch, warnings.catch_warnings(record=True) as warned:
            patch.chdir(REPO_ROOT)
            patch.setenv("TFGRAPH_OFFLINE", "1")
            patch.delenv("TFGRAPH_DATA_DIR", raising=False)
            for name, value in (env or {}).items():
                patch.setenv(name, value)
            warnings.simplefilter("always")
            logging.getLogger().addHandler(kept)
            # No garbage collection meanwhile: TensorFlow logs an error when it collects an
            # unused tensor, and one left by an earlier test is not this command's line.
            collecting = gc.isenabled()
            gc.disable()
            capfd.readouterr()
            try:
                cli.run(module.main, list(flags))
            except SystemExit as stop:
                code = stop.code
            finally:
                if collecting:
                    gc.enable()
                logging.getLogger().removeHandler(kept)
            out, err = capfd.readouterr()
        if not isinstance(code, int):       # as Python ends on sys.exit(None) or sys.exit(text)
            err, code = err + (f"{code}\n" if code is not None else ""), int(code is not None)
        # What Python's default warning filters show (a DeprecationWarning only from __main__,
        # the lesson itself): lines on the real command's stderr.
        hidden = (PendingDeprecationWarning, ImportWarning, ResourceWarning)
        err += "".join(warnings.formatwarning(w.message, w.category, w.filename, w.lineno)
                       for w in warned if not issubclass(w.category, hidden) and not (
                           issubclass(w.category, DeprecationWarning)
                           and w.filename != module.__file__))
        err += "".join(kept.lines)
        return subprocess.CompletedProcess(["python", "-m", f"lessons.{lesson}", *flags],
                                           code, out, err)
    return run


def assert_one_line_error(proc, *words):
    """A learner's mistake: exit code 2, no traceback, one line on stderr holding every one
    of `words`. Returns that line."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


# -- a learner pressing Ctrl-C -------------------------------------------------------------

def interrupt_lesson(lesson, flags, env=None, timeout=120):
    """Run `python -m lessons.<lesson> *flags`, press Ctrl-C (SIGINT) as soon as it prints its
    first progress line ("epoch 1 ..."), and wait for it to end: (returncode, stdout, stderr).

    env: the whole environment (default: this one, with TFGRAPH_OFFLINE=1).
    """
    import signal
    proc = subprocess.Popen(
        [sys.executable, "-m", f"lessons.{lesson}", *flags], cwd=REPO_ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env if env is not None else {**os.environ, "TFGRAPH_OFFLINE": "1"},
        # a shell without job control starts background jobs with SIGINT ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        for line in proc.stdout:
            if line.startswith("epoch 1 "):          # training is under way
                proc.send_signal(signal.SIGINT)
                break
        out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out, err


# -- reading what a lesson wrote ------------------------------------------------------------

def load_events(run_dir):
    """An EventAccumulator over one TensorBoard run folder, with everything kept."""
    from tensorboard.backend.event_processing import event_accumulator as ea

    acc = ea.EventAccumulator(str(run_dir), size_guidance={
        ea.SCALARS: 0, ea.HISTOGRAMS: 0, ea.IMAGES: 0, ea.TENSORS: 0, ea.GRAPH: 0})
    acc.Reload()
    return acc


@pytest.fixture
def events():
    return load_events


def scalar_steps(folder):
    """{tag: [step, ...]} of every scalar in every event file of one run folder, as written:
    duplicates kept (TensorBoard's EventAccumulator would hide them)."""
    from tfgraph import tf
    steps = {}
    for path in sorted(Path(folder).glob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                if value.WhichOneof("value") == "simple_value":
                    steps.setdefault(value.tag, []).append(event.step)
    return steps


# -- fake data in MNIST's format ----------------------------------------------------------

# MNIST's four file names, written out here rather than taken from tfgraph.data.mnist, so the
# tests check the library against the names of the real distribution.
MNIST_IDX_NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                   "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def make_images(n, rows=28, cols=28, seed=0):
    """uint8 [n, rows, cols] of random pixels."""
    return np.random.default_rng(seed).integers(0, 256, size=(n, rows, cols), dtype=np.uint8)


def make_labels(n, offset=0):
    """uint8 [n]: the digits 0-9 in turn, starting at `offset`."""
    return ((np.arange(n) + offset) % 10).astype(np.uint8)


def write_mnist_idx(folder, n_train=100, n_test=20, rows=28, cols=28, *, test_size=None,
                    train_labels=None, suffix=".gz", names=MNIST_IDX_NAMES):
    """Four IDX files of random digits in `folder` (made if missing), as MNIST ships them:
    train images and labels, test images and labels. test_size: (rows, cols) of the test
    images if not those of the training ones; train_labels: labels to write instead of
    0-9 in turn (any count or value: for the data errors). Returns the four arrays written,
    in `names` order."""
    from tfgraph.data.idx import write_idx
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = (make_images(n_train, rows, cols, 1),
              make_labels(n_train) if train_labels is None else train_labels,
              make_images(n_test, *(test_size or (rows, cols)), 2), make_labels(n_test, 3))
    for name, array in zip(names, arrays):
        write_idx(folder / (name + suffix), array)
    return arrays


def error_of(call, *args, **kwargs) -> str:
    """The UserError message of call(...), checked to be one line."""
    from tfgraph.support.errors import UserError
    with pytest.raises(UserError) as caught:
        call(*args, **kwargs)
    message = str(caught.value)
    assert "\n" not in message and message.strip() == message
    return message


# -- small graphs and oracles -----------------------------------------------------------------

def np_sigmoid(z):
    """σ(z) in float64, written independently of tfgraph's e^(-|z|) form: exp(-log(1 + e^-z))."""
    z = np.asarray(z, np.float64)
    return np.exp(-np.logaddexp(0.0, -z))


def static_shapes(net, skip=()):
    """{field: static shape as a list} of a lesson's graph tuple, for every tensor or variable
    in it but the fields named in `skip`."""
    return {name: t.shape.as_list() for name, t in net._asdict().items()
            if name not in skip and hasattr(t, "shape") and hasattr(t, "dtype")}


def run_graph(build, seed=0):
    """Build `build()` in a fresh seeded graph, initialise its variables and run what it
    returns: build() returns (fetches, {placeholder: value})."""
    from tfgraph import new_graph, tf
    graph = new_graph(seed)
    with graph.as_default():
        fetches, feed = build()
        init = tf.compat.v1.global_variables_initializer()
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        return sess.run(fetches, feed_dict=feed)


def run_args(logdir, **extra):
    """The parsed flags a `tfgraph.support.Run` needs, for a lesson named "core"."""
    return Namespace(lesson="core", logdir=logdir, run_name=None, **extra)


def tiny_network_run(tmp_path):
    """A Run (not yet entered) on a tiny network x [None, 2] -> layer/weights [2, 10], with
    writers "train" and "test": (run, x, y, loss, train_op, summary, make_nan). make_nan sets
    the weights to NaN, as a diverged run's are."""
    from tfgraph import new_graph, tf
    from tfgraph.support import Run
    graph = new_graph(0)
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 2], name="x")
        y = tf.compat.v1.placeholder(tf.float32, [None, 10], name="y")
        w = tf.compat.v1.get_variable("layer/weights", [2, 10])
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
        train_op = tf.compat.v1.assign_sub(w, 0.1 * tf.gradients(loss, [w])[0])
        summary = tf.compat.v1.summary.merge([
            tf.compat.v1.summary.scalar("loss", loss),
            tf.compat.v1.summary.histogram("layer/activations", tf.matmul(x, w))])
        make_nan = w.assign(tf.fill([2, 10], float("nan")))
    run = Run(run_args(tmp_path), graph, writers=("train", "test"), checkpoints=False)
    return run, x, y, loss, train_op, summary, make_nan


# -- Portuguese output ------------------------------------------------------------------------

# English words that no Portuguese sentence holds (Portuguese's own "a", "e", "no", "as",
# "de" are left out): one of them in a --lang pt output is an English sentence left over.
ENGLISH_ONLY = frozenset(
    "the of and with is are to from on in by for after every each this that not your was "
    "were will has have it its than at an which when where only one two three new run runs "
    "steps epoch epochs training accuracy loss wrong hidden layer weights learning "
    "rate data digits never seen test train saved open see".split())
# ("step" is left out: it is also the name of an activation function, `--activation step`.)
_CODE_LINE = ("python -m", "tensorboard --logdir", "tensorboard ", "$ ", "    python")


def english_left(output):
    """The lines of a --lang pt output that still hold English words (see ENGLISH_ONLY):
    commands, paths, `code`, calls and dotted names, flags, tags, TensorFlow's own log lines
    and the exceptions a lesson shows on purpose (`InvalidArgumentError: You must feed...`,
    with the lines wrapped below it) are left out."""
    import re
    left, quoted_indent = [], None
    for line in output.splitlines():
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if quoted_indent is not None and stripped and indent > quoted_indent:
            continue                                # an exception's text, wrapped
        quoted_indent = None
        if re.match(r"^[A-Z]\w*(Error|Exception): ", stripped):
            quoted_indent = indent                  # TensorFlow's or Python's own words
            continue
        if not stripped or stripped.startswith(_CODE_LINE) or re.match(
                r"^(WARNING: All log messages|[IWEF]\d{4} |\S+\.cc:\d+\])", stripped):
            continue
        prose = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"|\S*(?:[/_=\\<>()]|\.\w)\S*|--?[a-z][\w-]*"
                       r"|\b[A-Z][A-Z0-9]+\b", " ", line)      # code, flags, METAVARS
        words = {w.lower() for w in re.findall(r"[^\W\d_]+", prose)}     # "até" is not "at"
        if words & ENGLISH_ONLY:
            left.append(line)
    return left


# -- a sentence in both languages, said before a call ------------------------------------------

class Stopped(Exception):
    """Raised by the stand-in `said_before` puts in place of a call."""


def said_before(monkeypatch, capsys, owner, name, call, counts=(1, 2), last_line=False):
    """What code prints before it reaches `owner.<name>`, in English and in Portuguese, for
    each count: {(lang, count): its output, or only its last line}. `call(lang, count)` runs
    the code (after `i18n.use(lang)`); `owner.<name>` is replaced by a stand-in that stops it
    there, so nothing after that sentence (a run folder, a training) happens."""
    from tfgraph.support import i18n

    def stop(*args, **kwargs):
        raise Stopped
    monkeypatch.setattr(owner, name, stop)
    said = {}
    for lang in ("en", "pt"):
        i18n.use(lang)
        for count in counts:
            with pytest.raises(Stopped):
                call(lang, count)
            out = capsys.readouterr().out
            said[lang, count] = out.splitlines()[-1] if last_line else out.strip()
    return said
