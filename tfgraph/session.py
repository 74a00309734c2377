"""One graph, one session, one run folder: the frame every lesson trains inside.

    graph = new_graph(seed)            # a fresh tf.Graph, nothing left from other lessons
    with graph.as_default():
        net = build_graph(...)         # placeholders, variables, ops: nothing runs yet
    with Run(args, graph) as run:      # folder, writers, session, variables initialised,
        ...                            # graph finalized: the training loop goes here

`Run` also keeps the learner's work: Ctrl-C saves a checkpoint and flushes the summaries
before the program ends, `--resume` continues from that checkpoint in the same TensorBoard
run, and errors close the writers so everything logged so far stays readable.
"""

import json
import sys
from pathlib import Path

from tfgraph._lazy import tf
from tfgraph.errors import UserError
from tfgraph.runs import find_run, new_run_dir


FLAGS_FILE = "flags.json"   # the flags a run was started with, checked by --resume
MAY_CHANGE_ON_RESUME = {"epochs", "summary_every", "tensorboard", "resume", "logdir",
                        "run_name"}


def _flag_values(args):
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
            if k not in ("resume",)}


def new_graph(seed):
    """A new, empty `tf.Graph` whose random ops are seeded from `seed`.

    Op determinism makes the same seed give the same numbers bit for bit on this machine
    (it is a process-wide setting; it costs a few percent of speed).
    """
    tf.config.experimental.enable_op_determinism()
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.set_random_seed(seed)
    return graph


def session_config():
    """Thread settings for a small CPU: TensorFlow's defaults measured best here."""
    return tf.compat.v1.ConfigProto(allow_soft_placement=True)


class Run:
    """A training run: its folder, summary writers, session and checkpoints.

    args: the lesson's parsed flags (`lesson`, `logdir`, `run_name`, and `resume` if the
      lesson offers it).
    graph: the lesson's finished graph. Everything it needs is created here before the
      graph is finalized: the variable initializer and, when it has variables, a Saver.
    writers: names of the sub-runs, e.g. ("train", "test") so TensorBoard overlays their
      curves; `()` writes one run straight into the run folder. The graph goes to the first.
    checkpoints: save the variables at the end and on Ctrl-C (in `checkpoints/`), so the
      run can be continued with `--resume`; False for a lesson that trains nothing.
    folder: a new folder to use instead of a fresh `logs/<lesson>/<run>/`, e.g. one trial
      of a sweep inside the sweep's run folder.
    """

    def __init__(self, args, graph, writers=(), checkpoints=True, folder=None):
        self.args = args
        self.graph = graph
        self.lesson = args.lesson
        self._writer_names = tuple(writers)
        self._folder = folder
        with graph.as_default():
            self._init = tf.compat.v1.global_variables_initializer()
            has_vars = bool(tf.compat.v1.global_variables())
            # The Saver adds its own "save" ops to the graph, so it is made before finalize.
            self._saver = (tf.compat.v1.train.Saver(max_to_keep=3)
                           if has_vars and checkpoints else None)
            self._global_step = tf.compat.v1.train.get_global_step(graph)
        self.session = None
        self.writers = {}

    # -- entering: folder, session, variables ---------------------------------------------
    def __enter__(self):
        resume = getattr(self.args, "resume", None)
        if self._folder is not None:
            self.dir = Path(self._folder)
            self.dir.mkdir(parents=True, exist_ok=False)
        elif resume:
            self.dir = find_run(self.args.logdir, self.lesson, resume)
            self._check_same_flags()
        else:
            self.dir = new_run_dir(self.args.logdir, self.lesson, self.args.run_name)
        self.session = tf.compat.v1.Session(graph=self.graph, config=session_config())
        try:
            if resume:
                self._restore()
            else:
                self.session.run(self._init)
            # From here on, creating an op raises an error instead of silently growing the
            # graph on every step (CS20's "lazy loading" trap).
            self.graph.finalize()
            names = self._writer_names or ("",)
            with self.graph.as_default():  # FileWriter refuses to work outside a graph
                for i, name in enumerate(names):
                    self.writers[name] = tf.compat.v1.summary.FileWriter(
                        str(self.dir / name), self.graph if i == 0 else None)
            if not resume:
                (self.dir / FLAGS_FILE).write_text(json.dumps(_flag_values(self.args), indent=1))
        except BaseException:
            self._close()
            if not resume:
                _remove_if_empty(self.dir)  # a run that never started leaves no empty folder
            raise
        return self

    def _check_same_flags(self):
        """A resumed run must continue the same experiment: only --epochs may change."""
        try:
            before = json.loads((self.dir / FLAGS_FILE).read_text())
        except (OSError, ValueError):
            return  # an older run without its flags: nothing to compare
        now = _flag_values(self.args)
        changed = [f"--{k.replace('_', '-')} {before[k]} (now {now.get(k)})"
                   for k in sorted(before)
                   if k not in MAY_CHANGE_ON_RESUME and before[k] != now.get(k)]
        if changed:
            raise UserError(f"run {self.dir.name} was trained with " + ", ".join(changed)
                            + "; resume it with the same flags (only --epochs, "
                            "--summary-every and --tensorboard may change)")

    def _restore(self):
        ckpt = tf.compat.v1.train.latest_checkpoint(str(self.dir / "checkpoints"))
        if ckpt is None:  # (__enter__ closes the session on any error raised here)
            raise UserError(f"run {self.dir} has no checkpoint to resume from")
        try:
            with self.graph.as_default():
                self._saver.restore(self.session, ckpt)
        except (tf.errors.NotFoundError, tf.errors.InvalidArgumentError) as e:
            first = str(e.message).strip().splitlines()[0]
            raise UserError(f"checkpoint {ckpt} does not fit this lesson's graph (were its "
                            f"flags different?): {first}") from None
        print(f"Resuming {self.dir.name} from {Path(ckpt).name} (step {self.step})")

    # -- during the run -----------------------------------------------------------------
    @property
    def step(self):
        """The graph's global step (0 when the lesson has none)."""
        if self._global_step is None:
            return 0
        return int(self.session.run(self._global_step))

    def writer(self, name=""):
        return self.writers[name]

    def log(self, writer, step, **scalars):
        """Write Python numbers (e.g. a test accuracy computed over many batches) as scalars."""
        summary = tf.compat.v1.Summary(value=[
            tf.compat.v1.Summary.Value(tag=tag, simple_value=float(value))
            for tag, value in scalars.items()])
        self.writers[writer].add_summary(summary, step)

    def save(self):
        """Save a checkpoint (`checkpoints/model.ckpt-<step>`) and return its path."""
        if self._saver is None:
            return None
        folder = self.dir / "checkpoints"
        folder.mkdir(exist_ok=True)
        with self.graph.as_default():  # outside its graph, Saver assumes eager mode
            return self._saver.save(self.session, str(folder / "model.ckpt"),
                                    global_step=self.step, write_meta_graph=False)

    # -- leaving: keep everything ---------------------------------------------------------
    def __exit__(self, kind, error, tb):
        try:
            if kind is None:
                self.save()
            elif issubclass(kind, KeyboardInterrupt):
                path = self.save()
                self._flush()
                where = f"; checkpoint {path}" if path else ""
                print(f"\nInterrupted at step {self.step}. Summaries kept in {self.dir}{where}.",
                      file=sys.stderr)
                if path and hasattr(self.args, "resume"):
                    print(f"Continue with: python -m lessons.{self.lesson} --resume "
                          f"{self.dir.name}", file=sys.stderr)
        finally:
            self._close()
        return False

    def _flush(self):
        for w in self.writers.values():
            w.flush()

    def _close(self):
        for w in self.writers.values():
            w.close()
        self.writers = {}
        if self.session is not None:
            self.session.close()
            self.session = None


def _remove_if_empty(path):
    try:
        path.rmdir()  # only ever removes an empty folder
    except OSError:
        pass
