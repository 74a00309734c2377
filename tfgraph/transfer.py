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


def table(results, flops, titles):
    """The comparison as text: accuracy and wall-clock ms per step of each variant, one row
    per number of images per digit, and a row of MFLOP per image. titles: {variant: its
    column's title}, in the order of the columns."""
    rows = [(n, *(value for v in titles for value in (row[v]["accuracy"], row[v]["ms_per_step"])))
            for n, row in results["by_size"].items()]
    rows.append(("MFLOP per image", *(cell for v in titles for cell in (f"{flops[v] / 1e6:.1f}", ""))))
    return (f"Accuracy on all {results['test_images']:,} test digits 5-9 after "
            f"{results['steps']} steps, and wall-clock ms per training step:\n" +
            report.table(rows, header=("images per digit", *(h for v in titles for h in (titles[v], "ms"))),
                         formats=("", *(".4f", ".1f") * len(titles))))


def what_it_shows(results, flops):
    """The lesson's conclusions, one sentence each: reuse against scratch, what freezing
    saves, fine-tuning against freezing, and keeping too many layers."""
    sizes = list(results["by_size"])

    def against(variant, other):
        return [results["by_size"][n][variant]["accuracy"]
                - results["by_size"][n][other]["accuracy"] for n in sizes]

    def listed(diffs):
        return ", ".join(f"{d:+.3f} at {n}" for d, n in zip(diffs, sizes))

    lines = []
    gains = against("frozen", "scratch")
    if gains[0] < 0.02:         # no clear gain even with the fewest images
        gist = ("; here reuse did not clearly pay: from scratch, these few images were "
                "enough. That happens when the few training images and the test digits come "
                "from one small pool written by the same people, as on the offline split "
                "(MNIST's test set cut in two); on full MNIST, whose training digits were "
                "written by other people than its test digits, the frozen layers gain about "
                "+0.10 at 10 images per digit (README, 'Going deep')")
    elif len(sizes) > 1 and gains[0] > gains[-1]:
        gist = "; the fewer the labelled images, the more the reused layers are worth"
    else:
        gist = ""
    lines.append(f"reused, frozen conv layers against scratch: {listed(gains)} images per "
                 f"digit{gist}")
    cost = flops["scratch"] / flops["frozen"]
    lines.append(f"a frozen step does {flops['frozen'] / 1e6:.1f} MFLOP per image against "
                 f"{flops['scratch'] / 1e6:.1f} for a full one ({cost:.1f}x less): nothing "
                 f"flows back through the conv layers, where nearly all the arithmetic is")
    tuned = against("fine_tuned", "frozen")
    if max(abs(d) for d in tuned) < 0.01:
        verdict = (f"about the same accuracy, for {cost:.1f}x the arithmetic per step: the "
                   f"reused conv layers were already right for the new digits")
    elif min(tuned) > 0:
        verdict = f"better, for {cost:.1f}x the arithmetic per step"
    elif max(tuned) < 0:
        verdict = ("worse: moving the reused layers on so few images fits those images "
                   "rather than the digits")
    else:
        verdict = "neither way wins everywhere"
    lines.append(f"fine-tuning every layer after the restore, against keeping the conv layers "
                 f"frozen: {listed(tuned)}: {verdict}")
    kept = against("frozen_fc4", "frozen")
    below = [n for n, d in zip(sizes, against("frozen_fc4", "scratch")) if d < 0]
    lines.append(f"keeping fc4 too (only fc5 new), against a new fc4: {listed(kept)}" +
                 (f", and below scratch at {', '.join(map(str, below))} images per digit"
                  if below else "") +
                 (": fc4 had learnt to tell the digits 0-4 apart, not 5-9; replace the dense "
                  "layers, where the classification happens, as the slides say"
                  if max(kept) < 0 else ""))
    return lines
