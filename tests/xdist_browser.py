"""pytest-xdist scheduling with the browser tests on a process of their own (issue #17, item 5).

A browser test spends most of its time waiting: for Chromium (another process) to lay out a
page, for the live server to answer it. Run like any other test, they kept a core half idle
for about 90 s of the suite: at the end of each process's queue, since pytest-django runs the
transactional tests last, both processes waited for Chromium at the same time. With three
processes or more, ``BrowserAsideScheduling`` gives every browser test to the last process at
the start and nothing else, so Chromium's waits fall on a third process while the others keep
both cores busy with the rest of the suite; the others share the rest as pytest-xdist's
``load`` does (chunks in collection order, so each still runs its transactional tests last).

After its browser tests the browser process takes only the tests collected after them: the
transactional tests (each writes the migrated rows back at its start) and the tests without a
database. A browser test's teardown empties the database, and the other tests expect the
migrated rows. It takes them from the end of the queue, a module at a time (in order within
it), while the others go on from the front: on PostgreSQL the browser tests end about two
minutes before the rest, and the browser process stood idle until the end of the run. With
fewer than three processes, no browser test selected, or only browser tests, it distributes
the tests as ``load`` does.

The tail: the tests collected after the browser tests (pytest-django puts the transactional
tests last, the browser tests first among them by path, and the tests without a database after
them), and in any case the last ``TAIL`` tests, are handed out one at a time: a process gets one
more whenever it holds fewer than two (pytest-xdist runs a test only once it knows the next
one), instead of ``load``'s chunks (up to half of a process's share of what is left). Many of
those transactional tests wait for a Celery worker, a broker or a second connection
(PostgreSQL); handed out in chunks, about a minute of them once stayed queued on one process of
the CI run while the other had finished, the machine a third busy.
"""

from __future__ import annotations

from xdist.scheduler import LoadScheduling

BROWSER_TESTS = "tests/browser/"


def is_browser_test(nodeid: str) -> bool:
    return nodeid.startswith(BROWSER_TESTS)


class BrowserAsideScheduling(LoadScheduling):
    TAIL = 100  # with fewer tests than this left to hand out, one at a time

    def __init__(self, config, log=None) -> None:
        super().__init__(config, log)
        self.browser_node = None
        self.last_browser_test: int | None = None  # its index in the collection

    def in_tail(self) -> bool:
        if not self.pending:
            return False
        return len(self.pending) < self.TAIL or (
            self.last_browser_test is not None and self.pending[0] > self.last_browser_test
        )

    def check_schedule(self, node, duration: float = 0) -> None:
        if node.shutting_down:
            return
        if node is self.browser_node:
            self._feed_browser_node(node)
            return
        if self.in_tail():
            queued = len(self.node2pending[node])
            if queued < 2:
                self._send_tests(node, 2 - queued)
            return
        super().check_schedule(node, duration=duration)

    def schedule(self) -> None:
        assert self.collection_is_completed
        if self.collection is not None:
            return super().schedule()
        if not self._check_nodes_have_same_collection():  # it reported the differences
            self.log("**Different tests collected, aborting run**")
            return None
        collection = next(iter(self.node2collection.values()))
        browser = [i for i, nodeid in enumerate(collection) if is_browser_test(nodeid)]
        if len(self.nodes) < 3 or not browser or len(browser) == len(collection):
            return super().schedule()

        self.collection = collection
        taken = set(browser)
        self.pending[:] = [i for i in range(len(collection)) if i not in taken]
        if self.maxschedchunk is None:
            self.maxschedchunk = len(collection)

        self.last_browser_test = browser[-1]
        node = self.browser_node = self.nodes[-1]
        self.node2pending[node].extend(browser)
        node.send_runtest_some(browser)

        others = [n for n in self.nodes if n is not node]
        chunk = max(2, min(len(self.pending) // len(others) // 4, self.maxschedchunk))
        for other in others:
            self._send_tests(other, chunk)
        if not self.pending:
            for other in others:
                other.shutdown()

    def _feed_browser_node(self, node) -> None:
        """Once at most one test is left in its queue (pytest-xdist runs a test only once it
        knows the next), the browser process gets the last module of the queue's tests that
        come after the browser tests in the collection; when there is none, it stops after
        the tests it was sent."""
        queued = self.node2pending[node]
        if len(queued) >= 2:
            return
        pending = self.pending
        if not pending or pending[-1] <= self.last_browser_test:
            node.shutdown()
            return
        module = self.collection[pending[-1]].split("::", 1)[0]
        start = len(pending) - 1
        while (
            start > 0
            and pending[start - 1] > self.last_browser_test
            and self.collection[pending[start - 1]].split("::", 1)[0] == module
        ):
            start -= 1
        tests = pending[start:]
        del pending[start:]
        queued.extend(tests)
        node.send_runtest_some(tests)
