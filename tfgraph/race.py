"""A race of activation functions: one network trained once per function, with the same
digits, seed and steps, and what the race's own numbers show. Introduced in lesson
activations (part 3: the slide's seven functions in mnist_dense's hidden layer).

    results = [{"activation": "step", "test_accuracy": 0.8305, "moved": 0.0, "seconds": 9.7},
               ...]                                          # one per function, in race order
    print(report.table(race.rows(results), header=race.HEADER, formats=race.FORMATS))
    for sentence in race.what_it_shows(results, hidden=256, learning_rate=0.01):
        print(sentence)

"moved" is the mean |change| of the hidden layer's weights over the whole training: exactly
0 when gradient descent never reached the layer (a step has no gradient path).
"""

from tfgraph.support.i18n import N_, _, number

# Marked for the catalog: `report.table` translates a header as it draws the table.
HEADER = (N_("activation"), N_("test accuracy"), N_("hidden weights moved"), N_("seconds"))
FORMATS = ("", ".4f", ".3g", ".1f")


def rows(results):
    """One table row per function: (activation, test accuracy, moved, seconds)."""
    return [(r["activation"], r["test_accuracy"], r["moved"], r["seconds"]) for r in results]


def what_it_shows(results, hidden, learning_rate):
    """Sentences about the race, from its own numbers: nothing here is assumed, and a claim
    the numbers do not bear out is not made (each has its other case).

    results: dicts with "activation", "test_accuracy" and "moved", at least one; hidden: the
    hidden layer's width; learning_rate: the race's. Returns [str], unwrapped.
    """
    acc = {r["activation"]: r["test_accuracy"] for r in results}
    moved = {r["activation"]: r["moved"] for r in results}
    lines = []
    if "step" in acc:
        lines.append(_(
            "step: its layer's weights did not move at all (mean |change| exactly 0). "
            "tf.gradients finds no path through a step (its derivative is 0 wherever it "
            "exists), so gradient descent cannot train that layer. Its {accuracy} is "
            "the logit layer alone, reading {hidden} fixed random yes/no features of the "
            "pixels.").format(accuracy=number(acc["step"], ".3f"), hidden=hidden)
            if moved["step"] == 0.0 else
            _("step: its layer's weights moved (mean |change| {moved}): "
              "unexpected for a step, look closer.").format(moved=number(moved["step"], ".2g")))
    if "sigmoid" in acc and "relu" in acc:
        s, r = acc["sigmoid"], acc["relu"]
        sentence = _(
            "sigmoid {sigmoid} < relu {relu} after the same steps at learning rate "
            "{learning_rate}: σ' is at most 0.25 (part 2), so a sigmoid layer passes back "
            "at most a quarter of each gradient; ReLU passes all of it wherever the neuron "
            "is on.") if s < r else _(
            "sigmoid {sigmoid} >= relu {relu} this time: with more steps or another learning "
            "rate, the slow start matters less.")
        lines.append(sentence.format(sigmoid=number(s, ".3f"), relu=number(r, ".3f"),
                                     learning_rate=number(learning_rate, "g")))
    if "step" in acc and "sigmoid" in acc and acc["step"] >= acc["sigmoid"]:
        lines.append(_("step {step} >= sigmoid {sigmoid}: in so few steps, fixed random "
                       "features beat a hidden layer that learns this slowly.").format(
                           step=number(acc["step"], ".3f"), sigmoid=number(acc["sigmoid"], ".3f")))
    best = max(results, key=lambda r: r["test_accuracy"])
    lines.append(_("Best of this race: {activation} ({accuracy}).").format(
        activation=best["activation"], accuracy=number(best["test_accuracy"], ".3f")))
    return lines
