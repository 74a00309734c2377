"""The messages of the code and the Portuguese catalogs, for the catalog tests and for a
translator: `python tests/catalog.py` lists every message the code marks that has no
Portuguese yet (file:line and the English), `--pot FILE` writes them as a PO template.

A message is marked where it is written: `_("...")`, `N_("...")`, `ngettext("...", "...", n)`
(also as `i18n._` ...), and a text translated paragraph by paragraph with `i18n.text`:
a lesson's docstring (its --help description, given to `cli.parser(..., __doc__)`) and any
module-level constant passed to `text(...)`.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("tfgraph", "lessons")
CATALOGS = ROOT / "tfgraph" / "locale" / "pt_BR" / "LC_MESSAGES"
GLOSSARY = ROOT / "docs" / "glossary.md"
# argparse's own words: marked in Python's argparse, not here.
FOREIGN = ("argparse.po",)


class Message:
    def __init__(self, msgid, where, plural=None):
        self.msgid, self.where, self.plural = msgid, where, plural

    def __repr__(self):
        return f"{self.where}: {self.msgid!r}"


def _name(func):
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _string(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def paragraphs(block):
    from tfgraph.support.i18n import paragraphs as split
    return split(block)


def _doc_messages(doc, where):
    summary, _sep, details = doc.strip().partition("\n")
    found = [Message(summary, where)]
    found += [Message(p, where) for p in paragraphs(details.strip())] if details.strip() else []
    return found


def scan(path):
    """(messages, problems) of one Python file: problems are marks that cannot be
    translated (an f-string or a computed text inside `_()`)."""
    source = path.read_text()
    tree = ast.parse(source)
    rel = path.relative_to(ROOT)
    constants = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and _string(node.value) is not None:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    constants[target.id] = node.value.value
    messages, problems = [], []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name, where = _name(node.func), f"{rel}:{node.lineno}"
        args = node.args
        if name in ("_", "N_") and len(args) == 1:
            text = _string(args[0])
            if text is not None:
                messages.append(Message(text, where))
            elif isinstance(args[0], (ast.JoinedStr, ast.BinOp)) or (
                    name == "N_" and not isinstance(args[0], ast.Constant)):
                problems.append(f"{where}: {name}() of a computed text: mark the English "
                                "itself, with {placeholders} filled by .format() after")
        elif name == "ngettext" and len(args) == 3:
            one, many = _string(args[0]), _string(args[1])
            if one is None or many is None:
                problems.append(f"{where}: ngettext() of a computed text")
            else:
                messages.append(Message(one, where, plural=many))
        elif args and (name == "parser" or (
                name == "text" and isinstance(node.func, ast.Attribute)
                and _name(node.func.value) == "i18n")):
            for arg in args:
                if isinstance(arg, ast.Name) and arg.id == "__doc__":
                    messages += _doc_messages(ast.get_docstring(tree, clean=False) or "", where)
                elif name == "text" and isinstance(arg, ast.Name) and arg.id in constants:
                    messages += [Message(p, where) for p in paragraphs(constants[arg.id])]
                elif name == "text" and _string(arg) is not None:
                    messages += [Message(p, where) for p in paragraphs(arg.value)]
    return messages, problems


def glossary_avoided():
    """(word to avoid, the glossary's term) from docs/glossary.md's "não use" column."""
    import re
    avoided = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2] and not set(cells[2]) <= set("-") \
                and cells[2] != "não use":
            for word in cells[2].split(","):
                word = re.sub(r"\(.*?\)", "", word).strip()
                if word:
                    avoided.append((word, cells[1]))
    return avoided


def code_messages():
    """(every message marked in tfgraph/ and lessons/, problems found)."""
    messages, problems = [], []
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "locale" in path.parts:
                continue
            found, wrong = scan(path)
            messages += found
            problems += wrong
    return messages, problems


def catalog_entries():
    """[(file name, polib entry)] of every Portuguese catalog."""
    import polib
    return [(path.name, entry) for path in sorted(CATALOGS.glob("*.po"))
            for entry in polib.pofile(str(path)) if not entry.obsolete]


def missing():
    from tfgraph.support.i18n import load_catalog
    catalog = load_catalog(CATALOGS)
    seen, lacking = set(), []
    for m in code_messages()[0]:
        if m.msgid not in catalog and m.msgid not in seen:
            seen.add(m.msgid)
            lacking.append(m)
    return lacking


def write_pot(messages, out):
    import polib
    pot = polib.POFile()
    pot.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "pt_BR",
                    "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    for m in messages:
        entry = polib.POEntry(msgid=m.msgid, msgstr="", occurrences=[tuple(m.where.split(":"))])
        if m.plural:
            entry.msgid_plural, entry.msgstr_plural, entry.msgstr = m.plural, {0: "", 1: ""}, ""
        if "{" in m.msgid or "%" in m.msgid:
            entry.flags.append("python-brace-format" if "{" in m.msgid else "python-format")
        pot.append(entry)
    pot.save(out)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    lacking = missing()
    if len(sys.argv) == 3 and sys.argv[1] == "--pot":
        write_pot(lacking, sys.argv[2])
        print(f"{len(lacking)} messages without Portuguese written to {sys.argv[2]}")
    else:
        for m in lacking:
            print(m)
        print(f"{len(lacking)} messages without Portuguese", file=sys.stderr)
    for problem in code_messages()[1]:
        print("problem:", problem, file=sys.stderr)
