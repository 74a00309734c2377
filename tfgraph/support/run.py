"""One graph, one session, one run folder: the frame every lesson trains inside.

    graph = new_graph(seed)            # tfgraph.graph: a fresh tf.Graph
    with graph.as_default():
        net = build_graph(...)         # placeholders, variables, ops: nothing runs yet
    with Run(args, graph) as run:      # folder, writers, session, variables initialised,
        ...                            # graph finalized: the training loop goes here

`Run` also keeps the learner's work: Ctrl-C saves a checkpoint and flushes the summaries
before the program ends, `--resume` continues from that checkpoint in the same TensorBoard
run, and errors close the writers so everything logged so far stays readable. Whether a
resumed run's flags are its own is checked once, when the flags are parsed
(`tfgraph.support.cli.parse`), before any data is loaded.
"""

import itertools
import os
import shlex
import shutil
import sys
from pathlib import Path

from tfgraph.graph import session_config
from tfgraph.support.cli import default_logdir
from tfgraph.support.errors import UserError
from tfgraph.support.i18n import _
from tfgraph.support.lazy import tf
from tfgraph.support.runs import find_run, flag_values, new_run_dir, read_flags, write_flags

_writer_numbers = itertools.count(1)   # (per process: the pid tells processes apart)


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
    target, config: the session's master and settings, e.g. a TensorFlow server's
      `grpc://host:port` and device filters (lesson distributed); default: this process,
      `session_config()`.
    """

    def __init__(self, args, graph, writers=(), checkpoints=True, folder=None, target="",
                 config=None):
        self.args = args
        self.graph = graph
        self.lesson = args.lesson
        self._writer_names = tuple(writers)
        self._folder = folder
        self._target, self._config = target, config
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
        # (a run in a folder of the lesson's choosing, e.g. one trial of a sweep, is new)
        resume = getattr(self.args, "resume", None) if self._folder is None else None
        before = None                    # a resumed run's flags, as it was started
        if self._folder is not None:
            self.dir = Path(self._folder)
            self.dir.mkdir(parents=True, exist_ok=False)
        elif resume:
            self.dir = find_run(self.args.logdir, self.lesson, resume)
            before = read_flags(self.dir)   # checked against the flags by cli.parse
        else:
            self.dir = new_run_dir(self.args.logdir, self.lesson, self.args.run_name)
        try:
            self.session = tf.compat.v1.Session(self._target, graph=self.graph,
                                                config=self._config or session_config())
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
                    # The suffix makes each writer's file its own: the default name has only
                    # the second and the host, and a second writer in the same folder and
                    # second (a resume right after a run) would truncate the first's file.
                    self.writers[name] = tf.compat.v1.summary.FileWriter(
                        str(self.dir / name), self.graph if i == 0 else None,
                        filename_suffix=f".{os.getpid()}.{next(_writer_numbers)}")
            now = flag_values(self.args)
            if resume:   # the run's flags now say how far it is meant to go (--epochs)
                now.pop("run_name", None)
                write_flags(self.dir, {**before, **now})
            else:
                write_flags(self.dir, now)
        except BaseException:
            self._close()
            if not resume:
                # A run that never started leaves nothing behind: this folder was made just
                # now by this run (mkdir fails on an existing one), so it holds nothing else.
                shutil.rmtree(self.dir, ignore_errors=True)
            raise
        return self

    def _restore(self):
        ckpt = tf.compat.v1.train.latest_checkpoint(str(self.dir / "checkpoints"))
        if ckpt is None:  # (__enter__ closes the session on any error raised here)
            raise UserError(_("run {run} has no checkpoint to resume from").format(run=self.dir))
        try:
            with self.graph.as_default():
                self._saver.restore(self.session, ckpt)
        except (tf.errors.NotFoundError, tf.errors.InvalidArgumentError) as e:
            first = str(e.message).strip().splitlines()[0]
            raise UserError(_("checkpoint {checkpoint} does not fit this lesson's graph (were "
                              "its flags different?): {error}").format(
                checkpoint=ckpt, error=first)) from None
        print(_("Resuming {run} from {checkpoint} (step {step})").format(
            run=self.dir.name, checkpoint=Path(ckpt).name, step=self.step))

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

    def continue_command(self):
        """The shortest command that continues this run: `--resume` takes every other flag
        from the run's flags.json; `--logdir` only when the runs are not where a plain
        command looks for them."""
        words = ["python", "-m", f"lessons.{self.lesson}"]
        if Path(self.args.logdir).resolve() != default_logdir():
            words += ["--logdir", str(self.args.logdir)]
        return " ".join(shlex.quote(w) for w in [*words, "--resume", self.dir.name])

    # -- leaving: keep everything ---------------------------------------------------------
    def __exit__(self, kind, error, tb):
        try:
            if kind is None:
                self.save()
            elif issubclass(kind, KeyboardInterrupt):
                path = self.save()
                self._flush()
                said = (_("Interrupted at step {step}. Summaries kept in {folder}; checkpoint "
                          "{checkpoint}.") if path else
                        _("Interrupted at step {step}. Summaries kept in {folder}."))
                print("\n" + said.format(step=self.step, folder=self.dir, checkpoint=path),
                      file=sys.stderr)
                if path and hasattr(self.args, "resume"):
                    print(_("Continue with: {command}").format(command=self.continue_command()),
                          file=sys.stderr)
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
