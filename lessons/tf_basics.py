"""Lesson 6 — TensorFlow's three ideas: a graph, a session, tensors ("Tensorflow: Uma Introdução")

The slide "Tensorflow: Uma Introdução", one idea at a time, each shown by running it:

    Grafos   every node of the graph is an operation. Building the graph runs nothing:
             y = x @ w + b exists as ops, but w has no value yet.
    Seções   a session is the link between the client (this Python program) and the
             runtime (C++) that runs the ops: it runs what you fetch, with the values you
             feed, and the same graph takes a batch of 1 row or of 4.
    Tensor   a tensor holds primitive values (float32, int32, string, bool) in an
             n-dimensional array; its shape can be partly unknown ([None, 3]) until it runs,
             and what a session gives back is a numpy value.

It also shows the classic mistake of creating ops inside a loop (the graph grows on every
pass) and how a finalized graph turns that mistake into an error. Nothing is trained.

Run it:
    python -m lessons.tf_basics
    python -m lessons.tf_basics --seed 1      # another random w, same shapes
    python -m lessons.exercises start graph_growth      # your turn: then check it

In TensorBoard (the lesson prints the command):
    Graphs   the boxes `constants`, `inputs`, `layer`, `tensor` and `feed`; open `layer` to
             see `layer/w` as ops (`VarHandleOp`, its `layer/w/Initializer/...`,
             `ReadVariableOp`) feeding `MatMul` and `layer/y`. The `init` box is added by
             tfgraph.Run, to initialise w.
    Scalars  `feed/x_sum` and `feed/batch_size`: one point per feed (step 1: 1 row,
             step 2: 4).
"""

import textwrap
from typing import NamedTuple

import numpy as np

from tfgraph import new_graph, tf
from tfgraph.support import Run, board, cli
from tfgraph.support.i18n import _, ngettext

LESSON = "tf_basics"
A = 3                     # a plain int32 constant: a rank-0 tensor
BIAS = [0.5, -0.5]        # b, added to every row of x @ w
LOOP_PASSES = 3           # how often the loop mistake adds an op


class BasicsGraph(NamedTuple):
    a: object             # int32 []: a constant
    b: object             # float32 [2]: a constant, the bias
    x: object             # float32 [None, 3]: a placeholder, any number of rows of 3
    w: object             # float32 [3, 2]: a variable, empty until the session initialises it
    y: object             # float32 [None, 2]: x @ w + b
    batch_shape: object   # int32 [2]: tf.shape(x), the shape of what was actually fed
    words: object         # string [3]: the slide's three words
    positive: object      # bool [None, 2]: y > 0
    summaries: object     # string: feed/x_sum and feed/batch_size for TensorBoard


def build_graph(a=A, bias=BIAS):
    """Constants, a placeholder, a variable and the ops between them (nothing runs here)."""
    with tf.name_scope("constants"):
        a = tf.constant(a, name="a")                                  # int32 []
        b = tf.constant(bias, tf.float32, name="b")                   # [2]
    with tf.name_scope("inputs"):
        x = tf.compat.v1.placeholder(tf.float32, [None, 3], name="x")  # [batch, 3]
    # variable_scope, not name_scope: get_variable ignores name scopes (the name would be "w")
    with tf.compat.v1.variable_scope("layer"):
        w = tf.compat.v1.get_variable(                                 # [3, 2]
            "w", [3, 2], tf.float32, tf.compat.v1.random_normal_initializer())
        y = tf.add(tf.matmul(x, w), b, name="y")                       # [batch, 2]
    with tf.name_scope("tensor"):
        batch_shape = tf.shape(x, name="batch_shape")                  # [2]: (batch, 3)
        words = tf.constant(["Grafos", "Seções", "Tensor"], name="slide")  # string [3]
        positive = tf.greater(y, 0.0, name="positive")                 # bool [batch, 2]
    with tf.name_scope("feed"):  # tags feed/x_sum, feed/batch_size: one point per feed
        with tf.name_scope("values"):  # the numbers to plot (their helper ops stay inside)
            x_sum = tf.reduce_sum(x, name="x_sum")                     # []
            rows = tf.cast(batch_shape[0], tf.float32, name="rows")    # []
        summaries = tf.compat.v1.summary.merge([
            tf.compat.v1.summary.scalar("x_sum", x_sum),
            tf.compat.v1.summary.scalar("batch_size", rows)])
    return BasicsGraph(a, b, x, w, y, batch_shape, words, positive, summaries)


def op_table(graph):
    """Print the graph's ops the way TensorBoard draws them: scope/name, helpers folded in."""
    groups = {}
    for op in graph.get_operations():
        groups.setdefault("/".join(op.name.split("/")[:2]), []).append(op)
    heads = [_("node"), _("type"), _("output shape")]
    widths = [max(w, len(h)) for w, h in zip((23, 15, 13), heads)]     # a heading may be wider
    print(table_row(heads, widths), _("helper ops inside"))
    for name, ops in groups.items():
        op = next((o for o in ops if o.name == name or len(ops) == 1), None)
        if op is None:  # a name scope holding helpers only, e.g. feed/values
            print(table_row([name, _("(name scope)"), "-"], widths), f"{len(ops)} ops")
            continue
        shape = op.outputs[0].shape.as_list() if op.outputs else "-"
        if op.type == "VarHandleOp":  # its output is a handle; the value has this shape
            shape = f"{tf.TensorShape(op.get_attr('shape')).as_list()} var"
        helpers = f"+{len(ops) - 1}" if len(ops) > 1 else ""
        print(table_row([op.name, op.type, shape], widths), helpers)


def table_row(cells, widths):
    """One line of a table: two spaces, then each cell left-aligned in its column."""
    return "  " + " ".join(f"{str(cell):<{width}}" for cell, width in zip(cells, widths))


def indent(array):
    return "\n".join("    " + line for line in str(array).splitlines())


def wrap(text):
    return textwrap.fill(text, 96, initial_indent="  ", subsequent_indent="    ")


def error_line(error):
    """The one sentence of a TensorFlow error that explains it (no traceback, no debug info)."""
    for line in str(error.message).splitlines():
        line = line.strip()
        if line and not line.startswith(("Graph execution error", "Detected at", "File ",
                                         "Node:", "[[")):
            return line.split(" Debug info:")[0]
    return str(error.message).strip()


def main(argv=None):
    p = cli.parser(LESSON, __doc__)
    args = cli.parse(p, argv)
    np.set_printoptions(precision=3, suppress=True)

    # 1. Data: the same placeholder takes one row or four. Rows of the identity pick out
    # one row of w each, so y is easy to check by eye.
    one_row = np.array([[1, 0, 0]], np.float32)                          # [1, 3]
    four_rows = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], np.float32)  # [4, 3]

    # 2. Graph ("Grafos"): build, don't run
    print(_("== Grafos: every node is an operation; building the graph runs nothing =="))
    graph = new_graph(args.seed)
    with graph.as_default():
        net = build_graph()
    op_table(graph)
    ops = [(op.name, op.type) for op in graph.get_operations()]
    # Proof that nothing ran: w's initializer is an op too, and no session has run it.
    with tf.compat.v1.Session(graph=graph) as sess:
        try:
            sess.run(net.y, {net.x: one_row})
            uninitialized = _("(no error)")
        except tf.errors.FailedPreconditionError as e:
            uninitialized = error_line(e)
    print(_("{n} ops in all. +N: helper ops folded into that node, as TensorBoard draws them\n"
            "(w's initializer, assign and reads; constant arguments).\nNone has run yet: "
            "fetching y before w's initializer has run fails with").format(n=len(ops)))
    print(wrap(f"FailedPreconditionError: {uninitialized}"))

    # 3. Session ("Seções"): Run opens the session, runs the initializer, finalizes the graph
    print("\n" + _("== Seções: the session connects Python (the client) to the C++ runtime =="))
    with Run(args, graph, checkpoints=False) as run:  # nothing trained, nothing to save
        sess, writer = run.session, run.writer()
        print(_("Run(args, graph) opened a session, ran w's initializer, finalized the graph."))
        w, b = sess.run([net.w, net.b])             # two fetches, no feed: nothing needs x
        print(f"sess.run([w, b]) -> w [3, 2] =\n{indent(w)}\n  b [2] = {b}")
        ys = {}
        for step, rows in enumerate((one_row, four_rows), 1):
            # Several fetches, one trip to the runtime: y, x's dynamic shape, the summaries.
            y, shape, summary = sess.run([net.y, net.batch_shape, net.summaries],
                                         {net.x: rows})
            writer.add_summary(summary, step)
            ys[len(rows)] = y
            print(ngettext("sess.run([y, tf.shape(x), summaries], feed_dict={{x: {n} row}})",
                           "sess.run([y, tf.shape(x), summaries], feed_dict={{x: {n} rows}})",
                           len(rows)).format(n=len(rows)) + f"\n  -> tf.shape(x) = "
                  f"{shape.tolist()}, y [{len(rows)}, 2] =\n{indent(y)}")
        print(_("  Same graph, same placeholder [None, 3]. Row i of the identity gives row i of w, "
                "plus b;\n  the row of ones gives the sum of w's rows, plus b."))
        try:
            sess.run(net.y)                          # forgot the feed
        except tf.errors.InvalidArgumentError as e:
            print(_("sess.run(y) with no feed fails with"))
            print(wrap(f"InvalidArgumentError: {error_line(e)}"))

        # The classic mistake: an op created inside the loop is a new node on every pass.
        scratch = tf.Graph()                         # a throwaway graph: ours is finalized
        with scratch.as_default():
            one, two = tf.constant(1.0), tf.constant(2.0)
        op_counts = [len(scratch.get_operations())]
        with tf.compat.v1.Session(graph=scratch) as scratch_sess:
            for _pass in range(LOOP_PASSES):
                with scratch.as_default():
                    scratch_sess.run(tf.add(one, two))   # the mistake: build inside the loop
                op_counts.append(len(scratch.get_operations()))
        print("\n" + _("Mistake: sess.run(tf.add(one, two)) inside a loop, in a scratch graph.\n"
                       "  Ops in the graph: {counts} (a new Add node every pass, forever).\n"
                       "  Fix: build tf.add once, before the loop; run it many times.").format(
                          counts=" -> ".join(map(str, op_counts))))
        try:
            with graph.as_default():
                sess.run(tf.add(net.a, net.a))       # the same mistake in the lesson's graph
            finalize_error = _("(no error)")
        except RuntimeError as e:
            finalize_error = str(e)
        print(_("The same line in our finalized graph fails at once:"))
        print(f"  RuntimeError: {finalize_error}")

        # "Tensor": the static shape is known while building, the dynamic one when running.
        print("\n" + _("== Tensor: primitive values in an n-dimensional array =="))
        static_shape = net.x.shape.as_list()
        dynamic_shape = sess.run(net.batch_shape, {net.x: four_rows}).tolist()
        print(_("x: static shape  x.shape = {static}  (known while building; None: any number "
                "of rows)\n   dynamic shape tf.shape(x) = {dynamic}  (known when run, here with "
                "the batch of 4)").format(static=static_shape, dynamic=dynamic_shape))
        tensors = [net.a, net.b, net.words, net.y, net.positive]
        values = sess.run(tensors, {net.x: four_rows})
        heads = [_("tensor"), "dtype", _("rank"), _("static shape")]
        widths = [max(w, len(h)) for w, h in zip((19, 8, 4, 13), heads)]
        print(table_row(heads, widths), _("fetched as: type, dtype, shape"))
        fetched = {}
        for t, v in zip(tensors, values):
            kind = f"{type(v).__module__}.{type(v).__name__:<8} {v.dtype!s:<8} {v.shape}"
            fetched[t.name] = {"dtype": t.dtype.name, "rank": t.shape.rank,
                               "type": type(v).__name__, "shape": list(v.shape)}
            print(table_row([t.name, t.dtype.name, t.shape.rank, t.shape.as_list()], widths),
                  kind)
        print(_("  A rank-0 tensor comes back as a numpy scalar, the others as numpy arrays;\n"
                "  strings as UTF-8 bytes: {raw}.decode() == {text}").format(
                    raw=repr(values[2][1]), text=repr(values[2][1].decode())))

    # 4. TensorBoard
    board.show(args, run.dir)
    return {
        "ops": ops,
        "uninitialized_error": uninitialized,
        "x": {1: one_row.tolist(), 4: four_rows.tolist()},
        "w": w.tolist(),
        "b": b.tolist(),
        "y": {n: y.tolist() for n, y in ys.items()},
        "static_shape": static_shape,
        "dynamic_shape": dynamic_shape,
        "fetched": fetched,
        "op_counts": op_counts,
        "finalize_error": finalize_error,
        "run_dir": str(run.dir),
    }


if __name__ == "__main__":
    cli.run(main)
