"""tfgraph.support.replicas without a cluster: a worker's reports (the rows the chief turns
into each worker's curves) and the chief's wait for the others, which ends when they are
done, when the launcher says one ended, or when one made no step for STALL_SECONDS (on a
real cluster nobody tells the chief that a worker died). The graph's placement on the ps,
and all of it on real processes: tests/test_distributed.py."""

import time
from typing import NamedTuple

import numpy as np
import pytest

from conftest import said_before
from tfgraph import tf
from tfgraph.support import replicas
from tfgraph.train import Batch


class Book(NamedTuple):         # the two fields of replicas.Bookkeeping a Reporter uses
    report: object
    send_report: object


def batch(step, n=4):
    return Batch(step, 1, np.zeros((n, 3), np.float32), np.zeros((n, 2), np.float32), False)


def test_a_worker_reports_its_means_since_the_last_report_then_done():
    graph = tf.Graph()
    with graph.as_default():
        row = tf.compat.v1.placeholder(tf.float32, [len(replicas.REPORT)])
        sent = tf.compat.v1.get_variable("sent", [len(replicas.REPORT)], tf.float32,
                                         tf.compat.v1.zeros_initializer(), use_resource=True)
        send = sent.assign(row)
        init = tf.compat.v1.global_variables_initializer()
    with tf.compat.v1.Session(graph=graph) as session:
        session.run(init)
        reporter = replicas.Reporter(session, Book(row, send), every=2)
        reporter.update(batch(1), 2.0, 0.25)
        assert not session.run(sent).any()                   # nothing sent before `every`
        reporter.update(batch(2), 1.0, 0.75)
        loss, accuracy, rate, average, done = session.run(sent)
        assert (loss, accuracy, done) == (1.5, 0.5, 0) and rate > 0 and average > 0
        reporter.update(batch(3, n=2), 0.5, 1.0)             # the last, not a whole window
        did = reporter.done()
        loss, accuracy, rate, average, done = session.run(sent)
        assert (loss, accuracy, done) == (0.5, 1.0, 1)
        assert did["steps"] == 3 and did["examples"] == 10
        assert rate == average == pytest.approx(did["examples_per_second"], rel=1e-6)


def test_a_ps_says_how_many_workers_it_waits_for_one_worker_or_all_n(monkeypatch, capsys):
    def serve(lang, n):
        spec = {"ps": ["127.0.0.1:2222"], "worker": [f"127.0.0.1:{2223 + i}" for i in range(n)]}
        replicas.serve(None, spec, 0)
    said = said_before(monkeypatch, capsys, replicas, "done_queue", serve)
    ps, ps_pt = "ps:0 holds the variables at 127.0.0.1:2222", "ps:0 guarda as variáveis em 127.0.0.1:2222"
    assert said == {("en", 1): f"{ps}; it ends when its 1 worker is done",
                    ("en", 2): f"{ps}; it ends when all 2 workers are done",
                    ("pt", 1): f"{ps_pt}; termina quando o seu 1 worker tiver acabado",
                    ("pt", 2): f"{ps_pt}; termina quando todos os 2 workers tiverem acabado"}


class Watching(replicas.Chief):
    """A chief reading `counts` ([steps of each worker], one list per look) instead of the
    ps; worker i is done when `done[i]`. No TensorBoard tables."""

    def __init__(self, counts, done, ended=None):
        self.workers = len(done)
        self.ended, self.not_waited_for = dict(ended or {}), []
        self.next_summary, self.final_step = 1, 0
        self._counts, self._done, self.looks = counts, done, 0

    def read(self):
        assert self.looks < 10_000, "the chief is still waiting"     # not forever
        steps = np.array(self._counts[min(self.looks, len(self._counts) - 1)])
        self.looks += 1
        reports = np.zeros((self.workers, len(replicas.REPORT)), np.float32)
        reports[:, replicas.DONE] = self._done
        return steps, steps, reports, int(steps.sum())


def test_the_chief_stops_waiting_for_a_worker_that_made_no_step(monkeypatch, capsys):
    monkeypatch.setattr(replicas, "STALL_SECONDS", 0.5)
    monkeypatch.setattr(replicas, "POLL_SECONDS", 0.01)
    # worker 1 is done; worker 2 makes steps for a while, then none
    chief = Watching([[9, 5, 1], [9, 5, 2], [9, 5, 3]], done=[1, 1, 0])
    began = time.monotonic()
    chief.wait_for_others()
    assert time.monotonic() - began >= 0.5 and chief.looks > 3
    assert chief.not_waited_for == [2] and chief.gone == [2]
    assert "worker:2 made no step for 0.5 s: not waiting any longer" in capsys.readouterr().out


def test_the_chief_waits_for_a_slow_worker_as_long_as_it_makes_steps(monkeypatch):
    monkeypatch.setattr(replicas, "STALL_SECONDS", 0.3)
    monkeypatch.setattr(replicas, "POLL_SECONDS", 0.01)
    counts = [[9, step] for step in range(60)]               # a step every look

    class Slow(Watching):
        def read(self):
            if self.looks == len(counts) - 1:
                self._done = [1, 1]                        # done at the last look
            return super().read()

    chief = Slow(counts, done=[1, 0])
    chief.wait_for_others()                                # 60 looks: 0.6 s > 0.3 s
    assert chief.looks == len(counts) and chief.not_waited_for == [] and chief.gone == []


def test_the_chief_does_not_wait_for_a_worker_the_launcher_says_ended():
    chief = Watching([[9, 5]], done=[1, 0], ended={1: -9})
    chief.wait_for_others()
    assert chief.looks == 1 and chief.not_waited_for == []
    assert chief.gone == [1]                                # ended with an error
    assert Watching([[9, 5]], done=[1, 0], ended={1: 0}).gone == []


def test_the_chief_says_it_in_portuguese(monkeypatch, capsys):
    from tfgraph.support import i18n
    monkeypatch.setattr(replicas, "STALL_SECONDS", 0.5)
    monkeypatch.setattr(replicas, "POLL_SECONDS", 0.01)
    i18n.use("pt")
    chief = Watching([[9, 5, 1]], done=[1, 1, 0])
    chief.wait_for_others()
    assert "worker:2: nenhum passo em 0,5 s; não espero mais" in capsys.readouterr().out
    rows = chief.rows([1200, 800, 5], {"worker_0": 1234.5, "worker_1": 900.0, "worker_2": None,
                                       "cluster": 2100.0}, 2005)
    assert rows == [("worker:0", 1200, "1.234", "(o chief)"), ("worker:1", 800, "900", ""),
                    ("worker:2", 5, "-", "(não terminou)"),
                    ("cluster", 2005, "2.100", "(passo global 2.005)")]
