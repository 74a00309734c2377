"""README.pt-BR.md is README.md in Brazilian Portuguese: the same sections in the same order, the
same tables and code blocks, the same measured figures (written 0,9222 and 10.000 there), the
same commands, and each README links the other at its top."""

import re
from collections import Counter

import catalog
from conftest import REPO_ROOT as ROOT

EN = ROOT / "README.md"
PT = ROOT / "README.pt-BR.md"
EN_LINK = "Em português: [README.pt-BR.md](README.pt-BR.md)"
PT_LINK = "In English: [README.md](README.md)"

FENCE = re.compile(r"^```")
HEADING = re.compile(r"^(#{1,6}) +(.*)$")
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK_TARGET = re.compile(r"\]\([^)]*\)")
COMMENT = re.compile(r"(?:^|\s)#.*$")

# A number of the prose: not inside a word (x1, fc4, VGGNet16, float32 are names), with its sign
# when one is written right before it (-1, +0.099, −0.054; a hyphen after a digit or letter is
# not a sign: 2026-11-28, SHA-256), and its exponent (2.2e-08).
_START = r"(?<![\w.])(?P<sign>[-−+](?=\d))?"
_EXP = r"(?P<exp>e[-+]?\d+)?"
# English: 10,000 and 0.9222; a comma not followed by three digits separates two numbers (4,2).
EN_NUMBER = re.compile(_START + r"(?:(?P<thousands>\d{1,3}(?:,\d{3})+(?:\.\d+)?)(?![\d]|,\d)"
                       r"|(?P<plain>\d+(?:\.\d+)*))" + _EXP)
# Portuguese: 10.000 and 0,9222; dots that do not group thousands are a version (Python 3.11.7).
PT_NUMBER = re.compile(_START + r"(?:(?P<thousands>\d{1,3}(?:\.\d{3})+(?:,\d+)?)(?!\d|\.\d)"
                       r"|(?P<dotted>\d+(?:\.\d+)+)|(?P<plain>\d+(?:,\d+)?))" + _EXP)
# Where a Portuguese text may keep dots in a number: a version (TensorFlow 2.21, versões 2.16 e 2.21).
VERSION_BEFORE = re.compile(r"(?:Python|TensorFlow|Keras|versões|versão)\s+(?:\d+(?:\.\d+)+\s+e\s+)?$")


def parse(text):
    """The README as sections (the text before the first heading, then one per heading): each
    with its heading level, its prose (headings, paragraphs, lists and tables, without code),
    its code blocks, its tables' shapes and its inline code."""
    sections = [{"level": 0, "title": "", "prose": [], "code": [], "tables": [], "inline": []}]
    block = table = None
    for line in text.splitlines():
        section = sections[-1]
        if block is not None:
            if FENCE.match(line):
                section["code"].append(block)
                block = None
            else:
                block["lines"].append(line)
            continue
        if FENCE.match(line):
            block = {"info": line[3:].strip(), "lines": []}
            table = None
            continue
        heading = HEADING.match(line)
        if heading:
            section = {"level": len(heading[1]), "title": heading[2], "prose": [], "code": [],
                       "tables": [], "inline": []}
            sections.append(section)
            table = None
        if line.startswith("|"):
            if table is None:
                table = {"rows": 0, "columns": line.strip().strip("|").count("|") + 1}
                section["tables"].append(table)
            table["rows"] += 1
        else:
            table = None
        section["inline"] += INLINE_CODE.findall(line)
        section["prose"].append(LINK_TARGET.sub("]", INLINE_CODE.sub(" ", line)))
    assert block is None, "a code block is not closed"
    for section in sections:
        section["prose"] = "\n".join(section["prose"])
    return sections


def numbers(prose, english):
    """The figures of a prose as canonical strings (10000, 0.9222, -0.054, 2.2e-08, 3.11.7), and
    Portuguese numbers written with an English decimal point (which would be misread)."""
    found, wrong = Counter(), []
    for m in (EN_NUMBER if english else PT_NUMBER).finditer(prose):
        sign = (m["sign"] or "").replace("−", "-")
        if m["thousands"]:
            value = m["thousands"].replace("," if english else ".", "").replace(",", ".")
        elif m["plain"]:
            value = m["plain"] if english else m["plain"].replace(",", ".")
        else:
            value = m["dotted"]
            if not VERSION_BEFORE.search(prose[:m.start()]):
                wrong.append(prose[max(0, m.start() - 30):m.end() + 10].replace("\n", " "))
        found[sign + value + (m["exp"] or "")] += 1
    return found, wrong


def uncommented(block):
    """A code block's lines without their comments, and its comments."""
    lines, comments = [], []
    for line in block["lines"]:
        comment = COMMENT.search(line)
        lines.append(COMMENT.sub("", line).rstrip())
        comments.append(comment[0].strip() if comment else None)
    return lines, comments


def readmes():
    return (parse(EN.read_text(encoding="utf-8")), parse(PT.read_text(encoding="utf-8")))


def test_the_same_sections_in_the_same_order_with_the_same_tables_and_code_blocks():
    en, pt = readmes()
    assert [s["level"] for s in pt] == [s["level"] for s in en], (
        [s["title"] for s in en], [s["title"] for s in pt])
    for e, p in zip(en, pt):
        where = f"{e['title']!r} / {p['title']!r}"
        assert len(p["code"]) == len(e["code"]), where
        assert [(t["rows"], t["columns"]) for t in p["tables"]] == \
            [(t["rows"], t["columns"]) for t in e["tables"]], where


def test_the_same_figures_section_by_section():
    en, pt = readmes()
    assert len(en) == len(pt)
    problems = []
    for e, p in zip(en, pt):
        en_numbers, _wrong = numbers(e["prose"], english=True)
        pt_numbers, wrong = numbers(p["prose"], english=False)
        if en_numbers != pt_numbers:
            problems.append(f"{e['title']!r} / {p['title']!r}: only in README.md "
                            f"{sorted((en_numbers - pt_numbers).elements())}, only in "
                            f"README.pt-BR.md {sorted((pt_numbers - en_numbers).elements())}")
        problems += [f"{p['title']!r}: an English decimal point in Portuguese: {w!r}" for w in wrong]
    assert not problems, "\n".join(problems)


def test_the_same_commands_flags_and_names_in_backticks():
    en, pt = readmes()
    for e, p in zip(en, pt):
        assert Counter(p["inline"]) == Counter(e["inline"]), (
            e["title"], sorted((Counter(e["inline"]) - Counter(p["inline"])).elements()),
            sorted((Counter(p["inline"]) - Counter(e["inline"])).elements()))


def test_the_code_blocks_are_the_same_but_for_their_translated_comments():
    en, pt = readmes()
    for e, p in zip(en, pt):
        for e_block, p_block in zip(e["code"], p["code"]):
            assert p_block["info"] == e_block["info"], e["title"]
            e_lines, e_comments = uncommented(e_block)
            p_lines, p_comments = uncommented(p_block)
            assert p_lines == e_lines, (e["title"], e_lines, p_lines)
            for e_comment, p_comment in zip(e_comments, p_comments):
                assert (e_comment is None) == (p_comment is None), (e_comment, p_comment)
                assert e_comment is None or p_comment != e_comment, e_comment   # translated


def test_each_readme_links_the_other_at_its_top():
    en_text = EN.read_text(encoding="utf-8")
    pt_text = PT.read_text(encoding="utf-8")
    assert en_text.splitlines()[0] == EN_LINK
    assert pt_text.splitlines()[0] == PT_LINK


def test_where_the_lessons_are_run_both_readmes_say_how_to_have_them_in_portuguese():
    for sections in readmes():
        lessons = [s for s in sections if s["level"] == 2][2]        # "The lessons" / "As lições"
        for code in ("`--lang pt`", "`TFGRAPH_LANG=pt`", "`LANG=pt_BR.UTF-8`", "`docs/glossary.md`"):
            assert code in lessons["inline"], (lessons["title"], code)


def test_the_portuguese_readme_uses_the_glossarys_terms():
    avoided = catalog.glossary_avoided()
    assert ("taxa de aprendizagem", "taxa de aprendizado") in avoided
    prose = "\n".join(s["prose"] for s in readmes()[1])
    found = [f"{word!r} (glossary: {term})" for word, term in avoided
             if re.search(rf"(?<![\w`/-]){re.escape(word)}(?![\w`/-])", prose, re.I)]
    assert not found, found
