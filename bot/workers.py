"""One worker process for CPU-heavy work that would otherwise stall the event loop.

A thread does not help with such work: pure-Python code (pairing 100,000 members) and native
code that keeps the interpreter lock (resvg drawing a chart, measured: a spinning thread ran at a
fifth of its speed meanwhile) hold the lock the loop needs. The process is started on first use
and kept for the life of the bot (``spawn``, not ``fork``: the bot's process has threads).
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import TypeVar

T = TypeVar("T")

_pool: ProcessPoolExecutor | None = None


def worker_pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=get_context("spawn"),
            initializer=_exit_with,
            initargs=(os.getpid(),),
        )
    return _pool


def _exit_with(parent: int) -> None:
    """In the worker: leave when the bot's process is gone (a SIGKILL gives it no chance to stop
    its workers, and an idle worker would otherwise wait for work forever)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="kith-parent-watch", daemon=True).start()


async def in_worker(function: Callable[..., T], *args: object) -> T:
    """``function(*args)`` in the worker process (both must pickle: a module-level function)."""
    return await asyncio.get_running_loop().run_in_executor(worker_pool(), function, *args)
