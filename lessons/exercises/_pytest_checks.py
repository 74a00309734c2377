"""The checks of one exercise as pytest tests: run by `checking.check_file`, not collected
by the project's test suite (its name does not start with test_). Which exercise and file is
read at each collection (`_Collector.target`), so one process may check several files."""

from lessons.exercises import checks, exercise
from lessons.exercises.checking import _Collector, load, outcome


def pytest_generate_tests(metafunc):
    name, path = _Collector.target
    found = checks(exercise(name))
    metafunc.parametrize("check, path", [(c, path) for c in found], ids=[c[0] for c in found])


def test_check(check, path, record_property):
    result = outcome(check, load(path), path)
    record_property("result", result)
    assert result.passed, result.hint
