"""Warming the atlas at start-up: the network (both views) and the borders of 1 July of
every year the date slider offers, and of today, computed in a background thread at low
priority, so that moving the slider finds its dates cached (issue 18: the atlas for a date
in under 300 ms on a warm server). A date the slider does not offer is still computed on
demand, once per stretch of days in which it cannot change (:mod:`foedus.web.epochs`).

Since ``Snapshot.pledges`` is fast (issue 18), an unwarmed date costs a few hundred
milliseconds at most, so the warm-up is a convenience, not a need; it must never slow a
request. It therefore works only while the server is idle: the app counts the requests in
flight (:data:`ACTIVITY`) and the thread waits, before each item, until none has been for
:data:`QUIET` seconds. A request that arrives while an item is being computed shares the
interpreter with that one item only (well under a second).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
import time
from collections.abc import Iterator

from foedus.data.queries import FIRST_YEAR
from foedus.data.simplify import DEFAULT_TOLERANCE
from foedus.errors import FoedusError
from foedus.model.system import ATOP_END
from foedus.web import views

__all__ = ["ACTIVITY", "QUIET", "Activity", "AtlasWarmer", "slider_days"]

#: The niceness of the warming thread (Linux schedules threads on their own).
NICE = 10
#: Seconds without a request in flight before the warm-up computes its next item.
QUIET = 0.5


class Activity:
    """Requests in flight, and when the last one ended (:meth:`request` around each)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active = 0
        self.last = 0.0
        self.idle = threading.Event()
        self.idle.set()

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        """Count a request for the block."""
        with self.lock:
            self.active += 1
            self.idle.clear()
        try:
            yield
        finally:
            with self.lock:
                self.active -= 1
                self.last = time.monotonic()
                if self.active == 0:
                    self.idle.set()

    def wait_quiet(self, stopping: threading.Event, quiet: float = QUIET) -> bool:
        """Block until no request has been in flight for ``quiet`` seconds; False if
        ``stopping`` was set meanwhile."""
        while not stopping.is_set():
            self.idle.wait(0.25)
            with self.lock:
                calm = self.active == 0 and time.monotonic() - self.last >= quiet
                left = quiet - (time.monotonic() - self.last)
            if calm:
                return True
            stopping.wait(max(0.01, min(left, quiet)) if self.active == 0 else 0.05)
        return False


#: The requests of this process's app (``foedus serve`` runs one).
ACTIVITY = Activity()


def slider_days(today: dt.date) -> list[dt.date]:
    """The days the atlas's year slider asks for (1 July of each year from 1816, the
    slider's first, COW's first year), and ``today``; the latest first."""
    days = [dt.date(y, 7, 1) for y in range(FIRST_YEAR, today.year + 1)]
    return sorted({*(d for d in days if d <= today), today}, reverse=True)


class AtlasWarmer:
    """Computes the slider's networks and borders in a daemon thread; :attr:`done` of
    :attr:`total` tells how far it has got, :meth:`stop` ends it."""

    def __init__(self, today: dt.date | None = None, activity: Activity | None = None
                 ) -> None:
        self.activity = activity or ACTIVITY
        days = slider_days(today or dt.date.today())
        self.tasks = [(d, "legal") for d in days] + [(d, "atop") for d in days
                                                     if d <= ATOP_END]
        self.total, self.done = len(self.tasks), 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="foedus-atlas-warm",
                                       daemon=True)

    def start(self) -> AtlasWarmer:
        """Start warming."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop after the item being computed."""
        self.stopping.set()
        self.thread.join(30)

    def _run(self) -> None:
        with contextlib.suppress(OSError, AttributeError):  # not Linux: normal priority
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
        for day, view in self.tasks:
            if not self.activity.wait_quiet(self.stopping):
                return
            try:
                views.network_on(day, view)
                if view == "legal":
                    views.borders_json(day, DEFAULT_TOLERANCE)
            except FoedusError:  # no store yet, or a date a view does not cover
                pass
            self.done += 1
