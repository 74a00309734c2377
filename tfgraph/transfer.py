"""What a transfer-learning comparison shows: its table, and its conclusions in words.

    print(transfer.table(results, flops, titles))
    for line in transfer.what_it_shows(results, flops):
        print(f"  - {line}")

Lesson transfer_learning trains four variants on a few images of the digits 5-9 (`scratch`;
`frozen`: the base's conv layers restored and frozen, new dense layers; `fine_tuned`: all
restored, all trained; `frozen_fc4`: conv layers and fc4 restored and frozen, only fc5 new)
and compares them. The conclusions are worded from the run's own numbers, not written in
advance: on another data set, or with other flags, they say what that run shows.

results: {"steps": int, "test_images": int, "by_size": {images per digit: {variant:
{"accuracy": float, "ms_per_step": float, ...}}}}; flops: {variant: floating-point
operations of one training step per image}. Introduced in lesson transfer_learning.
"""

from tfgraph.support import report
from tfgraph.support.i18n import N_, _, ngettext, number


def table(results, flops, titles):
    """The comparison as text: accuracy and wall-clock ms per step of each variant, one row
    per number of images per digit, and a row of MFLOP per image. titles: {variant: its
    column's title}, in the order of the columns."""
    rows = [(n, *(value for v in titles for value in (row[v]["accuracy"], row[v]["ms_per_step"])))
            for n, row in results["by_size"].items()]
    rows.append((_("MFLOP per image"),
                 *(cell for v in titles for cell in (number(flops[v] / 1e6, ".1f"), ""))))
    return (ngettext("Accuracy on all {images} test digits 5-9 after {steps} steps, and "
                     "wall-clock ms per training step:",
                     "Accuracy on all {images} test digits 5-9 after {steps} steps, and "
                     "wall-clock ms per training step:", results["steps"]).format(
                images=number(results["test_images"], ","), steps=results["steps"]) + "\n" +
            report.table(rows, header=(N_("images per digit"),
                                       *(h for v in titles for h in (titles[v], "ms"))),
                         formats=("", *(".4f", ".1f") * len(titles))))


def what_it_shows(results, flops):
    """The lesson's conclusions, one sentence each: reuse against scratch, what freezing
    saves, fine-tuning against freezing, and keeping too many layers."""
    sizes = list(results["by_size"])

    def against(variant, other):
        return [results["by_size"][n][variant]["accuracy"]
                - results["by_size"][n][other]["accuracy"] for n in sizes]

    def listed(diffs):
        return ", ".join(_("{difference} at {images}").format(
            difference=number(d, "+.3f"), images=n) for d, n in zip(diffs, sizes))

    lines = []
    gains = against("frozen", "scratch")
    if gains[0] < 0.02:         # no clear gain even with the fewest images
        gist = _("; here reuse did not clearly pay: from scratch, these few images were "
                 "enough. That happens when the few training images and the test digits come "
                 "from one small pool written by the same people, as on the offline split "
                 "(MNIST's test set cut in two); on full MNIST, whose training digits were "
                 "written by other people than its test digits, the frozen layers gain about "
                 "+0.10 at 10 images per digit (README, 'Going deep')")
    elif len(sizes) > 1 and gains[0] > gains[-1]:
        gist = _("; the fewer the labelled images, the more the reused layers are worth")
    else:
        gist = ""
    lines.append(_("reused, frozen conv layers against scratch: {differences} images per "
                   "digit").format(differences=listed(gains)) + gist)
    cost = flops["scratch"] / flops["frozen"]
    lines.append(_("a frozen step does {frozen} MFLOP per image against {full} for a full one "
                   "({times}x less): nothing flows back through the conv layers, where nearly "
                   "all the arithmetic is").format(
                       frozen=number(flops["frozen"] / 1e6, ".1f"),
                       full=number(flops["scratch"] / 1e6, ".1f"), times=number(cost, ".1f")))
    tuned = against("fine_tuned", "frozen")
    if max(abs(d) for d in tuned) < 0.01:
        verdict = _("about the same accuracy, for {times}x the arithmetic per step: the "
                    "reused conv layers were already right for the new digits").format(
                        times=number(cost, ".1f"))
    elif min(tuned) > 0:
        verdict = _("better, for {times}x the arithmetic per step").format(
            times=number(cost, ".1f"))
    elif max(tuned) < 0:
        verdict = _("worse: moving the reused layers on so few images fits those images "
                    "rather than the digits")
    else:
        verdict = _("neither way wins everywhere")
    lines.append(_("fine-tuning every layer after the restore, against keeping the conv layers "
                   "frozen: {differences}: {verdict}").format(differences=listed(tuned),
                                                              verdict=verdict))
    kept = against("frozen_fc4", "frozen")
    below = [n for n, d in zip(sizes, against("frozen_fc4", "scratch")) if d < 0]
    lines.append(_("keeping fc4 too (only fc5 new), against a new fc4: {differences}").format(
                     differences=listed(kept)) +
                 (_(", and below scratch at {sizes} images per digit").format(
                     sizes=", ".join(map(str, below))) if below else "") +
                 (_(": fc4 had learnt to tell the digits 0-4 apart, not 5-9; replace the dense "
                    "layers, where the classification happens, as the slides say")
                  if max(kept) < 0 else ""))
    return lines
