"""CI's script (.ci/run): the virtual environment it makes inside the checkout is ignored by git."""

import re
import subprocess

import pytest
from conftest import REPO_ROOT as ROOT


def test_the_ci_virtual_environment_is_ignored_by_git():
    # .ci/run makes a virtual environment inside the checkout: git must not offer to add it.
    venvs = re.findall(r"python -m venv (\S+)", (ROOT / ".ci" / "run").read_text())
    assert venvs
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    for venv in venvs:
        proc = subprocess.run(["git", "check-ignore", "-q", f"{venv}/bin/python"], cwd=ROOT)
        assert proc.returncode == 0, f"{venv}/ is not in .gitignore"
