"""The atlas's caches: a day's network and borders are computed once per stretch of days in
which nothing they read changes (``foedus.web.epochs``). Checked against direct computation
on the first and last day of sampled stretches, and on both sides of their cuts."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time

import pytest

from foedus.data.borders import borders_on
from foedus.data.loaders import store_stamp
from foedus.web import views
from foedus.web.epochs import Epochs, border_epochs, dates_in, network_epochs
from foedus.web.warm import QUIET, Activity, AtlasWarmer, slider_days

pytestmark = pytest.mark.usefixtures("store_home")

DAY = dt.timedelta(days=1)


def _stretches(epochs: Epochs, low: dt.date, high: dt.date, k: int, seed: int
               ) -> list[tuple[dt.date, dt.date]]:
    """``k`` stretches of more than one day between ``low`` and ``high`` (first, last day)."""
    cuts = [c for c in epochs.cuts if low <= c <= high]
    spans = [(a, b - DAY) for a, b in itertools.pairwise(cuts) if b - a > DAY]
    return random.Random(seed).sample(spans, k)


def _body(network: dict) -> dict:
    return {k: v for k, v in network.items() if k not in ("as_of", "provenance")}


def test_epochs_cut_before_and_after_each_date() -> None:
    epochs = Epochs([dt.date(2000, 1, 10)])
    index = [epochs.index(dt.date(2000, 1, d)) for d in (9, 10, 11, 12)]
    assert index[0] < index[1] < index[2] == index[3]
    assert dates_in({"a": [dt.date(1990, 1, 1), ("x", dt.datetime(1991, 2, 3, 4))]}) == {
        dt.date(1990, 1, 1), dt.date(1991, 2, 3)}


@pytest.mark.parametrize("view", ["legal", "atop"])
def test_a_network_is_the_same_through_a_stretch(view: str) -> None:
    stamp = store_stamp()
    epochs = network_epochs(stamp)
    spans = _stretches(epochs, dt.date(1816, 1, 1), dt.date(2018, 12, 31), 6, seed=18)
    for first, last in spans:
        assert epochs.index(first) == epochs.index(last)
        assert epochs.index(first - DAY) != epochs.index(first)
        direct_first = views._network(first, view, stamp)
        direct_last = views._network(last, view, stamp)
        assert _body(direct_first) == _body(direct_last), (first, last)
        views._NETWORKS.items.clear()
        views.network_on(first, view)  # fills the cache for the stretch
        cached = views.network_on(last, view)
        assert cached["as_of"] == last.isoformat()
        assert _body(cached) == _body(direct_last)


def test_a_cut_separates_networks_that_differ() -> None:
    # Sweden joined NATO on 7 March 2024
    stamp = store_stamp()
    epochs = network_epochs(stamp)
    sweden = dt.date(2024, 3, 7)
    assert epochs.index(sweden - DAY) != epochs.index(sweden)
    def us_sweden(day: dt.date) -> set[str]:
        edges = {e["id"]: e for e in views.network_on(day)["edges"]}
        return set(edges["2-380"]["treaties"]) if "2-380" in edges else set()

    assert "book:nato" in us_sweden(sweden) and "book:nato" not in us_sweden(sweden - DAY)


def test_borders_are_the_same_through_a_stretch() -> None:
    stamp = store_stamp()
    epochs = border_epochs(stamp)
    for first, last in _stretches(epochs, dt.date(1886, 1, 1), dt.date(2019, 12, 31), 5,
                                  seed=1886):
        assert borders_on(first).topology == borders_on(last).topology, (first, last)
        views._BORDERS.items.clear()
        views.borders_json(first, 0.05)
        assert views.borders_json(last, 0.05) == borders_on(last).to_json()
    # outside CShapes: the nearest map, with the banner of the day asked for
    for day in (dt.date(2024, 7, 1), dt.date(2025, 1, 1), dt.date(1850, 1, 1)):
        assert views.borders_json(day, 0.05) == borders_on(day).to_json()


def test_the_warm_up_computes_the_slider_days() -> None:
    assert slider_days(dt.date(1820, 3, 1)) == [
        dt.date(1820, 3, 1), dt.date(1819, 7, 1), dt.date(1818, 7, 1), dt.date(1817, 7, 1),
        dt.date(1816, 7, 1)]
    views._NETWORKS.items.clear()
    views._BORDERS.items.clear()
    warmer = AtlasWarmer(today=dt.date(1820, 3, 1)).start()
    warmer.thread.join(300)
    assert warmer.done == warmer.total == 10  # five days, both views
    stamp = store_stamp()
    epochs = network_epochs(stamp)
    for day in slider_days(dt.date(1820, 3, 1)):
        for view in ("legal", "atop"):
            assert (stamp, view, epochs.index(day)) in views._NETWORKS
    assert len(views._BORDERS.items) >= 1  # before CShapes: one map, by day


def test_the_warm_up_waits_while_a_request_is_served() -> None:
    """The warm-up computes nothing while a request is in flight, and goes on once the
    server has been idle for ``QUIET`` seconds."""
    activity = Activity()
    views._NETWORKS.items.clear()
    with activity.request():
        warmer = AtlasWarmer(today=dt.date(1817, 3, 1), activity=activity).start()
        time.sleep(3 * QUIET)
        assert warmer.done == 0
    warmer.thread.join(300)
    assert warmer.done == warmer.total == 4  # two days, both views
    assert activity.active == 0 and activity.idle.is_set()


def test_a_stopped_warm_up_ends_while_it_waits() -> None:
    activity = Activity()
    with activity.request():
        warmer = AtlasWarmer(today=dt.date(1817, 3, 1), activity=activity).start()
        warmer.stop()
        assert not warmer.thread.is_alive()
    assert warmer.done == 0
