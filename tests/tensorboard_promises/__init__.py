"""What each lesson promises TensorBoard shows, one module per lesson (`<lesson>.py`).

`tests/test_tensorboard_live.py` runs every lesson of the syllabus with the small flags its
module gives, starts a real TensorBoard, and holds each run to the module's promises. Each
module defines:

    NEEDS        None, or "mnist": the lesson needs the real digits of ../shared/data/mnist
                 (without them the lesson is skipped, or fails when $CI is set)
    flags(data)  the lesson's small flags for this test (data: the MNIST folder, a str)
    promises(result) -> {sub-run: Promise}   from what the lesson's main() returned; "" is
                 the lesson's run folder itself
    doc_run(sub) (optional) the name the docstring gives a sub-run whose name varies, e.g.
                 lr_0.01/train -> lr_<rate>/train

The promises and the lesson's docstring must agree: every name in backticks in the
docstring's "In TensorBoard" section is a promised run, box, node, op type or tag, and every
promised one is named there (see `docstring_names`).
"""

import re
from dataclasses import dataclass, field

SUMMARY_EVERY = 5   # the --summary-every the MNIST lessons run with in the live test


@dataclass
class Promise:
    """What one TensorBoard run of a lesson must show. Empty fields: nothing of that kind."""
    graph_scopes: tuple = ()      # top-level boxes of the run's graph; () = the run has no graph
    graph_ops: dict = field(default_factory=dict)     # box -> op types inside it
    graph_nodes: tuple = ()       # node names (or name prefixes ending in "/") that must exist
    scalars: dict = field(default_factory=dict)       # tag -> steps of its points
    scalar_values: dict = field(default_factory=dict)  # tag -> every value, in step order
    scalar_last: dict = field(default_factory=dict)   # tag -> its last value
    histograms: dict = field(default_factory=dict)    # tag -> steps
    images: dict = field(default_factory=dict)  # name -> (number of tags or None for >= 1, steps)
    run_metadata: tuple = ()      # run-metadata tags (traced steps) in the Graphs tab
    text: dict = field(default_factory=dict)          # tag -> strings its text must contain

    def names(self):
        """Every name this promise makes a learner look for: boxes, nodes, op types, tags."""
        return {*self.graph_scopes, *self.graph_nodes,
                *(op for ops in self.graph_ops.values() for op in ops),
                *self.scalars, *self.histograms, *self.images, *self.run_metadata, *self.text}


def layer_histograms(layers, steps, activations=True):
    kinds = ("weights/histogram", "biases/histogram", *(("activations",) if activations else ()))
    return {f"{layer}/{kind}": steps for layer in layers for kind in kinds}


def summary_steps(steps, every=SUMMARY_EVERY):
    return list(range(every, steps + 1, every))


# -- the docstring side ----------------------------------------------------------------------

SECTION = re.compile(r"^In TensorBoard\b.*?$(.*?)(?=^\S|\Z)", re.MULTILINE | re.DOTALL)
NAME = re.compile(r"`([^`\s]+)`")


def tensorboard_section(doc):
    """The docstring's "In TensorBoard ..." section: its heading line and the indented lines
    below it (up to the next line that starts at the margin)."""
    match = SECTION.search(doc or "")
    return match.group(0) if match else None


def docstring_names(doc):
    """The names in backticks in the "In TensorBoard" section (`misclassified/...` -> the
    prefix `misclassified/`)."""
    section = tensorboard_section(doc)
    if section is None:
        return None
    return {name[:-3] if name.endswith("/...") else name for name in NAME.findall(section)}


def promised_names(promised, doc_run=None):
    """Every run (as the docstring names it) and every name of every promise of a lesson.

    promised: {sub-run: Promise}. Sub-run "" (the run folder itself) is not a name.
    """
    names = set()
    for sub, promise in promised.items():
        if sub:
            names.add(doc_run(sub) if doc_run else sub)
        names |= promise.names()
    return names
