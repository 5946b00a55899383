"""The suite's pytest-xdist scheduler (tests/xdist_browser.py): the browser tests on a process
of their own, which then takes tests from the end of the queue; the rest in chunks, the tail
handed out one test at a time."""

from __future__ import annotations

from tests.xdist_browser import BrowserAsideScheduling


class FakeConfig:
    def __init__(self, processes: int):
        self.processes = processes
        self.reports: list = []  # collection errors reported through pytest_collectreport
        self.hook = type("Hook", (), {"pytest_collectreport": self._report})()

    def _report(self, report):
        self.reports.append(report)

    def getvalue(self, name):
        return {"tx": [f"{self.processes}*popen"]}[name]

    def getoption(self, name):
        return {"maxschedchunk": None}[name]


class FakeNode:
    def __init__(self, name: str):
        self.name = name
        self.gateway = type("Gateway", (), {"id": name})()
        self.sent: list[int] = []
        self.batches: list[tuple[int, int]] = []  # (first index sent, tests sent)
        self.shutting_down = False

    def send_runtest_some(self, indices):
        self.batches.append((indices[0], len(indices)))
        self.sent.extend(indices)

    def shutdown(self):
        self.shutting_down = True


def scheduler(collection: list[str], processes: int = 3, last_collection=None):
    sched = BrowserAsideScheduling(FakeConfig(processes))
    nodes = [FakeNode(f"gw{i}") for i in range(processes)]
    for node in nodes:
        sched.add_node(node)
    for node in nodes:
        own = last_collection if node is nodes[-1] and last_collection else collection
        sched.add_node_collection(node, own)
    sched.schedule()
    return sched, nodes


def run_all(sched, nodes) -> None:
    """The nodes finish their tests, the least busy one first, until none is left to hand out
    (each finished test makes the scheduler hand out more)."""
    while sched.pending:
        node = min(
            (n for n in nodes if sched.node2pending[n]), key=lambda n: len(sched.node2pending[n])
        )
        sched.mark_test_complete(node, sched.node2pending[node][0])


def finish(sched, node) -> None:
    """One node finishes every test it holds (each finished test can hand it more)."""
    while sched.node2pending[node]:
        sched.mark_test_complete(node, sched.node2pending[node][0])


# In pytest-django's order: the database tests, the transactional ones (the browser tests first,
# by path), then the tests without a database.
DB_TESTS = [f"tests/app/test_{i:04}.py::test" for i in range(800)]
BROWSER = [f"tests/browser/test_{i}.py::test" for i in range(5)]
AFTER = [f"tests/salesite/test_{i:04}.py::test" for i in range(300)]
COLLECTION = DB_TESTS + BROWSER + AFTER
OTHERS = [i for i, nodeid in enumerate(COLLECTION) if nodeid not in BROWSER]


def test_the_browser_tests_go_to_the_last_process_alone():
    _sched, (first, second, browser) = scheduler(COLLECTION)
    assert [COLLECTION[i] for i in browser.sent] == BROWSER
    assert not any(COLLECTION[i] in BROWSER for i in first.sent + second.sent)
    assert len(first.sent) == len(second.sent) == len(OTHERS) // 2 // 4  # load's first chunks


def test_the_tail_is_handed_out_one_test_at_a_time():
    """Before the tail, chunks as ``load`` sends them; from the tests after the browser tests
    on, never more than two tests at once (``load`` sent up to 50 at a time there), so no
    process is left with a queue of slow tests while the other has finished."""
    sched, (first, second, _browser) = scheduler(COLLECTION)
    run_all(sched, (first, second))
    batches = first.batches + second.batches
    after = len(DB_TESTS) + len(BROWSER)  # the index of the first test after the browser tests
    assert max(n for start, n in batches if start < after) > 2
    tail = [n for start, n in batches if start >= after]
    assert len(tail) >= len(AFTER) // 2 and max(tail) <= 2, tail
    assert sorted(first.sent + second.sent) == OTHERS, "every test sent once"


def test_the_tail_keeps_the_collection_order_on_each_process():
    """Each process still gets its tests in collection order (the transactional tests last)."""
    sched, (first, second, _browser) = scheduler(COLLECTION)
    run_all(sched, (first, second))
    assert first.sent == sorted(first.sent) and second.sent == sorted(second.sent)


def test_two_processes_share_every_test():
    sched, nodes = scheduler(COLLECTION, processes=2)
    run_all(sched, nodes)
    assert sorted(nodes[0].sent + nodes[1].sent) == list(range(len(COLLECTION)))
    last = len(COLLECTION) - BrowserAsideScheduling.TAIL
    tail = [n for node in nodes for start, n in node.batches if start >= last]
    assert max(tail) <= 2, "with no process for the browser tests, the last TAIL one at a time"


def test_different_collections_are_reported_once_and_nothing_runs():
    sched, nodes = scheduler(COLLECTION, last_collection=COLLECTION[:-1])
    assert len(sched.config.reports) == 1
    assert not any(node.sent for node in nodes)


# Transactional modules of several tests after the browser tests (the tail).
MODULES = [f"tests/salesite/test_m{m}.py::test_{t}" for m in range(6) for t in range(4)]
WITH_MODULES = DB_TESTS + BROWSER + MODULES


def test_after_its_browser_tests_the_browser_process_takes_modules_from_the_end():
    sched, (first, second, browser) = scheduler(WITH_MODULES)
    after = len(DB_TESTS) + len(BROWSER)
    # The last browser test running: the last module of the queue, in order, comes next.
    for index in browser.sent[:-1]:
        sched.mark_test_complete(browser, index)
    assert browser.sent[len(BROWSER) :] == list(range(len(WITH_MODULES) - 4, len(WITH_MODULES)))
    assert not browser.shutting_down
    finish(sched, browser)  # it goes on backwards, a module at a time
    taken = browser.sent[len(BROWSER) :]
    assert taken == [
        i for m in range(5, -1, -1) for i in range(after + 4 * m, after + 4 * m + 4)
    ], "whole modules from the end, each in order"
    assert browser.shutting_down, "nothing after the browser tests is left: it stops"
    run_all(sched, (first, second))
    assert sorted(first.sent + second.sent) == list(range(len(DB_TESTS))), (
        "the others run the tests before the browser tests, each once"
    )


def test_the_browser_process_never_takes_a_test_before_the_browser_tests():
    """Those expect the migrated rows, which a browser test's teardown removed."""
    sched, nodes = scheduler(WITH_MODULES)
    first, second, browser = nodes
    run_all(sched, (first, second))  # the others reach the tail first
    finish(sched, browser)
    assert min(browser.sent) == len(DB_TESTS)  # its first browser test
    assert browser.shutting_down
    everything = sorted(first.sent + second.sent + browser.sent)
    assert everything == list(range(len(WITH_MODULES))), "every test sent once"
