"""Running an exercise's checks on a learner's file, and saying what went wrong.

`run_checks` calls each check on the learner's module and turns every failure into one
`Result` with a hint: a `Hint` as the check wrote it, `NotImplementedError` as "not written
yet", any other error as the error's own line (the learner's code raised it). `check_file`
does the same through pytest, as `python -m lessons.exercises check` runs it.
"""

import hashlib
import importlib.util
import itertools
import json
import os
import sys
import traceback
from pathlib import Path
from typing import NamedTuple

from lessons.exercises import Hint, checks, exercise
from tfgraph.support.i18n import N_, _

_loaded = itertools.count(1)
STATUS_FILE = ".status.json"   # beside the learner's files: the last result of each, by content
# The status words, kept in English in STATUS_FILE and shown translated (`_(status(...))`).
NOT_STARTED, PASSED, FAILING, NOT_CHECKED = (N_("not started"), N_("passed"), N_("failing"),
                                             N_("not checked"))
# The checks' names as `check` shows them: in English the check's own name, in another
# language its title (`_(result.check)`); a test holds every check of every exercise here.
CHECK_NAMES = (
    N_("theta_is_two_by_one"), N_("matches_numpy_lstsq"), N_("intercept_is_there"),
    N_("solved_by_the_normal_equations"), N_("same_shape_as_z"), N_("values_match_the_formula"),
    N_("slope_matches_the_derivative"), N_("no_nan_slope_at_z_100"),
    N_("built_from_primitive_ops"), N_("one_update_matches_numpy"),
    N_("park_table_learnt_in_two_epochs"), N_("delta_is_batch_by_n"), N_("values_match_numpy"),
    N_("agrees_with_tf_gradients"), N_("one_row_per_point_one_column_per_feature"),
    N_("each_column_is_its_feature"), N_("any_number_of_points"),
    N_("build_makes_an_op_that_adds_one"), N_("count_runs_it_n_times"),
    N_("the_graph_does_not_grow_in_the_loop"), N_("count_works_in_a_finalized_graph"),
    N_("batch_size_is_known_when_it_runs"), N_("one_number_for_the_batch"),
    N_("no_nan_for_logits_of_1000"), N_("gradient_is_softmax_minus_labels"),
    N_("logits_are_batch_by_10"), N_("parameter_count"), N_("not_one_linear_map"),
    N_("logits_match_numpy"), N_("hidden_weights_start_random"), N_("block_output_shape"),
    N_("block_parameter_count"), N_("block_values_match_numpy"), N_("vgg16_parameters"),
    N_("counted_from_the_list"), N_("new_dense_layers_train"),
    N_("reused_conv_layers_stay_frozen"), N_("no_gradient_through_the_frozen_layers"),
    N_("trainable_parameters_as_the_lesson_prints"),
    N_("a_scalar_loss_and_a_histogram_weights"), N_("their_values"),
    N_("on_disk_when_write_returns"), N_("each_loss_at_its_step"),
    N_("every_variable_on_the_ps"), N_("the_matmuls_on_this_worker"),
    N_("worker_0_shares_the_same_variables"),
)


class BadFile(Exception):
    """The learner's file cannot be loaded (missing, a syntax error): exit code 2."""


class Result(NamedTuple):
    check: str
    passed: bool
    hint: str = ""


def load(path):
    """The learner's file as a module. BadFile for a missing file or one that does not run."""
    path = Path(path)
    if not path.is_file():
        raise BadFile(_("{path} does not exist: start it first ({command})").format(
            path=path, command=f"python -m lessons.exercises start {path.stem}"))
    spec = importlib.util.spec_from_file_location(f"_learner_{path.stem}_{next(_loaded)}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SyntaxError as e:
        raise BadFile(_("{path}, line {line}: syntax error: {message}").format(
            path=path, line=e.lineno, message=e.msg)) from None
    except Exception as e:                      # (the file runs code at import that fails)
        line = _learner_line(e, path)
        raise BadFile(f"{path}{line}: {type(e).__name__}: {e}") from None
    return module


def _learner_line(error, path):
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if Path(f.filename).resolve() == Path(path).resolve()]
    return _(", line {line}").format(line=frames[-1].lineno) if frames else ""


def _raised_in_module(error, module):
    where = getattr(module, "__file__", None)
    return where is not None and any(
        Path(f.filename).resolve() == Path(where).resolve()
        for f in traceback.extract_tb(error.__traceback__))


def outcome(check, learner, path=None):
    """Run one check; the Result says passed, or the hint."""
    name, function = check
    try:
        function(learner)
    except Hint as h:
        return Result(name, False, str(h))
    except NotImplementedError:
        return Result(name, False, _("not written yet: replace `raise NotImplementedError` "
                                     "with your code"))
    except Exception as e:
        first = (str(e).strip().splitlines() or [""])[0]
        where = _learner_line(e, path) if path else ""
        if not where and not _raised_in_module(e, learner):
            raise                               # a bug of the check, not the learner's
        return Result(name, False, _("your code raised {error}{where}: {message}").format(
            error=type(e).__name__, where=where, message=first))
    return Result(name, True)


def run_checks(name, learner, path=None):
    """[Result] of every check of exercise `name` on the learner's module."""
    return [outcome(check, learner, path) for check in checks(exercise(name))]


def check_file(name, path):
    """[Result] of every check of exercise `name` on the learner's file, run by pytest (each
    check one test). BadFile if the file cannot be loaded."""
    load(path)                                  # a syntax error is exit 2, not a failed check
    import pytest                               # (only now: the list answers at once)

    collector = _Collector()
    args = ["-p", "no:cacheprovider", "-p", "no:terminal", "-o", "addopts=",
            "--rootdir", str(Path(path).resolve().parent), "-c", os.devnull,
            str(Path(__file__).with_name("_pytest_checks.py"))]
    _Collector.target = (name, str(path))
    code = pytest.main(args, plugins=[collector])
    if not collector.results:       # pytest could not even collect the checks: our bug
        raise RuntimeError(f"pytest ran no check of exercise {name} (exit code {code})")
    return collector.results


class _Collector:
    """A pytest plugin that keeps each check's Result instead of pytest's report."""
    target = None

    def __init__(self):
        self.results = []

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or (report.when == "setup" and report.failed):
            check = report.nodeid.rsplit("[", 1)[-1].rstrip("]")
            self.results.append(report.user_properties[0][1] if report.user_properties
                                else Result(check, report.passed, _("the check itself failed")))


def status(name, folder):
    """"not started", "passed", "failing" or "not checked" (changed since its last check),
    in English: show it translated, `_(status(name, folder))`."""
    path = Path(folder) / f"{name}.py"
    if not path.is_file():
        return NOT_STARTED
    return _read_status(folder).get(name, {}).get(_digest(path), NOT_CHECKED)


def remember(name, folder, results):
    path = Path(folder) / f"{name}.py"
    table = _read_status(folder)
    table[name] = {_digest(path): PASSED if all(r.passed for r in results) else FAILING}
    try:
        (Path(folder) / STATUS_FILE).write_text(json.dumps(table, indent=1))
    except OSError:
        pass                                    # a status is a convenience, never an error


def _read_status(folder):
    try:
        table = json.loads((Path(folder) / STATUS_FILE).read_text())
        return table if isinstance(table, dict) else {}
    except (OSError, ValueError):
        return {}


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


if __name__ == "__main__":       # pragma: no cover
    sys.exit("run it as python -m lessons.exercises")
