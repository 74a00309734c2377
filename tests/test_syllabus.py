"""The syllabus (lessons/__init__.py, `python -m lessons`): the lessons' numbers, the launcher."""

import importlib
import os
import subprocess
import sys

import pytest
from conftest import REPO_ROOT as ROOT
from conftest import assert_one_line_error, english_left

from lessons import SYLLABUS


def test_each_lessons_number_is_its_place_in_the_syllabus():
    """`python -m lessons` numbers the lessons by SYLLABUS; each docstring's "Lesson N —" and
    the README's table must say the same (a lesson added in the middle shifts them all)."""
    readme = (ROOT / "README.md").read_text()
    for number, (name, *_) in enumerate(SYLLABUS, 1):
        doc = importlib.import_module(f"lessons.{name}").__doc__
        assert doc.startswith(f"Lesson {number} —"), (name, doc.splitlines()[0])
        assert f"| {number} | `python -m lessons.{name}` |" in readme, name


@pytest.mark.parametrize("flags", [[], ["--help"]], ids=["syllabus", "syllabus-help"])
def test_the_syllabus_piped_into_a_reader_that_has_gone_ends_quietly(flags):
    # `python -m lessons | head`: the syllabus is one buffered write, met at its flush.
    proc = subprocess.Popen([sys.executable, "-m", "lessons", *flags], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141, err
    assert "Traceback" not in err and "BrokenPipeError" not in err and err.strip() == ""


def test_python_m_lessons_hands_the_named_lesson_its_flags():
    proc = subprocess.run([sys.executable, "-m", "lessons", "perceptron_park", "--help"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: python -m lessons.perceptron_park")
    assert "--predict X1 X2" in proc.stdout                 # the lesson's own parser


@pytest.mark.slow             # a whole lesson in a new process: TensorFlow's import
def test_python_m_lessons_runs_the_named_lesson(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "lessons", "perceptron_park", "--logdir",
                           str(tmp_path), "--predict", "1", "-1"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Learned in 2 epochs" in proc.stdout and "output 1 -> vamos!" in proc.stdout
    assert len(list((tmp_path / "perceptron_park").iterdir())) == 1


@pytest.mark.parametrize("args, words", [
    (["mnist_dens"], ["no lesson named 'mnist_dens'", "mnist_dense", "python -m lessons."]),
    (["perceptron_park", "--epoch", "1"], ["did you mean --epochs"]),   # the lesson's own
])
def test_python_m_lessons_with_a_wrong_name_or_flag_is_one_line(args, words):
    proc = subprocess.run([sys.executable, "-m", "lessons", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert_one_line_error(proc, *words)


def test_python_m_lessons_alone_prints_the_syllabus():
    proc = subprocess.run([sys.executable, "-m", "lessons"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0
    for module, *_ in SYLLABUS:
        assert f"python -m lessons.{module}" in proc.stdout


# -- in Portuguese: --lang pt ------------------------------------------------------------------

def _syllabus(*flags, env=None):
    return subprocess.run([sys.executable, "-m", "lessons", *flags], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env=env)


def test_python_m_lessons_lang_pt_prints_the_syllabus_in_portuguese():
    proc = _syllabus("--lang", "pt", "--help")
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.startswith('tfgraph — as lições da palestra "Deep Learning e Tensorflow"')
    assert "exercício: two_hidden_layers" in proc.stdout
    assert "Rode uma lição: python -m lessons.<name>" in proc.stdout
    for module, *_rest in SYLLABUS:
        assert f"python -m lessons.{module}" in proc.stdout
    # The talk's own titles (its parts and slides: "Parte 1 · Machine Learning 101") are
    # Portuguese as the slides say them, loanwords included.
    shown = proc.stdout
    for _module, part, slides, _what in SYLLABUS:
        shown = shown.replace(part, "").replace(slides, "")
    assert english_left(shown) == []


def test_the_syllabus_follows_the_locale_too():
    proc = _syllabus(env={**os.environ, "LANG": "pt_BR.UTF-8"})
    assert proc.returncode == 0 and proc.stdout.startswith("tfgraph — as lições da palestra")


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_the_syllabus_imports_nothing_heavy_in_either_language(lang):
    code = (f"import sys\nfrom lessons.__main__ import main\nmain(['--lang', '{lang}'])\n"
            "print(sorted(m for m in ('numpy', 'tensorflow', 'matplotlib', 'tfgraph.support.cli')"
            " if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize("args", [["--lang", "pt", "perceptron_park", "--help"],
                                  ["--lang=pt", "perceptron_park", "--help"],
                                  ["perceptron_park", "--help", "--lang", "pt"]])
def test_python_m_lessons_hands_lang_to_the_lesson_before_or_after_its_name(args):
    proc = _syllabus(*args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("uso: python -m lessons.perceptron_park")
    assert "comum a todas as lições" in proc.stdout


@pytest.mark.parametrize("args, line", [
    (["--lang", "pt", "mnist_dens"], "python -m lessons: erro: nenhuma lição chamada "
                                     "'mnist_dens'; as lições são: ml101, "),
    (["--lang", "fr"], "python -m lessons: error: --lang: unknown language 'fr'; "
                       "choose en or pt"),
])
def test_python_m_lessons_errors_in_portuguese_and_a_wrong_language_are_one_line(args, line):
    proc = _syllabus(*args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith(line), proc.stderr
