"""The suite's pytest-xdist scheduler (tests/xdist_browser.py): the browser tests on a process
of their own, the rest in chunks, the tail handed out one test at a time."""

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
        node = min(nodes, key=lambda n: len(sched.node2pending[n]))
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
    assert browser.shutting_down
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
