"""Proof that TensorBoard really shows what every lesson promises: a live server, over HTTP.

One module-scoped fixture runs every lesson of `lessons.SYLLABUS` in this process, on the small
flags of its promise module (`tests/tensorboard_promises/<lesson>.py`), into one temporary log
root; then it starts the real `tensorboard` program on that root and stops it when the module
is done. The tests ask TensorBoard's HTTP API — the one its web pages use — for each lesson's
runs, graph, scalars, histograms, images, traced step, text and hyperparameters, and compare
what is served with what the promise module says. A tag a lesson promises but TensorBoard does
not serve fails the test, and so does a tag it serves but never promised; and the promises
must name exactly what the lesson's docstring names in its "In TensorBoard" section.

Lessons that need no data always run. A lesson that needs the real digits of
../shared/data/mnist is skipped when they are missing — except under CI (`$CI` set), where
missing data fails the test: CI must never pass while testing little.

Slow (TensorFlow's import, in this process and in TensorBoard's, and the training):
`pytest --all` or `pytest -m slow`.
"""

import contextlib
import importlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import MNIST_DIR, missing_data
from lessons import SYLLABUS
from tensorboard_promises import docstring_names, promised_names

pytestmark = pytest.mark.slow

LESSONS = [name for name, *_ in SYLLABUS]

STARTUP_TIMEOUT = 60    # seconds for TensorBoard to load the runs and answer /data/runs
REQUEST_TIMEOUT = 30    # seconds for one HTTP request
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HPARAMS_STATUSES = ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"]


def promise_module(lesson):
    try:
        return importlib.import_module(f"tensorboard_promises.{lesson}")
    except ModuleNotFoundError:
        pytest.fail(f"lesson {lesson} is in SYLLABUS but has no promise module: add "
                    f"tests/tensorboard_promises/{lesson}.py (NEEDS, flags, promises)")


def lesson_folder(result):
    return Path(result.get("run_dir") or result["sweep_dir"])


def lesson_run_name(lesson, result):
    folder = lesson_folder(result)
    return f"{lesson}/{folder.name}"


def promises(lesson, result):
    """{run name relative to the log root: Promise} for one lesson's result."""
    runs = promise_module(lesson).promises(result)
    base = lesson_run_name(lesson, result)
    return {f"{base}/{sub}" if sub else base: promise for sub, promise in runs.items()}


# -- the live TensorBoard --------------------------------------------------------------------

class Board:
    """A running TensorBoard, read through its HTTP API with urllib."""

    def __init__(self, url):
        self.url = url
        self._cache = {}

    def _open(self, path, params=None, body=None):
        url = self.url + path + (f"?{urllib.parse.urlencode(params)}" if params else "")
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method="GET" if data is None else "POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
                return response.read()
        except urllib.error.HTTPError as e:
            detail = e.read()[:500].decode(errors="replace")
            raise AssertionError(f"TensorBoard answered {e.code} to {url}"
                                 f"{' with body ' + data.decode() if data else ''}: {detail}")

    def bytes(self, path, **params):
        return self._open(path, params)

    def json(self, path, **params):
        key = (path, tuple(sorted(params.items())))
        if key not in self._cache:
            self._cache[key] = json.loads(self._open(path, params))
        return self._cache[key]

    def post(self, path, body):
        return json.loads(self._open(path, body=body))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tensorboard_command():
    # The `tensorboard` next to this Python first (same environment as the tests), then PATH.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    exe = shutil.which("tensorboard", path=path)
    return [exe] if exe else [sys.executable, "-m", "tensorboard.main"]


@contextlib.contextmanager
def live_tensorboard(logdir, scratch):
    """Start TensorBoard on `logdir`, wait until it serves /data/runs, stop it at the end."""
    port = free_port()
    command = [*tensorboard_command(), "--logdir", str(logdir), "--host", "127.0.0.1",
               "--port", str(port), "--load_fast=false", "--reload_interval=0",
               "--reload_task=blocking"]
    log = scratch / "tensorboard.log"
    with open(log, "wb") as out:  # a file, not a pipe: a full pipe would block TensorBoard
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)

    def output():
        text = log.read_text(errors="replace").strip()
        return text[-3000:] or "(nothing)"

    try:
        board = Board(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"TensorBoard exited with code {proc.returncode} before serving "
                            f"/data/runs.\nCommand: {' '.join(command)}\nIts output:\n{output()}")
            try:
                with urllib.request.urlopen(board.url + "/data/runs", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"TensorBoard did not answer {board.url}/data/runs within "
                            f"{STARTUP_TIMEOUT} s.\nCommand: {' '.join(command)}\n"
                            f"Its output:\n{output()}")
            time.sleep(0.25)
        yield board
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@dataclass
class Live:
    root: Path                  # the log root every lesson wrote into
    results: dict               # lesson -> what its main() returned
    promised: dict              # lesson -> {run name: Promise}
    board: Board
    startup_seconds: float
    skipped: dict               # lesson -> why it did not run (its data is missing)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    modules = {name: promise_module(name) for name in LESSONS}
    absent = missing_data()
    root = tmp_path_factory.mktemp("live_logs")
    results, skipped = {}, {}
    for name, module in modules.items():
        if module.NEEDS and module.NEEDS in absent:
            skipped[name] = absent[module.NEEDS]
            continue
        lesson = importlib.import_module(f"lessons.{name}")
        results[name] = lesson.main(["--logdir", str(root), *module.flags(str(MNIST_DIR))])
    promised = {name: promises(name, result) for name, result in results.items()}
    started = time.monotonic()
    with live_tensorboard(root, tmp_path_factory.mktemp("tensorboard")) as board:
        yield Live(root, results, promised, board, time.monotonic() - started, skipped)


def ran(live, lesson):
    """Skip (or, under CI, fail) the test of a lesson that could not run for want of data."""
    if lesson in live.skipped:
        message = f"lesson {lesson} not run: {live.skipped[lesson]}"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must have the shared data)", pytrace=False)
        pytest.skip(message)


# -- helpers for useful failure messages -------------------------------------------------------

def compare(what, promised, served):
    """A problem line when two sets differ, naming both sides; else None."""
    promised, served = set(promised), set(served)
    if promised == served:
        return None
    parts = []
    if promised - served:
        parts.append(f"promised but not served: {sorted(promised - served)}")
    if served - promised:
        parts.append(f"served but not promised: {sorted(served - promised)}")
    return f"{what}: {'; '.join(parts)} (served: {sorted(served)})"


def report(lesson, problems):
    problems = [p for p in problems if p]
    if problems:
        pytest.fail("\n  ".join([f"lesson {lesson}: what TensorBoard serves differs from what "
                                 f"its docstring promises:", *problems]), pytrace=False)


def served_runs(live, lesson):
    return {run for run in live.board.json("/data/runs") if run.split("/")[0] == lesson}


def event_folders(live, lesson):
    """Every folder the lesson wrote event files into, as a run name."""
    return {path.parent.relative_to(live.root).as_posix()
            for path in (live.root / lesson).rglob("events.out.tfevents.*")}


def image_groups(promise, tags):
    """{promised name: [served tags]} and the served tags no promise accounts for.

    A v1 image summary `name` with n images is served as tags `name/image/0` ... `name/image/n-1`;
    a promised name ending in "/" (misclassified/) matches every tag under it.
    """
    groups = {name: sorted((t for t in tags if t == name or t.startswith(name + "/image/")
                            or (name.endswith("/") and t.startswith(name))),
                           key=lambda t: (len(t), t))
              for name in promise.images}
    matched = {t for group in groups.values() for t in group}
    return groups, sorted(set(tags) - matched)


# -- the tests ---------------------------------------------------------------------------------

def test_every_lesson_of_the_syllabus_ran_and_tensorboard_started(live):
    assert set(live.results) | set(live.skipped) == set(LESSONS)
    assert not (live.skipped and os.environ.get("CI")), f"under CI, lessons not run: {live.skipped}"
    # The lessons that need no data always run: without ../shared the suite still tests them.
    assert {name for name in LESSONS if not promise_module(name).NEEDS} <= set(live.results)
    assert live.startup_seconds < STARTUP_TIMEOUT
    plugins = live.board.json("/data/plugins_listing")
    for plugin in ("scalars", "graphs", "histograms", "distributions", "images", "text",
                   "hparams"):
        assert plugin in plugins, f"plugin {plugin} missing from /data/plugins_listing: {plugins}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_each_run_is_listed(live, lesson):
    ran(live, lesson)
    promised = set(live.promised[lesson])
    report(lesson, [
        compare("runs in /data/runs", promised, served_runs(live, lesson)),
        compare(f"run folders written under {live.root / lesson}", promised,
                event_folders(live, lesson)),
    ])


@pytest.mark.parametrize("lesson", LESSONS)
def test_graph_is_served_with_the_lessons_boxes(live, lesson):
    ran(live, lesson)
    from google.protobuf import text_format
    from tensorboard.compat.proto import graph_pb2

    promised = live.promised[lesson]
    info = live.board.json("/data/plugin/graphs/info")
    graph_runs = {run for run, entry in info.items()
                  if run.split("/")[0] == lesson and entry.get("run_graph")}
    problems = [compare("runs with a graph (/data/plugin/graphs/info)",
                        [run for run, p in promised.items() if p.graph_scopes], graph_runs)]
    for run, promise in promised.items():
        if not promise.graph_scopes or run not in graph_runs:
            continue
        text = live.board.bytes("/data/plugin/graphs/graph", run=run).decode()
        graph = text_format.Parse(text, graph_pb2.GraphDef())
        names = {node.name for node in graph.node}
        scopes = {name.split("/")[0] for name in names}
        missing = sorted(set(promise.graph_scopes) - scopes)
        if missing:
            problems.append(f"{run}: graph lacks the boxes {missing} (its top-level boxes: "
                            f"{sorted(scopes)})")
        for scope, op_types in promise.graph_ops.items():
            inside = {node.op for node in graph.node if node.name.startswith(scope + "/")}
            if not op_types <= inside:
                problems.append(f"{run}: box {scope} lacks the ops {sorted(op_types - inside)}"
                                f" (its op types: {sorted(inside)})")
        for node in promise.graph_nodes:
            if not any(name == node or (node.endswith("/") and name.startswith(node))
                       for name in names):
                problems.append(f"{run}: graph has no node {node}")
    report(lesson, problems)


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_promised_scalar_is_served_with_its_points(live, lesson):
    ran(live, lesson)
    tags = live.board.json("/data/plugin/scalars/tags")
    problems = []
    for run, promise in live.promised[lesson].items():
        served = tags.get(run, {})
        problems.append(compare(f"{run}: scalar tags", promise.scalars, served))
        for tag, steps in promise.scalars.items():
            if tag not in served:
                continue
            points = live.board.json("/data/plugin/scalars/scalars", run=run, tag=tag)
            got_steps = [step for _, step, _ in points]
            values = [value for _, _, value in points]
            if got_steps != steps:
                problems.append(f"{run}: scalar {tag} has points at steps {got_steps}, "
                                f"expected {steps}")
            if tag in promise.scalar_values and values != pytest.approx(
                    promise.scalar_values[tag], rel=1e-6):
                problems.append(f"{run}: scalar {tag} has values {values}, expected "
                                f"{promise.scalar_values[tag]}")
            if tag in promise.scalar_last and values and values[-1] != pytest.approx(
                    promise.scalar_last[tag], rel=1e-6, abs=1e-7):
                problems.append(f"{run}: scalar {tag} ends at {values[-1]}, expected "
                                f"{promise.scalar_last[tag]}")
    report(lesson, problems)


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_promised_histogram_is_served(live, lesson):
    ran(live, lesson)
    tags = live.board.json("/data/plugin/histograms/tags")
    distributions = live.board.json("/data/plugin/distributions/tags")
    problems = []
    for run, promise in live.promised[lesson].items():
        served = tags.get(run, {})
        problems.append(compare(f"{run}: histogram tags", promise.histograms, served))
        # The Distributions tab draws the same tensors as bands over time.
        problems.append(compare(f"{run}: distribution tags", promise.histograms,
                                distributions.get(run, {})))
        for tag, steps in promise.histograms.items():
            if tag not in served:
                continue
            series = live.board.json("/data/plugin/histograms/histograms", run=run, tag=tag)
            got_steps = [step for _, step, _ in series]
            if got_steps != steps:
                problems.append(f"{run}: histogram {tag} at steps {got_steps}, expected {steps}")
            if any(not buckets for _, _, buckets in series):
                problems.append(f"{run}: histogram {tag} has a step with no buckets")
    report(lesson, problems)


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_promised_image_is_served_as_png(live, lesson):
    ran(live, lesson)
    tags = live.board.json("/data/plugin/images/tags")
    problems = []
    for run, promise in live.promised[lesson].items():
        served = tags.get(run, {})
        groups, unpromised = image_groups(promise, served)
        if unpromised:
            problems.append(f"{run}: images served but not promised: {unpromised}")
        for name, (count, steps) in promise.images.items():
            group = groups[name]
            if not group or (count is not None and len(group) != count):
                problems.append(f"{run}: image {name} served as {len(group)} tags "
                                f"({group}), expected {count or 'at least 1'} "
                                f"(all image tags of the run: {sorted(served)})")
                continue
            for tag in group:
                samples = live.board.json("/data/plugin/images/images", run=run, tag=tag,
                                          sample=0)
                got_steps = [s["step"] for s in samples]
                if got_steps != steps:
                    problems.append(f"{run}: image {tag} at steps {got_steps}, expected {steps}")
            # One real picture per promised image: the bytes TensorBoard hands the browser.
            query = live.board.json("/data/plugin/images/images", run=run, tag=group[0],
                                    sample=0)[-1]["query"]
            png = live.board.bytes("/data/plugin/images/individualImage",
                                   **dict(urllib.parse.parse_qsl(query)))
            if not png.startswith(PNG_SIGNATURE):
                problems.append(f"{run}: image {group[0]} is not a PNG (starts {png[:16]!r})")
    if lesson == "mnist_dense":
        test_run = f"{lesson_run_name(lesson, live.results[lesson])}/test"
        problems.append(compare(f"{test_run}: misclassified image tags",
                                live.results[lesson]["misclassified_tags"],
                                [t for t in tags.get(test_run, {})
                                 if t.startswith("misclassified/")]))
    report(lesson, problems)


@pytest.mark.parametrize("lesson", LESSONS)
def test_traced_steps_are_served_as_run_metadata(live, lesson):
    ran(live, lesson)
    info = live.board.json("/data/plugin/graphs/info")
    problems = []
    for run, promise in live.promised[lesson].items():
        served = info.get(run, {}).get("tags", {})
        problems.append(compare(f"{run}: run-metadata tags (/data/plugin/graphs/info)",
                                promise.run_metadata, served))
        for tag in promise.run_metadata:
            if tag not in served:
                continue
            if not served[tag].get("profile"):
                problems.append(f"{run}: run metadata {tag} has no profile: {served[tag]}")
            trace = live.board.bytes("/data/plugin/graphs/run_metadata", run=run,
                                     tag=tag).decode()
            # "the time and memory of every op for one traced step"
            for needle in ("step_stats", "all_end_rel_micros", "memory_stats",
                           'node_name: "relu_layer/', 'node_name: "sgd_trainer/'):
                if needle not in trace:
                    problems.append(f"{run}: run metadata {tag} has no {needle!r}")
    report(lesson, problems)


@pytest.mark.parametrize("lesson", LESSONS)
def test_promised_text_is_served(live, lesson):
    ran(live, lesson)
    tags = live.board.json("/data/plugin/text/tags")
    problems = []
    for run, promise in live.promised[lesson].items():
        served = tags.get(run, [])
        by_name = {t: t for t in served}          # the tag is the name the lesson gave
        problems.append(compare(f"{run}: text (tags {served})", promise.text, by_name))
        for name, needles in promise.text.items():
            if name not in by_name:
                continue
            entries = live.board.json("/data/plugin/text/text", run=run, tag=by_name[name])
            text = " ".join(entry["text"] for entry in entries)
            for needle in needles:
                if needle not in text:
                    problems.append(f"{run}: text {by_name[name]} does not mention {needle!r}:"
                                    f" {text[:300]!r}")
    report(lesson, problems)


def test_hparams_dashboard_shows_the_learning_rate_sweep(live):
    ran(live, "tensorboard")
    result = live.results["tensorboard"]
    sweep = lesson_run_name("tensorboard", result)
    trials = {Path(t["run_dir"]).name: t for t in result["trials"]}
    rates = sorted(t["learning_rate"] for t in trials.values())
    assert rates == sorted(promise_module("tensorboard").LEARNING_RATES)

    # The request bodies the HParams dashboard sends (tensorboard/plugins/hparams/api.proto:
    # GetExperimentRequest, ListSessionGroupsRequest; an empty experimentName = this logdir).
    experiment = live.board.post("/data/plugin/hparams/experiment", {"experimentName": ""})
    hparams = {h["name"]: h for h in experiment.get("hparamInfos", [])}
    assert "learning_rate" in hparams, f"no learning_rate hparam in {experiment}"
    assert hparams["learning_rate"].get("domainDiscrete") == pytest.approx(rates), (
        f"learning_rate's values: {hparams['learning_rate']}, expected the sweep's {rates}")
    metrics = {(m["name"].get("group"), m["name"]["tag"])
               for m in experiment.get("metricInfos", [])}
    assert ("test", "accuracy") in metrics, f"no test accuracy metric in {experiment}"

    groups = live.board.post("/data/plugin/hparams/session_groups", {
        "experimentName": "", "allowedStatuses": HPARAMS_STATUSES, "colParams": [],
        "startIndex": 0, "sliceSize": 100})
    by_name = {g["name"]: g for g in groups.get("sessionGroups", [])}
    assert set(by_name) == set(trials), (
        f"session groups {sorted(by_name)}, expected one per trial {sorted(trials)}: {groups}")
    for name, trial in trials.items():
        group = by_name[name]
        assert group["hparams"].get("learning_rate") == pytest.approx(trial["learning_rate"]), (
            f"session group {name}: hparams {group['hparams']}")
        assert [s["name"] for s in group["sessions"]] == [f"{sweep}/{name}"], group["sessions"]
        assert [s.get("status") for s in group["sessions"]] == ["STATUS_SUCCESS"], (
            f"session group {name}: a finished trial should say so: {group['sessions']}")
        accuracy = [m["value"] for m in group.get("metricValues", [])
                    if m["name"] == {"group": "test", "tag": "accuracy"}]
        assert accuracy == pytest.approx([trial["test_accuracy"]], rel=1e-6), (
            f"session group {name}: test accuracy {accuracy}, the lesson measured "
            f"{trial['test_accuracy']}")


@pytest.mark.parametrize("lesson", LESSONS)
def test_docstring_names_exactly_what_is_promised(live, lesson):
    """The lesson's docstring (what a learner reads, and `--help`) and the promises held above
    name the same runs, boxes and tags: neither can drift from the other."""
    ran(live, lesson)
    doc = importlib.import_module(f"lessons.{lesson}").__doc__
    in_doc = docstring_names(doc)
    assert in_doc is not None, f"lesson {lesson}: its docstring has no 'In TensorBoard' section"
    module = promise_module(lesson)
    runs = module.promises(live.results[lesson])
    promised = promised_names(runs, getattr(module, "doc_run", None))
    problems = []
    if promised - in_doc:
        problems.append(f"promised here but not named in the docstring's 'In TensorBoard' "
                        f"section (in backticks): {sorted(promised - in_doc)}")
    if in_doc - promised:
        problems.append(f"named in the docstring's 'In TensorBoard' section but not promised "
                        f"(so never checked): {sorted(in_doc - promised)}")
    report(lesson, problems)
