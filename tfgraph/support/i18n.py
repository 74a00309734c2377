"""The language a learner reads: English, or Brazilian Portuguese from message catalogs.

One switch, in this order: `--lang pt|en` on the command line; else $TFGRAPH_LANG; else the
locale ($LC_ALL, then $LC_MESSAGES, then $LANG, as gettext reads them: `pt_BR.UTF-8` or
any value starting with `pt` means Portuguese); else English. An unknown language given by
`--lang` or $TFGRAPH_LANG is one line and exit code 2.

The messages are written in English in the code, wrapped in `_()` (translated where they
are shown) or `N_()` (only marked: a constant translated later by `_(CONSTANT)`), as
gettext does it. Their Portuguese is in gettext catalogs, `tfgraph/locale/pt_BR/
LC_MESSAGES/*.po`, which a translator edits with any PO editor (Poedit, Lokalize, Weblate)
and which are read as they are, with polib, when Portuguese is chosen: no build step, and
an edited catalog shows at the next run. The terms follow docs/glossary.md.

Numbers a learner reads (`number(0.9222, ".4f")`) take the language's marks: 0.9222 and
10,000 in English, 0,9222 and 10.000 in Portuguese. Flags, tags, run folders and graph
names are code and are never translated.

This module owns the language (one piece of state): `use()` sets it, for this module's
`_()` and for argparse's own words ("usage:", "error:", "show this help message and exit"),
which argparse looks up through gettext and for which Python ships no Portuguese.
"""

import argparse
import os
import re
from pathlib import Path

from tfgraph.support.errors import UserError

LANGUAGES = {"en": "English", "pt": "português (Brasil)"}
ENV = "TFGRAPH_LANG"
LOCALE_ENV = ("LC_ALL", "LC_MESSAGES", "LANG")      # gettext's order: the first one set wins
CATALOGS = Path(__file__).resolve().parents[1] / "locale" / "pt_BR" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%(?:\([a-z_]+\))?[#0 +-]*\d*(?:\.\d+)?[sdrfg%]")

_language = "en"
_catalog = {}           # English message -> Portuguese (or a tuple of plural forms)
_loaded = None


def N_(message):
    """Mark `message` for the catalog without translating it now (a constant defined at import
    time, before the language is known): translate it where it is shown, `_(CONSTANT)`."""
    return message


def _(message):
    """`message` in the learner's language (the English itself when English is chosen)."""
    if _language == "en" or not message:
        return message
    found = _catalog.get(message)
    return found if isinstance(found, str) and found else message


def ngettext(singular, plural, n):
    """The singular or plural of a message for the count `n`, in the learner's language."""
    if _language != "en":
        forms = _catalog.get(singular)
        if isinstance(forms, tuple) and all(forms):
            return forms[0 if n == 1 else 1]        # "0 erros", as Brazilians say it: plural=(n != 1)
    return singular if n == 1 else plural


def text(block):
    """A text of several paragraphs (a lesson's description in --help, an exercise's task),
    translated paragraph by paragraph, as Sphinx's gettext does: one edited paragraph
    leaves the others translated. English returns `block` unchanged."""
    if _language == "en" or not block:
        return block
    return "\n\n".join(_(p) for p in paragraphs(block))


def paragraphs(block):
    """The paragraphs of a text (blank-line separated, each stripped): its catalog entries."""
    return [p.strip("\n").rstrip() for p in re.split(r"\n\s*\n", block.strip("\n")) if p.strip()]


def number(value, spec=""):
    """`format(value, spec)` with the language's decimal and thousands marks: for numbers in
    prose and tables (`number(10000, ",")` is 10,000 or 10.000). Not for code: a flag's
    value in a command the learner may copy stays as Python writes it."""
    shown = format(value, spec)
    if _language == "pt":
        shown = shown.translate(str.maketrans(",.", ".,"))
    return shown


def language():
    """The language chosen: "en" or "pt"."""
    return _language


def _from_locale(environ):
    for name in LOCALE_ENV:
        value = environ.get(name)
        if value:
            return "pt" if value.lower().startswith("pt") else "en"
    return "en"


def _given(argv):
    """The value of `--lang` in argv (the last one given, as argparse takes it), or None."""
    value = None
    argv = list(argv or ())
    for i, word in enumerate(argv):
        if word == "--":
            break
        if word == "--lang":
            value = argv[i + 1] if i + 1 < len(argv) else ""
        elif word.startswith("--lang="):
            value = word.split("=", 1)[1]
    return value


def choose(argv=None, environ=None):
    """The language asked for: `--lang` in argv, else $TFGRAPH_LANG, else the locale, else
    English. Raises UserError (one line, exit 2) for a language there is no catalog for."""
    environ = os.environ if environ is None else environ
    for value, where in ((_given(argv), "--lang"), (environ.get(ENV), ENV)):
        if value is None or (where == ENV and not value):
            continue
        code = value.strip().lower().replace("-", "_").split(".")[0]
        code = {"pt_br": "pt", "en_us": "en", "en_gb": "en"}.get(code, code)
        if code not in LANGUAGES:
            raise UserError(_("{where}: unknown language {value!r}; choose {choices}").format(
                where=where, value=value, choices=" or ".join(LANGUAGES)))
        return code
    return _from_locale(environ)


def load_catalog(folder=CATALOGS):
    """{English: Portuguese} from every .po file in `folder` (plural entries: a tuple of
    forms). Untranslated and fuzzy entries are left out: the English is shown instead."""
    import polib    # only when Portuguese is chosen

    catalog = {}
    for path in sorted(Path(folder).glob("*.po")):
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            if entry.msgid_plural:
                forms = tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
                if all(forms):
                    catalog[entry.msgid] = forms
            elif entry.msgstr:
                catalog[entry.msgid] = entry.msgstr
    return catalog


def use(lang):
    """Speak `lang` ("en" or "pt") from now on, in tfgraph and in argparse's own words."""
    global _language, _catalog, _loaded
    if lang not in LANGUAGES:
        raise UserError(_("unknown language {value!r}; choose {choices}").format(
            value=lang, choices=" or ".join(LANGUAGES)))
    if lang == "pt" and _loaded is None:
        _loaded = load_catalog()
    _language = lang
    _catalog = _loaded if lang == "pt" else {}
    # argparse looks its words up with `gettext.gettext` bound into its module at import.
    argparse._ = _
    argparse.ngettext = ngettext


def setup(argv=None, environ=None):
    """Choose the language from argv and the environment (see `choose`) and use it."""
    use(choose(argv, environ))
    return _language


def add_flag(group):
    """`--lang pt|en` on a parser or argument group (its value was read by `setup` already)."""
    group.add_argument("--lang", choices=sorted(LANGUAGES), default=None, metavar="LANG",
                       help=N_("language of what the program prints: en (English) or pt "
                               "(português); default: $TFGRAPH_LANG, else the locale ($LANG), "
                               "else en"))


def placeholders(message):
    """The placeholders of a message ({name}, %(name)s, %s...), sorted: a translation must
    keep exactly these."""
    return sorted(PLACEHOLDER.findall(message))
