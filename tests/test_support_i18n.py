"""tfgraph.support.i18n and the Portuguese catalogs: the one switch (--lang, $TFGRAPH_LANG,
the locale), numbers the Portuguese way, argparse's own words, and every message the code
marks translated with the same placeholders, in the glossary's terms."""

import re
from pathlib import Path

import pytest

import catalog
from tfgraph.support import i18n
from tfgraph.support.errors import UserError

GLOSSARY = catalog.GLOSSARY


@pytest.mark.parametrize("argv, env, expected", [
    ([], {}, "en"),
    (["--lang", "pt"], {}, "pt"),
    (["--lang=pt"], {}, "pt"),
    (["--lang", "en"], {"TFGRAPH_LANG": "pt"}, "en"),          # the flag wins
    ([], {"TFGRAPH_LANG": "pt"}, "pt"),
    ([], {"TFGRAPH_LANG": "pt", "LANG": "en_US.UTF-8"}, "pt"),  # then the variable
    ([], {"LANG": "pt_BR.UTF-8"}, "pt"),                        # then the locale
    ([], {"LC_MESSAGES": "pt_PT", "LANG": "en_US"}, "pt"),
    ([], {"LC_ALL": "C", "LANG": "pt_BR.UTF-8"}, "en"),         # LC_ALL first, as gettext
    ([], {"LANG": "fr_FR.UTF-8"}, "en"),                        # no catalog: English
    (["--lang", "pt-BR"], {}, "pt"),
])
def test_the_language_is_the_flag_then_the_variable_then_the_locale(argv, env, expected):
    assert i18n.choose(argv, env) == expected


@pytest.mark.parametrize("argv, env, words", [
    (["--lang", "fr"], {}, ["--lang", "'fr'", "en or pt"]),
    (["--lang"], {}, ["--lang", "''"]),
    ([], {"TFGRAPH_LANG": "klingon"}, ["TFGRAPH_LANG", "'klingon'"]),
])
def test_an_unknown_language_is_refused_by_name(argv, env, words):
    with pytest.raises(UserError) as e:
        i18n.choose(argv, env)
    assert all(w in str(e.value) for w in words), str(e.value)
    assert e.value.exit_code == 2


def test_numbers_take_the_languages_marks():
    assert (i18n.number(0.9222, ".4f"), i18n.number(10000, ","), i18n.number(1234.5, ",.2f")) \
        == ("0.9222", "10,000", "1,234.50")
    i18n.use("pt")
    assert (i18n.number(0.9222, ".4f"), i18n.number(10000, ","), i18n.number(1234.5, ",.2f")) \
        == ("0,9222", "10.000", "1.234,50")
    i18n.use("en")
    assert i18n.number(0.5, ".2f") == "0.50"


def test_english_is_the_code_itself_and_portuguese_comes_from_the_catalog():
    message = "{prog}: error: {message}"
    assert i18n._(message) is message
    i18n.use("pt")
    assert i18n._(message) == "{prog}: erro: {message}"
    assert i18n._("a message no catalog has") == "a message no catalog has"
    assert i18n.text("shared by every lesson\n\nnot in the catalog") \
        == "comum a todas as lições\n\nnot in the catalog"


def test_plurals_follow_brazilian_usage(tmp_path):
    (tmp_path / "t.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "{n} step"\nmsgid_plural "{n} steps"\nmsgstr[0] "{n} passo"\n'
        'msgstr[1] "{n} passos"\n\n'
        'msgid "fuzzy one"\nmsgstr "um difuso"\n#, fuzzy\n', encoding="utf-8")
    found = i18n.load_catalog(tmp_path)
    saved = i18n._catalog, i18n._language
    try:
        i18n._catalog, i18n._language = found, "pt"
        assert [i18n.ngettext("{n} step", "{n} steps", n) for n in (0, 1, 2)] \
            == ["{n} passos", "{n} passo", "{n} passos"]      # "0 passos", as Brazilians say
    finally:
        i18n._catalog, i18n._language = saved


def test_argparse_speaks_portuguese_too(capsys):
    from tfgraph.support import cli
    p = cli.parser("tf_basics", "Lesson\n\nmore")
    i18n.use("pt")
    p.print_help()
    shown = capsys.readouterr().out
    assert shown.startswith("uso: ") and "mostra esta mensagem de ajuda e sai" in shown
    with pytest.raises(SystemExit) as stop:
        cli.parse(p, ["--lang", "pt", "--seedd", "1"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "erro: argumentos não reconhecidos: --seedd 1; você quis dizer --seed?" in err, err


# -- the catalogs -------------------------------------------------------------------------------

def test_every_marked_message_is_translated_once_with_the_same_placeholders():
    messages, problems = catalog.code_messages()
    assert not problems, "\n".join(problems)
    entries = catalog.catalog_entries()
    translated = {}
    for name, entry in entries:
        where = f"{name}: {entry.msgid[:60]!r}"
        assert "fuzzy" not in entry.flags, f"{where} is marked fuzzy: check it, then unmark"
        forms = ([entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
                 if entry.msgid_plural else [entry.msgstr])
        assert all(forms), f"{where} has no translation"
        for form in forms:
            assert i18n.placeholders(form) == i18n.placeholders(entry.msgid), \
                f"{where}: placeholders {i18n.placeholders(entry.msgid)} became " \
                f"{i18n.placeholders(form)} in {form!r}"
        before = translated.setdefault(entry.msgid, (name, forms))
        assert before[1] == forms, f"{where} translated differently in {before[0]}"
    lacking = sorted({m.msgid for m in messages} - set(translated))
    assert not lacking, f"{len(lacking)} messages without Portuguese (python tests/catalog.py " \
                        f"lists them, file:line), e.g. {lacking[:5]}"


def test_no_catalog_entry_is_left_from_a_message_the_code_no_longer_has():
    marked = {m.msgid for m in catalog.code_messages()[0]}
    stale = [f"{name}: {entry.msgid[:70]!r}" for name, entry in catalog.catalog_entries()
             if name not in catalog.FOREIGN and entry.msgid not in marked]
    assert not stale, "\n".join(stale)


def test_the_catalogs_use_the_glossarys_terms():
    avoided = catalog.glossary_avoided()
    assert ("taxa de aprendizagem", "taxa de aprendizado") in avoided
    found = []
    for name, entry in catalog.catalog_entries():
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            prose = re.sub(r"`[^`]*`|\S*[/=#&_]\S*|--\S+", " ", form)     # code is not prose
            for word, term in avoided:
                if re.search(rf"(?<![\w.-]){re.escape(word)}(?![\w-]|\.\w)", prose, re.I):
                    found.append(f"{name}: {word!r} (glossary: {term}) in {form[:80]!r}")
    assert not found, "\n".join(found)


def test_the_glossary_fixes_the_issues_terms():
    text = GLOSSARY.read_text(encoding="utf-8")
    for term in ("grafo", "sessão", "tensor", "placeholder", "variável", "peso", "viés",
                 "função de ativação", "gradiente descendente", "taxa de aprendizado", "época",
                 "passo", "lote", "perda", "acurácia", "retropropagação", "camada densa",
                 "convolução", "aprendizado por transferência", "servidor de parâmetros"):
        assert f"| {term} |" in text, term


def test_catalogs_are_package_data():
    cfg = (catalog.ROOT / "setup.cfg").read_text()
    assert "locale/*/LC_MESSAGES/*.po" in cfg
    assert Path(i18n.CATALOGS) == catalog.CATALOGS


def test_english_left_finds_an_english_sentence_and_spares_code():
    from conftest import english_left
    assert english_left("Acurácia no teste: 0,9222\nTest accuracy: 0.9 on 10 digits") \
        == ["Test accuracy: 0.9 on 10 digits"]
    assert english_left("    python -m lessons.ml101 --learning-rate 0.5\n"
                        "Abra `relu_layer/weights` e logs/ml101/run\n"
                        "tensorboard --logdir /x/logs/the_run") == []


def test_every_catalog_says_the_plural_rule_ngettext_follows():
    import polib
    for path in sorted(catalog.CATALOGS.glob("*.po")):
        header = polib.pofile(str(path)).metadata
        assert header.get("Plural-Forms") == "nplurals=2; plural=(n != 1);", path.name
        assert header.get("Language") == "pt_BR", path.name
