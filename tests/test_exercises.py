"""lessons.exercises: the four verbs, and every exercise's checks proven to bite.

For each exercise: the untouched stub fails every check ("not written yet"), the reference
solution passes every check, and each planted mistake (a mistake learners really make) fails
with the hint that names it. The checks compare with independent references (numpy formulas,
tf.gradients), so a check that cannot fail would show here as a mistake that passes.
"""

import re
import subprocess

import pytest
from conftest import assert_one_line_error, english_left, lesson_process

import lessons
from lessons import exercises
from lessons.exercises import checking
from lessons.exercises.__main__ import main as exercises_main

EXERCISE_DIR = exercises.HERE


def _mistakes():
    return [(name, m) for name in exercises.NAMES for m in exercises.exercise(name).MISTAKES]


def _results(name, kind):
    path = EXERCISE_DIR / name / f"{kind}.py"
    return checking.run_checks(name, checking.load(path), path)


# -- the exercises themselves ------------------------------------------------------------

def test_every_lesson_has_an_exercise_and_every_exercise_a_lesson():
    lessons_of = [exercises.LESSON_OF[n] for n in exercises.NAMES]
    syllabus = [module for module, *_ in lessons.SYLLABUS]
    assert set(lessons_of) <= set(syllabus)
    assert [s for s in syllabus if s not in lessons_of] == []
    # listed in the syllabus' order, so `python -m lessons.exercises` reads like the course
    assert lessons_of == sorted(lessons_of, key=syllabus.index)


@pytest.mark.parametrize("name", exercises.NAMES)
def test_each_exercise_has_its_files_two_planted_mistakes_and_a_task(name):
    ex = exercises.exercise(name)
    files = {p.stem for p in (EXERCISE_DIR / name).glob("*.py")}
    assert {"stub", "solution"} <= files
    assert {f for f in files if f.startswith("mistake_")} == set(ex.MISTAKES)
    assert len(ex.MISTAKES) >= 2
    assert len(exercises.checks(ex)) >= 2 and ex.TASK and len(ex.TASK) < 100
    stub = exercises.source(name, "stub")
    assert "raise NotImplementedError" in stub and f"check {name}" in stub


@pytest.mark.slow
@pytest.mark.parametrize("name", exercises.NAMES)
def test_the_untouched_stub_fails_every_check_as_not_written_yet(name):
    results = _results(name, "stub")
    assert results and not any(r.passed for r in results), results
    assert all("not written yet" in r.hint for r in results), results


@pytest.mark.slow
@pytest.mark.parametrize("name", exercises.NAMES)
def test_the_solution_passes_every_check(name):
    results = _results(name, "solution")
    assert all(r.passed for r in results), [r for r in results if not r.passed]


@pytest.mark.slow
@pytest.mark.parametrize("name, mistake", _mistakes())
def test_each_planted_mistake_fails_with_the_hint_that_names_it(name, mistake):
    words = exercises.exercise(name).MISTAKES[mistake]
    failed = [r for r in _results(name, mistake) if not r.passed]
    assert failed, f"{mistake} passes every check of {name}"
    assert any(words in r.hint for r in failed), (words, failed)


def test_cross_entropy_stub_solution_and_the_nan_mistake():
    # (the quick suite's proof for one exercise; the slow tests above cover all of them)
    assert all(not r.passed for r in _results("cross_entropy", "stub"))
    assert all(r.passed for r in _results("cross_entropy", "solution"))
    nan = [r for r in _results("cross_entropy", "mistake_log_of_softmax") if not r.passed]
    assert [r.check for r in nan] == ["no_nan_for_logits_of_1000"]
    assert "NaN for logits of 1000" in nan[0].hint


# -- the verbs -----------------------------------------------------------------------------

def test_list_names_every_exercise_its_lesson_and_the_learners_status(tmp_path, capsys):
    (tmp_path / "cross_entropy.py").write_text(exercises.source("cross_entropy", "solution"))
    assert exercises_main(["--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for name in exercises.NAMES:
        lesson, task = exercises.LESSON_OF[name], exercises.exercise(name).TASK
        assert name in out and lesson in out and task in out
    assert "not checked" in out                   # started, never checked
    assert exercises_main(["check", "cross_entropy", "--dir", str(tmp_path)]) == 0
    capsys.readouterr()
    exercises_main(["--dir", str(tmp_path)])
    line = next(ln for ln in capsys.readouterr().out.splitlines() if "cross_entropy" in ln)
    assert line.rstrip().endswith("passed")


def test_start_writes_the_stub_and_never_overwrites_the_learners_file(tmp_path, capsys):
    folder = tmp_path / "mine"
    assert exercises_main(["start", "cross_entropy", "--dir", str(folder)]) == 0
    path = folder / "cross_entropy.py"
    assert path.read_text() == exercises.source("cross_entropy", "stub")
    path.write_text("# my work\n")
    assert exercises_main(["start", "cross_entropy", "--dir", str(folder)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "never overwritten" in err[0]
    assert path.read_text() == "# my work\n"


def test_check_exit_codes_failing_passing_and_bad_input(tmp_path, capsys):
    assert exercises_main(["check", "cross_entropy", "--dir", str(tmp_path)]) == 2
    assert "start it first" in capsys.readouterr().err
    path = tmp_path / "cross_entropy.py"
    path.write_text("from tfgraph import tf\n\n\ndef cross_entropy(logits, labels)\n    return 1\n")
    assert exercises_main(["check", "cross_entropy", "--dir", str(tmp_path)]) == 2
    assert "line 4: syntax error" in capsys.readouterr().err
    path.write_text(exercises.source("cross_entropy", "mistake_log_of_softmax"))
    assert exercises_main(["check", "cross_entropy", "--dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "FAILED  no_nan_for_logits_of_1000: NaN for logits of 1000" in out
    assert "passed  values_match_the_formula" in out
    path.write_text(exercises.source("cross_entropy", "solution"))
    assert exercises_main(["check", "cross_entropy", "--dir", str(tmp_path)]) == 0
    assert exercises_main(["check", "no_such", "--dir", str(tmp_path)]) == 2
    assert "no exercise named 'no_such'" in capsys.readouterr().err


def test_solution_prints_the_reference(capsys):
    assert exercises_main(["solution", "cross_entropy"]) == 0
    assert capsys.readouterr().out == exercises.source("cross_entropy", "solution")


def test_the_command_one_line_errors_and_exit_codes(tmp_path, capfd):
    # As `python -m lessons.exercises` ends (sys.exit(main())), in this process; the real
    # command: the test below.
    def command(*argv):
        try:
            code = exercises_main(list(argv))
        except SystemExit as stop:
            code = stop.code
        out, err = capfd.readouterr()
        return subprocess.CompletedProcess(argv, code, out, err)

    proc = command("check", "cross_entropy", "--dir", str(tmp_path))
    assert_one_line_error(proc, "does not exist", "start it first")
    proc = command("frobnicate")
    assert_one_line_error(proc, "invalid choice")
    assert command("start", "cross_entropy", "--dir", str(tmp_path)).returncode == 0


def test_the_real_command_starts_and_lists_an_exercise(tmp_path):
    # The real program, started and ended; `check` itself runs in this process above (a new
    # Python checking costs 7 s of TensorFlow's import: that real run is in the slow suite).
    assert lesson_process("exercises", "start", "cross_entropy", "--dir",
                          str(tmp_path)).returncode == 0
    proc = lesson_process("exercises", "list", "--dir", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"cross_entropy +lesson +7 mnist_softmax +not checked", proc.stdout), \
        proc.stdout


@pytest.mark.slow
def test_the_real_command_checks_a_started_stub(tmp_path):
    assert lesson_process("exercises", "start", "cross_entropy", "--dir",
                          str(tmp_path)).returncode == 0
    proc = lesson_process("exercises", "check", "cross_entropy", "--dir", str(tmp_path))
    assert proc.returncode == 1 and "not written yet" in proc.stdout, proc.stdout


# -- in Portuguese (--lang pt, TFGRAPH_LANG=pt, LANG=pt_BR): the same command, every word a
# learner reads from the catalogs; English is every test above.

def test_every_check_has_a_title_in_the_catalog():
    found = {c for name in exercises.NAMES for c, _f in exercises.checks(exercises.exercise(name))}
    assert found == set(checking.CHECK_NAMES)


def test_list_and_help_in_portuguese(tmp_path, capsys):
    (tmp_path / "cross_entropy.py").write_text(exercises.source("cross_entropy", "solution"))
    assert exercises_main(["list", "--dir", str(tmp_path), "--lang", "pt"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Exercícios (seus arquivos em ")
    assert "lição  7 mnist_softmax" in out and "não verificado" in out and "não iniciado" in out
    assert english_left(out) == []
    with pytest.raises(SystemExit) as stop:
        exercises_main(["--help", "--lang", "pt"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("uso: python -m lessons.exercises") and "opções" in out
    assert english_left(out) == []


def test_a_failing_check_in_portuguese_prints_the_portuguese_hint(tmp_path, capsys, monkeypatch):
    # The checks run in this process (pytest.main): the language chosen reaches their hints.
    path = tmp_path / "cross_entropy.py"
    path.write_text(exercises.source("cross_entropy", "stub"))
    assert exercises_main(["check", "cross_entropy", "--dir", str(tmp_path), "--lang", "pt"]) == 1
    out = capsys.readouterr().out
    assert "  FALHOU  sem NaN para logits de 1000: ainda não escrito: troque " \
           "`raise NotImplementedError` pelo seu código" in out
    assert "0 de 5 verificações passaram. Empacou? python -m lessons.exercises solution " \
           "cross_entropy" in out
    assert english_left(out) == []
    path.write_text(exercises.source("cross_entropy", "mistake_log_of_softmax"))
    monkeypatch.setenv("TFGRAPH_LANG", "pt")
    assert exercises_main(["check", "cross_entropy", "--dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "  passou  os valores seguem a fórmula" in out
    assert "  FALHOU  sem NaN para logits de 1000: NaN para logits de 1000: exp(1000) estoura" in out
    assert english_left(out) == []


def test_errors_in_portuguese_are_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LANG", "pt_BR.UTF-8")
    assert exercises_main(["check", "no_such", "--dir", str(tmp_path)]) == 2
    line, = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("python -m lessons.exercises: erro: nenhum exercício se chama "
                           "'no_such'; os exercícios são: normal_equations, elu,")
    assert exercises_main(["check", "cross_entropy", "--dir", str(tmp_path)]) == 2
    line, = capsys.readouterr().err.strip().splitlines()
    assert "não existe: comece-o primeiro (python -m lessons.exercises start cross_entropy)" in line
    assert exercises_main(["start", "cross_entropy", "--dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith(f"Criei {tmp_path / 'cross_entropy.py'}: entropia ")
    assert exercises_main(["start", "cross_entropy", "--dir", str(tmp_path)]) == 2
    line, = capsys.readouterr().err.strip().splitlines()
    assert "já existe: é o seu trabalho, ele nunca é sobrescrito" in line
    assert english_left(line) == []


@pytest.mark.parametrize("lesson", [module for module, *_ in lessons.SYLLABUS])
def test_each_lessons_docstring_and_last_lines_name_its_exercises(lesson, tmp_path, capsys):
    import importlib
    from argparse import Namespace

    from tfgraph.support import board
    importlib.import_module(f"lessons.{lesson}")
    assert board.exercises_named(lesson) == exercises.of_lesson(lesson)
    board.show(Namespace(logdir=tmp_path, lesson=lesson), tmp_path / "run")
    last = capsys.readouterr().out.strip().splitlines()[-len(exercises.of_lesson(lesson)):]
    assert last == [f"Your turn:              python -m lessons.exercises start {name}"
                    for name in exercises.of_lesson(lesson)]
