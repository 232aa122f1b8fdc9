"""One worker process for CPU-heavy work that would otherwise stall the event loop.

A thread does not help with such work: pure-Python code (pairing 100,000 members) and native
code that keeps the interpreter lock (resvg drawing a chart, measured: a spinning thread ran at a
fifth of its speed meanwhile) hold the lock the loop needs. The process is started on first use
and kept for the life of the bot (``spawn``, not ``fork``: the bot's process has threads).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import TypeVar

T = TypeVar("T")

_pool: ProcessPoolExecutor | None = None


def worker_pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
    return _pool


async def in_worker(function: Callable[..., T], *args: object) -> T:
    """``function(*args)`` in the worker process (both must pickle: a module-level function)."""
    return await asyncio.get_running_loop().run_in_executor(worker_pool(), function, *args)
