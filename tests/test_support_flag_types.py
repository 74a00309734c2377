"""tfgraph.support.flag_types: a plain check's ValueError becomes argparse's one-line error."""

import argparse

import pytest

from tfgraph.data.digits import parse_digits
from tfgraph.support import flag_types


def test_a_checked_flag_shows_the_checks_own_sentence(capsys):
    p = argparse.ArgumentParser(prog="lesson")
    p.add_argument("--digits", type=flag_types.checked(parse_digits))
    assert p.parse_args(["--digits", "0-2"]).digits == (0, 1, 2)
    with pytest.raises(SystemExit) as ended:
        p.parse_args(["--digits", "12"])
    assert ended.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error == ("lesson: error: argument --digits: expected digits 0-9 as a range or a "
                     "list, e.g. 0-4 or 0,2,4, got '12'")
