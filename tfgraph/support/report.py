"""What a lesson prints at the end: tables whose columns fit any value, and the test line.

    print(report.table([("relu", 0.8990, 12.5), ("step", 0.8310, 11.0)],
                       header=("activation", "test accuracy", "seconds"),
                       formats=("", ".4f", ".1f")))
    print(report.test_accuracy(scores["test"], len(data.test), steps=run.step))

A column is as wide as its widest cell, and columns are two spaces apart, so a value never
runs into its neighbour however large it grows (a logit of -7487.0 at a learning rate of
1000 reads as clearly as 2.3). Numbers align right, words left.

In the learner's language (`tfgraph.support.i18n`): the header's words (give them marked
`N_()`: they are translated here, as the table is drawn), numbers with its marks (0,9222 and
10.000 in Portuguese), the test sentence.
"""

from tfgraph.support import i18n
from tfgraph.support.i18n import N_, _, ngettext, number

GAP = "  "


def _cell(value, spec):
    if isinstance(value, str):
        return value
    return number(value, spec or "")


def _looks_numeric(text):
    thousands, decimal = (".", ",") if i18n.language() == "pt" else (",", ".")
    try:
        float(text.replace(thousands, "").replace(decimal, ".").rstrip("%"))
        return True
    except ValueError:
        return False


def table(rows, header=None, formats=None, indent="  "):
    """The rows as text, one line each (no trailing newline).

    rows: sequences of cells (str, int, float, numpy numbers). header: one str per column,
    or None; its words are translated (`_()`), so give them marked `N_()`. formats: one
    format spec per column ("" for plain, ".4f", ",", ".3g"...), or None; a number is shown
    with the language's marks (`i18n.number`), a str cell as it is. A column whose cells
    all read as numbers aligns right, any other left.
    """
    rows = [list(r) for r in rows]
    columns = max(len(r) for r in [*rows, header or []])
    formats = list(formats or []) + [""] * columns
    text = [[_cell(v, formats[i]) for i, v in enumerate(r)] for r in rows]
    numeric = [all(_looks_numeric(r[i]) for r in text if i < len(r) and r[i])
               for i in range(columns)]
    lines = ([[_(h) for h in header]] if header else []) + text
    widths = [max((len(line[i]) for line in lines if i < len(line)), default=0)
              for i in range(columns)]

    def line(cells):
        parts = [c.rjust(widths[i]) if numeric[i] else c.ljust(widths[i])
                 for i, c in enumerate(cells)]
        return (indent + GAP.join(parts)).rstrip()
    return "\n".join(line(cells) for cells in lines)


def test_accuracy(score, examples, steps=None, what=N_("digits")):
    """The sentence every MNIST lesson ends with: "Test accuracy: 0.9222 on 10,000 digits
    never seen in training (loss 0.2831), after 5,500 steps" (in the learner's language).
    score: {"accuracy": float, "loss": float}; examples: the size of the test split;
    what: the examples' noun, marked `N_()`."""
    values = dict(accuracy=number(score["accuracy"], ".4f"), examples=number(examples, ","),
                  what=_(what), loss=number(score["loss"], ".4f"))
    if steps is None:
        return _("Test accuracy: {accuracy} on {examples} {what} never seen in training "
                 "(loss {loss})").format(**values)
    return ngettext("Test accuracy: {accuracy} on {examples} {what} never seen in training "
                    "(loss {loss}), after {steps} step",
                    "Test accuracy: {accuracy} on {examples} {what} never seen in training "
                    "(loss {loss}), after {steps} steps", steps).format(
        steps=number(steps, ","), **values)


test_accuracy.__test__ = False   # a sentence, not a test: pytest must not collect it
