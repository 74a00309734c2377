"""Inside one task of a TensorFlow cluster: what keeps it observable and tidy, not what it
teaches. Introduced by lesson `distributed`, whose workers each build the same graph with
their variables on the parameter server (between-graph replication):

    server = start_server(spec, "worker", index, config)  # this process's task
    serve(start_server(spec, "ps", 0), spec, 0)           # a ps: until every worker is done
    book = bookkeeping(spec, index, update, net)          # in the graph: steps, reports, done
    reporter = Reporter(session, book)                    # a worker tells the ps how it goes
    chief = Chief(run, net, book, data, ...)              # worker 0 watches the others
    announce_done(session, book, [index])                 # ... and the ps may end

The workers' bookkeeping lives on the ps, where every worker can write it and the chief
read it: how many steps and examples each contributed, and each one's last report
(`REPORT`). The chief turns those into a TensorBoard run per worker, and stops waiting for a
worker that made no step for STALL_SECONDS (on a real cluster nobody else can tell it that
a worker died). The processes themselves are `tfgraph.support.cluster`'s.
"""

import threading
import time
from typing import NamedTuple

import numpy as np

from tfgraph.support import cluster
from tfgraph.support.errors import UserError
from tfgraph.support.i18n import _, ngettext, number
from tfgraph.support.lazy import tf
from tfgraph.train import evaluate_splits

# A worker's report, one row per worker in `workers/reports` on the ps:
REPORT = ("loss", "accuracy", "examples_per_second", "average_examples_per_second", "done")
LOSS, ACCURACY, RATE, AVERAGE_RATE, DONE = range(len(REPORT))
REPORT_EVERY = 50         # a worker's steps between its reports to the ps
STALL_SECONDS = 60        # the chief stops waiting for a worker that made no step this long
ANNOUNCE_SECONDS = 30     # how long telling the ps "worker i is done" may take
LAST_ANSWER_SECONDS = 1   # a ps lives this long after the last announcement, to answer it
WAKE_SECONDS = 0.5        # a ps started by hand looks up this often, so Ctrl-C stops it
POLL_SECONDS = 0.2        # between two looks at the shared variables


# -- a task's server ---------------------------------------------------------------------------

def start_server(spec, job, index, config=None):
    """This task's TensorFlow server, listening on its address of `spec` ({"ps": [...],
    "worker": [...]}). A task started by the launcher dies with it; a port already taken is
    one line, said before TensorFlow's slow import."""
    cluster.die_with_parent()
    address = spec[job][index]
    port = cluster.parse_address(address)[1]
    if cluster.port_taken(port):
        raise UserError(_("port {port} of {task} ({address}) is already taken by another "
                          "program: choose a free one in --cluster").format(
                              port=port, task=f"{job}:{index}", address=address))
    tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)  # deprecation notes
    try:
        return tf.distribute.Server(tf.compat.v1.train.ClusterSpec(spec), job_name=job,
                                    task_index=index, start=True, config=config)
    except tf.errors.OpError as e:
        raise UserError(_("{task} could not start its server at {address}: {error}").format(
            task=f"{job}:{index}", address=address, error=e.message)) from None


def done_queue(spec, ps_index):
    """The queue on parameter server `ps_index` where every worker leaves its index when it
    is done; the ps ends once it holds one per worker. Found by its shared name, so the
    ps's own graph and every worker's graph mean the same queue."""
    workers = len(spec["worker"])
    with tf.compat.v1.device(f"/job:ps/task:{ps_index}"):
        return tf.queue.FIFOQueue(2 * workers, [tf.int32], shapes=[[]],
                                  shared_name=f"done_queue_{ps_index}", name=f"queue_{ps_index}")


def serve(server, spec, index):
    """The parameter server: serve the variables until every worker has said it is done
    (TensorFlow's `server.join()` would serve forever)."""
    workers = len(spec["worker"])
    print(ngettext("{task} holds the variables at {address}; it ends when its {workers} worker is done",
                   "{task} holds the variables at {address}; it ends when all {workers} workers are done",
                   workers).format(task=f"ps:{index}", address=spec["ps"][index], workers=workers), flush=True)
    graph = tf.Graph()
    with graph.as_default():
        all_done = done_queue(spec, index).dequeue_many(workers)
    session = tf.compat.v1.Session(server.target, graph=graph, config=tf.compat.v1.ConfigProto(
        device_filters=[f"/job:ps/task:{index}"]))
    finished = threading.Event()

    def wait():
        try:
            session.run(all_done)
        finally:
            finished.set()

    threading.Thread(target=wait, daemon=True).start()
    while not finished.wait(WAKE_SECONDS):     # in Python, so Ctrl-C stops a ps started by hand
        pass
    time.sleep(LAST_ANSWER_SECONDS)            # the last worker's announcement gets its answer
    print(_("{task}: every worker is done, stopping").format(task=f"ps:{index}"))
    return {"task": f"ps:{index}"}


def wait_for_ps(spec, seconds):
    """Wait until every parameter server of `spec` answers; UserError after `seconds`."""
    cluster.wait_until_answering(
        spec["ps"], seconds, lambda a: _("the parameter server {task} at {address}").format(
            task=f"ps:{spec['ps'].index(a)}", address=a))


# -- the workers' bookkeeping, in every worker's graph -----------------------------------------

class Bookkeeping(NamedTuple):
    train_op: object       # the worker's step: `update`, then the step and examples counted
    step_after: object     # int64 []: the global step, read after this worker's step
    steps: object          # int64 [workers] (ps): steps each worker contributed
    examples: object       # int64 [workers] (ps): examples each worker trained on
    reports: object        # float32 [workers, 5] (ps): each worker's last REPORT
    report: object         # float32 [5] placeholder: this worker's REPORT
    send_report: object    # writes `report` into this worker's row of `reports`
    finished: object       # int32 [] placeholder: the index of a worker that is done
    announce: object       # tells every ps that worker `finished` is done


def bookkeeping(spec, task_index, update, net):
    """Worker `task_index`'s counters and reports (scope `workers`, on the ps) and its "I am
    done" (scope `done`). Call it under the worker's `replica_device_setter`, after the
    network: `update` applies its gradients; `net` has `x` (float32 [batch, features]) and
    `global_step`."""
    workers = len(spec["worker"])
    with tf.compat.v1.variable_scope("workers"):
        zeros = tf.compat.v1.zeros_initializer()
        steps = tf.compat.v1.get_variable("steps", [workers], tf.int64, zeros, trainable=False)
        examples = tf.compat.v1.get_variable("examples", [workers], tf.int64, zeros,
                                             trainable=False)
        reports = tf.compat.v1.get_variable("reports", [workers, len(REPORT)], tf.float32,
                                            zeros, trainable=False)
        report = tf.compat.v1.placeholder(tf.float32, [len(REPORT)], name="report")
        batch = tf.shape(net.x, out_type=tf.int64)[:1]                  # [1]
        # Counted where the counters live (with two ps, not all on the same one), and only
        # once the update is applied: otherwise the ps would count a step as it begins,
        # and a worker killed in mid-step would leave a step counted but never applied.
        with tf.control_dependencies([update]):
            with tf.compat.v1.device(steps.device):
                count_step = tf.compat.v1.scatter_add(steps, [task_index], [1])
            with tf.compat.v1.device(examples.device):
                count_examples = tf.compat.v1.scatter_add(examples, [task_index], batch)
        with tf.compat.v1.device(reports.device):
            send_report = tf.compat.v1.scatter_update(reports, [task_index], report[None])
        train_op = tf.group(update, count_step, count_examples, name="step")
        with tf.control_dependencies([train_op]):
            step_after = net.global_step.read_value()

    # On the worker itself (not under the device setter): every ps gets the message.
    with tf.compat.v1.device(None), tf.compat.v1.device(f"/job:worker/task:{task_index}"):
        with tf.name_scope("done"):
            finished = tf.compat.v1.placeholder(tf.int32, [], name="worker")
            announce = tf.group(*[done_queue(spec, i).enqueue(finished)
                                  for i in range(len(spec["ps"]))], name="announce")
    return Bookkeeping(train_op, step_after, steps, examples, reports, report, send_report,
                       finished, announce)


def announce_done(session, book, workers):
    """Tell every ps that `workers` are done: a ps ends once it has heard of all of them.

    The last one heard may end the ps at once, so nothing may need it afterwards: not
    even closing `session`, which talks to the ps (the task ends right after).
    """
    for n, i in enumerate(workers, 1):
        try:
            session.run(book.announce, {book.finished: i},
                        options=tf.compat.v1.RunOptions(timeout_in_ms=ANNOUNCE_SECONDS * 1000))
        except tf.errors.UnavailableError:
            if n == len(workers):
                return                  # the ps heard it and ended before it could answer
            raise
        except tf.errors.OpError as e:
            print(_("could not tell the ps that {worker} is done ({error}); a ps started by "
                    "hand must then be stopped by hand").format(
                        worker=f"worker:{i}", error=e.message.splitlines()[0]))
            return


# -- sessions: the chief first, the others once it has initialised ----------------------------

def first_contact(server, graph, uninitialized, config, spec, seconds):
    """The chief's first session with the ps, bounded: TensorFlow would wait forever for a
    server that accepts connections but is not a server of this cluster."""
    def contact():
        with tf.compat.v1.Session(server.target, graph=graph, config=config) as probe:
            return probe.run(uninitialized)

    cluster.bounded(contact, seconds,
                    _("the parameter server at {addresses} did not answer a session within "
                      "{seconds} s (is it a TensorFlow server of this cluster?)").format(
                          addresses=", ".join(spec["ps"]), seconds=number(seconds, "g")))


def session_once_initialised(server, graph, uninitialized, config, seconds):
    """A non-chief worker's session, once the chief has initialised the shared variables
    (`uninitialized`: string [n], their names; polled, bounded: TensorFlow's
    MonitoredTrainingSession would sleep 30 s)."""
    session = tf.compat.v1.Session(server.target, graph=graph, config=config)

    def initialised():
        while len(session.run(uninitialized)):
            time.sleep(POLL_SECONDS)

    cluster.bounded(initialised, seconds,
                    _("the chief (worker:0) did not initialise the shared variables within "
                      "{seconds} s (is it started, with the same --cluster?)").format(
                          seconds=number(seconds, "g")))
    return session


# -- a worker's reports --------------------------------------------------------------------------

class Reporter:
    """A worker's reports to the ps, every `every` of its steps (its row of
    `workers/reports`): its mean loss and accuracy since the last report, its examples per
    second since then and since it began. `done()` sends the last, marked done."""

    def __init__(self, session, book, every=REPORT_EVERY):
        self._send = session.make_callable(book.send_report, [book.report])
        self.every = every
        self._window = np.zeros(3)                   # loss, accuracy, steps: since the report
        self._row = np.zeros(len(REPORT), np.float32)
        self._began = self._last = time.perf_counter()
        self.steps = self.examples = self._since = 0

    def update(self, batch, loss, accuracy):
        """One step of this worker (`batch`: a tfgraph.train.Batch) done."""
        self.steps += 1
        self.examples += len(batch.images)
        self._since += len(batch.images)
        self._window += (loss, accuracy, 1)
        if batch.step % self.every == 0:
            now = time.perf_counter()
            loss, accuracy, steps = self._window
            self._row[:] = (loss / steps, accuracy / steps, self._since / (now - self._last),
                            self.examples / (now - self._began), 0)
            self._send(self._row)
            self._window[:], self._since, self._last = 0, 0, now

    def done(self):
        """The last report; returns what this worker did: {"steps", "examples", "seconds",
        "examples_per_second"}."""
        seconds = time.perf_counter() - self._began
        rate = self.examples / max(seconds, 1e-9)
        row, (loss, accuracy, steps) = self._row, self._window
        if steps:
            row[LOSS], row[ACCURACY] = loss / steps, accuracy / steps
        row[RATE], row[AVERAGE_RATE], row[DONE] = rate, rate, 1
        self._send(row)
        return {"steps": self.steps, "examples": self.examples, "seconds": seconds,
                "examples_per_second": rate}


# -- what the chief does besides training ------------------------------------------------------

class Chief:
    """Worker 0's other duties: summaries of every worker (read from the ps), validation and
    a checkpoint after each of its epochs, waiting for the others, the final scores.

    run: the chief's `tfgraph.support.Run`, with writers "cluster", "worker_<i>",
    "validation" and "test". net: the network (x, y, loss, accuracy, summary,
    global_step). book: the `Bookkeeping`. data: the splits (validation, test).
    final_step: the global step the run ends at if no worker dies. The tables of the
    workers are written every `summary_every` global steps before it, and once more at
    the end with every worker's last report.
    """

    def __init__(self, run, net, book, data, summary_every, workers, final_step):
        self.run, self.net, self.book, self.data = run, net, book, data
        self.summary_every, self.workers, self.final_step = summary_every, workers, final_step
        self.summary = run.session.make_callable(net.summary, [net.x, net.y])
        self.read = run.session.make_callable(
            [book.steps, book.examples, book.reports, net.global_step])
        self.metrics = {"accuracy": net.accuracy, "loss": net.loss}
        self.next_summary = (run.step // summary_every + 1) * summary_every
        self.last_table = -1
        self.summary_steps = []                  # where the network's summaries went
        self.scalar_steps = {}                   # {run: {tag: [steps]}} of the scalars
        self.ended = {}                          # worker -> exit code, told by the launcher
        self.not_waited_for = []
        self.validated = (None, None)            # (global step, scores) of the last one
        steps, examples, _reports, _step = self.read()
        self.started = time.perf_counter()
        self.start_steps, self.start_examples = steps.copy(), int(examples.sum())
        self._last = (self.started, self.start_examples)
        cluster.listen(self._notice)

    def _notice(self, line):                     # "ended worker:1 -9", from the launcher
        words = line.split()
        if len(words) == 3 and words[0] == "ended" and words[1].startswith("worker:"):
            self.ended[int(words[1].split(":")[1])] = int(words[2])

    def _log(self, writer, step, **scalars):
        self.run.log(writer, step, **scalars)
        for tag in scalars:
            self.scalar_steps.setdefault(writer, {}).setdefault(tag, []).append(step)

    def evaluate(self, step, splits):
        scores = evaluate_splits(self.run, self.metrics, self.net.x, self.net.y, self.data,
                                 step, splits)
        for split in splits:
            for tag in scores[split]:
                self.scalar_steps.setdefault(split, {}).setdefault(tag, []).append(step)
        return scores

    def tables(self, global_step):
        """Each worker's last report and its steps, and the cluster's speed, as scalars."""
        global_step = int(global_step)
        steps, examples, reports, _step = self.read()
        for i in range(self.workers):
            values = {"steps_contributed": int(steps[i])}
            if reports[i, AVERAGE_RATE] > 0:             # it has reported at least once
                values.update(loss=reports[i, LOSS], accuracy=reports[i, ACCURACY],
                              examples_per_second=reports[i, RATE])
            self._log(f"worker_{i}", global_step, **values)
        now, total = time.perf_counter(), int(examples.sum())
        then, before = self._last
        self._log("cluster", global_step, examples_per_second=(total - before) / (now - then))
        self._last, self.last_table = (now, total), global_step
        self.next_summary = (global_step // self.summary_every + 1) * self.summary_every

    def after_step(self, batch, global_step):
        """After each of the chief's own steps: the summaries when their turn has come; at
        the end of its epoch, validation and a checkpoint."""
        if self.next_summary <= global_step < self.final_step:
            self.run.writer("cluster").add_summary(self.summary(batch.images, batch.labels),
                                                   global_step)
            self.summary_steps.append(int(global_step))
            self.tables(global_step)
        if batch.end_of_epoch:
            step = self.run.step
            scores = self.evaluate(step, ("validation",))
            self.validated = (step, scores["validation"])
            print("  " + _("validation accuracy {accuracy} (global step {step})").format(
                accuracy=number(scores["validation"]["accuracy"], ".4f"), step=step))
            self.run.save()                      # a chief that dies leaves its last epoch
            for writer in self.run.writers.values():
                writer.flush()

    def wait_for_others(self):
        """Wait until every other worker is done, has ended, or made no step for
        STALL_SECONDS; keep the tables going meanwhile."""
        last_steps, last_change = None, time.perf_counter()
        while True:
            steps, _examples, reports, global_step = self.read()
            waiting = [i for i in range(1, self.workers)
                       if reports[i, DONE] < 1 and i not in self.ended]
            if not waiting:
                return
            now = time.perf_counter()
            if last_steps is None or (steps != last_steps).any():
                last_steps, last_change = steps, now
            elif now - last_change > STALL_SECONDS:
                names = ", ".join(f"worker:{i}" for i in waiting)
                print(_("{workers} made no step for {seconds} s: not waiting any longer").format(
                    workers=names, seconds=number(STALL_SECONDS)))
                self.not_waited_for = waiting
                return
            if self.next_summary <= global_step < self.final_step:
                self.tables(global_step)
            time.sleep(POLL_SECONDS)

    @property
    def gone(self):
        """The workers that did not finish: not waited for, or ended with an error."""
        return sorted(set(self.not_waited_for) | {i for i, code in self.ended.items() if code})

    def finish(self):
        """After the others: score the shared weights, write the last tables. Returns
        (global step, scores, {worker_i/cluster: examples/s, None if it trained nothing
        in this run}, steps and examples each worker contributed in all)."""
        global_step = self.run.step
        # The same global step means the same weights (every update counts one): a
        # validation just done at this step is not done again.
        again = self.validated[0] == global_step
        scores = self.evaluate(global_step, ("test",) if again else ("validation", "test"))
        if again:
            scores["validation"] = self.validated[1]
        if global_step > self.last_table:
            self.tables(global_step)             # every worker's last report, final counts
        steps, examples, reports, _step = self.read()
        seconds = time.perf_counter() - self.started
        speeds = {f"worker_{i}": float(reports[i, AVERAGE_RATE])
                  if steps[i] > self.start_steps[i] else None for i in range(self.workers)}
        speeds["cluster"] = (int(examples.sum()) - self.start_examples) / max(seconds, 1e-9)
        return global_step, scores, speeds, [int(n) for n in steps], [int(n) for n in examples]

    def rows(self, steps, speeds, global_step):
        """The closing table: each worker's steps and examples per second, then the
        cluster's (rows for `tfgraph.support.report.table`)."""
        rows = []
        for i in range(self.workers):
            rate = speeds[f"worker_{i}"]
            note = _("(the chief)") if i == 0 else (_("(did not finish)") if i in self.gone
                                                    else "")
            rows.append((f"worker:{i}", steps[i], "-" if rate is None else number(rate, ",.0f"),
                         note))
        return rows + [("cluster", sum(steps), number(speeds["cluster"], ",.0f"),
                        _("(global step {step})").format(step=number(global_step, ",")))]
