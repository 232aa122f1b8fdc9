"""Prometheus metrics for one running Kith.

Every ``Metrics`` has its own registry (never ``prometheus_client``'s global one), so each process,
and each test, makes a fresh set without name collisions.

The hot path is an action through the core (~0.5 ms). Recording one is a few plain dictionary and
list updates (about a microsecond, ``bench/ops.py``); ``prometheus_client``'s own counters
and histograms take a lock and validate labels on every update, several times that. The numbers
become Prometheus metric families only when ``/metrics`` is scraped, in ``_Collector``. Recording
happens on the event loop thread only (the core, the scheduler, the adapters' error classifiers),
so the plain updates need no lock.

Platform errors are counted where adapters classify them (``counts_platform_errors`` on each
adapter's ``delivery_error``). Those classifiers are plain functions called deep inside the
adapters, so the process's ``Metrics`` reaches them through a context variable that
``bot.app.build_kith`` sets: every task started afterwards (the platform client's, the timer's,
the HTTP server's) inherits it.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from importlib import metadata
from typing import Concatenate, ParamSpec, TypeVar

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.gc_collector import GCCollector
from prometheus_client.metrics_core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

# The classic text format every Prometheus version reads; Kith's names need none of 1.0's escaping.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

# Seconds. Discord drops an interaction not acknowledged within 3 s, hence the bucket there.
ACTION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0, 5.0)
# The loop's lag: a member's action waits at least this long; 0.1 s is the stall budget.
LAG_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
RUN_BUCKETS = (0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0)

# The scheduler's words for what became of an occurrence, as metric labels.
OCCURRENCE_OUTCOMES = {"retry": "retried"}

HELP = {
    "kith_actions": "Inbound actions the core handled, by kind (command, click, form, text), "
    "name (the command, or the button or form kind) and outcome (ok; refused: the member was "
    "told why; error: a bug, the member saw an apology).",
    "kith_action_seconds": "Time from an inbound action reaching the core to the reply the "
    "adapter acknowledges with, by kind.",
    "kith_occurrences": "Scheduled posts by occurrence kind and outcome: sent, missed (past the "
    "grace window), retried, failed, skipped (programme paused or removed), lost_lease; resent: "
    "claimed again after an earlier claim's lease ran out unrecorded, so sent again with the "
    "same key (a crash, or a lost database connection).",
    "kith_platform_errors": "Failed chat platform calls that reached Kith (after the client's "
    "own retries), by platform and kind: rate_limited, server_error, forbidden, not_found, auth, "
    "timeout, network, refused.",
    "kith_scheduler_run_seconds": "Time one scheduler pass took (materialise, claim, deliver, "
    "record).",
    "kith_event_loop_lag_seconds": "How late the event loop ran a probe that asked to wake "
    "every 50 ms: how long anything ready to run (a member's action, a heartbeat) waited.",
    "kith_build_info": "Kith's version.",
}


def _version() -> str:
    try:
        return metadata.version("kith-bot")
    except metadata.PackageNotFoundError:
        return "unknown"


class _Histogram:
    """Counts per bucket (the last one is +Inf) and the sum, as plain numbers."""

    __slots__ = ("bounds", "counts", "total")

    def __init__(self, bounds: tuple[float, ...]) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)
        self.total = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect_left(self.bounds, value)] += 1  # the first bucket with value <= le
        self.total += value

    def cumulative(self) -> list[tuple[str, float]]:
        out, running = [], 0
        for bound, count in zip((*map(str, self.bounds), "+Inf"), self.counts, strict=True):
            running += count
            out.append((bound, float(running)))
        return out


class Metrics:
    def __init__(self, *, process: bool = True) -> None:
        """``process``: also export the process basics (CPU, memory, open files, start time,
        Python version, garbage collection)."""
        self.actions: dict[tuple[str, str, str], int] = {}
        self.latency: dict[str, _Histogram] = {}
        self.occurrences: dict[tuple[str, str], int] = {}
        self.platform_errors: dict[tuple[str, str], int] = {}
        self.runs = _Histogram(RUN_BUCKETS)
        self.lag = _Histogram(LAG_BUCKETS)
        self.version = _version()
        self.registry = CollectorRegistry()
        self.registry.register(_Collector(self))
        if process:
            ProcessCollector(registry=self.registry)
            PlatformCollector(registry=self.registry)
            GCCollector(registry=self.registry)

    def activate(self) -> None:
        """Make this the metrics that adapters' platform errors count into (see module doc)."""
        _active.set(self)

    def action(self, action: str, name: str, outcome: str, seconds: float) -> None:
        key = (action, name, outcome)
        self.actions[key] = self.actions.get(key, 0) + 1
        histogram = self.latency.get(action)
        if histogram is None:
            histogram = self.latency[action] = _Histogram(ACTION_BUCKETS)
        histogram.observe(seconds)

    def occurrence(self, kind: str, outcome: str) -> None:
        key = (kind, OCCURRENCE_OUTCOMES.get(outcome, outcome))
        self.occurrences[key] = self.occurrences.get(key, 0) + 1

    def platform_error(self, platform: str, kind: str) -> None:
        key = (platform, kind)
        self.platform_errors[key] = self.platform_errors.get(key, 0) + 1

    def scheduler_run(self, seconds: float) -> None:
        self.runs.observe(seconds)

    def loop_lag(self, seconds: float) -> None:
        self.lag.observe(seconds)

    def render(self) -> bytes:
        """The Prometheus text format."""
        return generate_latest(self.registry)

    def value(self, sample: str, /, **labels: str) -> float:
        """One sample's current value (0 when it has not been recorded yet)."""
        return self.registry.get_sample_value(sample, labels) or 0.0


class _Collector(Collector):
    """Turns a ``Metrics``' plain numbers into metric families, at scrape time only."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        m = self.metrics
        counters = (
            ("kith_actions", ["action", "name", "outcome"], m.actions),
            ("kith_occurrences", ["kind", "outcome"], m.occurrences),
            ("kith_platform_errors", ["platform", "kind"], m.platform_errors),
        )
        for name, labels, values in counters:
            family = CounterMetricFamily(name, HELP[name], labels=labels)
            for key, count in list(values.items()):
                family.add_metric(list(key), count)
            yield family
        latency = HistogramMetricFamily(
            "kith_action_seconds", HELP["kith_action_seconds"], labels=["action"]
        )
        for action, histogram in list(m.latency.items()):
            latency.add_metric([action], histogram.cumulative(), histogram.total)
        yield latency
        runs = HistogramMetricFamily(
            "kith_scheduler_run_seconds", HELP["kith_scheduler_run_seconds"]
        )
        runs.add_metric([], m.runs.cumulative(), m.runs.total)
        yield runs
        lag = HistogramMetricFamily(
            "kith_event_loop_lag_seconds", HELP["kith_event_loop_lag_seconds"]
        )
        lag.add_metric([], m.lag.cumulative(), m.lag.total)
        yield lag
        info = GaugeMetricFamily("kith_build_info", HELP["kith_build_info"], labels=["version"])
        info.add_metric([m.version], 1)
        yield info


_active: ContextVar[Metrics | None] = ContextVar("kith_metrics", default=None)

P = ParamSpec("P")
R = TypeVar("R")


Classifier = Callable[Concatenate[BaseException, P], R]


def counts_platform_errors(
    platform: str, kind_of: Callable[[BaseException], str]
) -> Callable[[Classifier[P, R]], Classifier[P, R]]:
    """Decorate an adapter's ``delivery_error(exc, …)`` classifier so that every platform failure
    it classifies is counted as ``kith_platform_errors_total{platform, kind=kind_of(exc)}``."""

    def decorate(classify: Classifier[P, R]) -> Classifier[P, R]:
        @functools.wraps(classify)
        def counted(exc: BaseException, /, *args: P.args, **kwargs: P.kwargs) -> R:
            result = classify(exc, *args, **kwargs)  # an unknown exception re-raises: a bug
            metrics = _active.get()
            if metrics is not None:
                metrics.platform_error(platform, kind_of(exc))
            return result

        return counted

    return decorate
