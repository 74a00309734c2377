"""The course in Portuguese, lesson by lesson: `--lang pt` (and `LANG=pt_BR.UTF-8`) speaks
Portuguese from the first line to the TensorBoard command, --help included; English stays
what it was (every other test reads the English).

Each lesson runs with the small flags of its TensorBoard promises (tests/tensorboard_promises)
and its whole output is searched for English left over (conftest.english_left): a sentence
the catalogs lack, or one the code forgot to mark."""

import importlib

import pytest

from conftest import MNIST_DIR, english_left, lesson_process
from lessons import SYLLABUS

LESSONS = [module for module, *_ in SYLLABUS]


def english_sentences_shown(output):
    """The English of the catalogs found in `output`: every piece of a message between its
    placeholders that has three words or more and that its Portuguese does not keep."""
    import catalog
    from tfgraph.support.i18n import PLACEHOLDER
    found = set()
    for _name, entry in catalog.catalog_entries():
        kept = " ".join([entry.msgstr, *entry.msgstr_plural.values()])
        for piece in PLACEHOLDER.split(entry.msgid):
            for line in piece.splitlines():
                line = line.strip(" .,:;()")
                if len(line.split()) >= 3 and line not in kept and line in output:
                    found.add(line)
    return sorted(found)


def _small_flags(lesson):
    module = importlib.import_module(f"tensorboard_promises.{lesson}")
    if module.NEEDS:
        from conftest import _shared
        _shared(module.NEEDS)
    return module.flags(str(MNIST_DIR))


@pytest.mark.parametrize("lesson", LESSONS)
def test_help_in_portuguese(lesson_main, lesson):
    shown = lesson_main(lesson, "--lang", "pt", "--help")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("uso: python -m lessons.")
    assert "opções" in shown.stdout and "comum a todas as lições" in shown.stdout
    assert english_left(shown.stdout) == []
    assert english_sentences_shown(shown.stdout) == []


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_bad_flag_in_portuguese_is_one_line(lesson_main, lesson):
    shown = lesson_main(lesson, "--lang", "pt", "--seed", "-1")
    assert shown.returncode == 2
    line, = shown.stderr.strip().splitlines()
    assert line == (f"python -m lessons.{lesson}: erro: argumento --seed: deve ser 0 ou mais, "
                    "recebeu -1 (veja --help)")


def test_an_unknown_language_is_one_line_and_exit_2(lesson_main):
    shown = lesson_main("perceptron_park", "--lang", "fr")
    assert shown.returncode == 2 and shown.stdout == ""
    assert shown.stderr == ("python -m lessons.perceptron_park: error: --lang: unknown language "
                            "'fr'; choose en or pt\n")


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS)
def test_the_lesson_speaks_portuguese_from_first_line_to_the_tensorboard_command(
        lesson_main, tmp_path, lesson):
    shown = lesson_main(lesson, "--lang", "pt", "--logdir", str(tmp_path), *_small_flags(lesson))
    assert shown.returncode == 0, shown.stderr[-3000:]
    assert english_left(shown.stdout + shown.stderr) == []
    assert english_sentences_shown(shown.stdout + shown.stderr) == []
    assert f"tensorboard --logdir {tmp_path}" in shown.stdout


@pytest.mark.slow
def test_the_locale_alone_turns_the_course_portuguese(tmp_path):
    shown = lesson_process("perceptron_park", "--logdir", str(tmp_path),
                           env={"LANG": "pt_BR.UTF-8", "LC_ALL": "", "TFGRAPH_LANG": ""})
    assert shown.returncode == 0, shown.stderr
    assert english_left(shown.stdout) == [] and "Chovendo" in shown.stdout
    assert f"tensorboard --logdir {tmp_path}" in shown.stdout
    english = lesson_process("perceptron_park", "--logdir", str(tmp_path), "--lang", "en",
                             env={"LANG": "pt_BR.UTF-8"})
    assert english_left(english.stdout) != []       # --lang wins over the locale
