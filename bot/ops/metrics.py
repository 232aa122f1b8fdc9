"""Prometheus metrics for one running Kith.

Every ``Metrics`` has its own registry (never ``prometheus_client``'s global one), so each process,
and each test, makes a fresh set without name collisions. The hot path is an action through the
core (~0.5 ms); recording one costs a dictionary lookup plus a counter and a histogram update,
about 3 µs (``bench/ops.py``), because labelled children are looked up once and then cached here.

Platform errors are counted where adapters classify them (``counts_platform_errors`` on each
adapter's ``delivery_error``). Those classifiers are plain functions called deep inside the
adapters, so the process's ``Metrics`` reaches them through a context variable that
``bot.app.build_kith`` sets: every task started afterwards (the platform client's, the timer's,
the HTTP server's) inherits it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from importlib import metadata
from typing import Concatenate, ParamSpec, TypeVar

import prometheus_client
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

# Counters' ``_created`` series double the output and say nothing a restart counter doesn't.
prometheus_client.disable_created_metrics()  # type: ignore[no-untyped-call]

# The classic text format every Prometheus version reads; Kith's names need none of 1.0's escaping.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

# Seconds. Discord drops an interaction not acknowledged within 3 s, hence the bucket there.
ACTION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0, 5.0)
RUN_BUCKETS = (0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0)

# The scheduler's words for what became of an occurrence, as metric labels.
OCCURRENCE_OUTCOMES = {"retry": "retried"}


def _version() -> str:
    try:
        return metadata.version("kith-bot")
    except metadata.PackageNotFoundError:
        return "unknown"


class Metrics:
    def __init__(self, *, process: bool = True) -> None:
        """``process``: also export the process basics (CPU, memory, open files, start time,
        Python version, garbage collection)."""
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self._actions = Counter(
            "kith_actions",
            "Inbound actions the core handled, by kind (command, click, form, text), "
            "name (the command, or the button or form kind) and outcome "
            "(ok; refused: the member was told why; error: a bug, the member saw an apology).",
            ["action", "name", "outcome"],
            registry=r,
        )
        self._latency = Histogram(
            "kith_action_seconds",
            "Time from an inbound action reaching the core to the reply the adapter "
            "acknowledges with, by kind.",
            ["action"],
            buckets=ACTION_BUCKETS,
            registry=r,
        )
        self._occurrences = Counter(
            "kith_occurrences",
            "Scheduled posts by occurrence kind and outcome: sent, missed (past the grace "
            "window), retried, failed, skipped (programme paused or removed), lost_lease.",
            ["kind", "outcome"],
            registry=r,
        )
        self._platform_errors = Counter(
            "kith_platform_errors",
            "Failed chat platform calls that reached Kith (after the client's own retries), "
            "by platform and kind: rate_limited, server_error, forbidden, not_found, "
            "auth, timeout, network, refused.",
            ["platform", "kind"],
            registry=r,
        )
        self._runs = Histogram(
            "kith_scheduler_run_seconds",
            "Time one scheduler pass took (materialise, claim, deliver, record).",
            buckets=RUN_BUCKETS,
            registry=r,
        )
        Gauge("kith_build_info", "Kith's version.", ["version"], registry=r).labels(_version()).set(
            1
        )
        if process:
            ProcessCollector(registry=r)
            PlatformCollector(registry=r)
            GCCollector(registry=r)
        # Labelled children, looked up once: ``labels()`` validates and locks on every call.
        self._children: dict[tuple[str, ...], Counter] = {}
        self._histograms: dict[str, Histogram] = {}

    def activate(self) -> None:
        """Make this the metrics that adapters' platform errors count into (see module doc)."""
        _active.set(self)

    def _count(self, family: Counter, key: tuple[str, ...]) -> None:
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = family.labels(*key[1:])
        child.inc()

    def action(self, action: str, name: str, outcome: str, seconds: float) -> None:
        self._count(self._actions, ("a", action, name, outcome))
        child = self._histograms.get(action)
        if child is None:
            child = self._histograms[action] = self._latency.labels(action)
        child.observe(seconds)

    def occurrence(self, kind: str, outcome: str) -> None:
        self._count(self._occurrences, ("o", kind, OCCURRENCE_OUTCOMES.get(outcome, outcome)))

    def platform_error(self, platform: str, kind: str) -> None:
        self._count(self._platform_errors, ("p", platform, kind))

    def scheduler_run(self, seconds: float) -> None:
        self._runs.observe(seconds)

    def render(self) -> bytes:
        """The Prometheus text format."""
        return generate_latest(self.registry)

    def value(self, sample: str, /, **labels: str) -> float:
        """One sample's current value (0 when it has not been recorded yet)."""
        return self.registry.get_sample_value(sample, labels) or 0.0


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
