"""What a lesson prints at the end: tables whose columns fit any value, and the test line.

    print(report.table([("relu", 0.8990, 12.5), ("step", 0.8310, 11.0)],
                       header=("activation", "test accuracy", "seconds"),
                       formats=("", ".4f", ".1f")))
    print(report.test_accuracy(scores["test"], len(data.test), steps=run.step))

A column is as wide as its widest cell, and columns are two spaces apart, so a value never
runs into its neighbour however large it grows (a logit of -7487.0 at a learning rate of
1000 reads as clearly as 2.3). Numbers align right, words left.
"""

GAP = "  "


def _cell(value, spec):
    if isinstance(value, str):
        return value
    return format(value, spec or "")


def _looks_numeric(text):
    try:
        float(text.replace(",", "").rstrip("%"))
        return True
    except ValueError:
        return False


def table(rows, header=None, formats=None, indent="  "):
    """The rows as text, one line each (no trailing newline).

    rows: sequences of cells (str, int, float, numpy numbers). header: one str per column,
    or None. formats: one format spec per column ("" for plain, ".4f", ",", ".3g"...), or
    None; a str cell is taken as it is. A column whose cells all read as numbers aligns
    right, any other left.
    """
    rows = [list(r) for r in rows]
    columns = max(len(r) for r in [*rows, header or []])
    formats = list(formats or []) + [""] * columns
    text = [[_cell(v, formats[i]) for i, v in enumerate(r)] for r in rows]
    numeric = [all(_looks_numeric(r[i]) for r in text if i < len(r) and r[i])
               for i in range(columns)]
    lines = ([list(header)] if header else []) + text
    widths = [max((len(line[i]) for line in lines if i < len(line)), default=0)
              for i in range(columns)]

    def line(cells):
        parts = [c.rjust(widths[i]) if numeric[i] else c.ljust(widths[i])
                 for i, c in enumerate(cells)]
        return (indent + GAP.join(parts)).rstrip()
    return "\n".join(line(cells) for cells in lines)


def test_accuracy(score, examples, steps=None, what="digits"):
    """The sentence every MNIST lesson ends with: "Test accuracy: 0.9222 on 10,000 digits
    never seen in training (loss 0.2831), after 5,500 steps".
    score: {"accuracy": float, "loss": float}; examples: the size of the test split."""
    after = "" if steps is None else f", after {steps:,} step{'' if steps == 1 else 's'}"
    return (f"Test accuracy: {score['accuracy']:.4f} on {examples:,} {what} never seen in "
            f"training (loss {score['loss']:.4f}){after}")


test_accuracy.__test__ = False   # a sentence, not a test: pytest must not collect it
