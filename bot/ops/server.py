"""The optional operations endpoint: ``GET /healthz`` and ``GET /metrics`` on ``KITH_OPS_PORT``.

A few dozen lines on ``asyncio.start_server`` rather than a web framework: the core depends on no
HTTP library (aiohttp comes only with the platform extras), the two routes take no input, and the
health check must run on the event loop that owns the database connection. It speaks just enough
HTTP/1.1 for Prometheus, curl and orchestrators' probes: one request per connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time

from bot.core import Kith
from bot.logs import event
from bot.ops.health import check
from bot.ops.metrics import CONTENT_TYPE, Metrics
from bot.settings import Settings, SettingsError
from bot.store.base import Database

log = logging.getLogger("kith.ops")

REQUEST_TIMEOUT = 10.0  # seconds for a client to send its request line and headers
MAX_HEADER_BYTES = 16 * 1024
REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    503: "Service Unavailable",
}


class OpsServer:
    def __init__(self, metrics: Metrics, db: Database) -> None:
        self.metrics = metrics
        self.db = db
        self.started = time.monotonic()
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    async def start(self, host: str, port: int) -> None:
        self._server = await asyncio.start_server(self._serve, host, port, limit=MAX_HEADER_BYTES)

    @property
    def port(self) -> int:
        assert self._server is not None and self._server.sockets
        return int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        """Stop listening and end any request still open (before the database closes)."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        try:
            try:
                async with asyncio.timeout(REQUEST_TIMEOUT):
                    head = await reader.readuntil(b"\r\n\r\n")
            except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                return  # nothing sensible to answer: a port scan, a slow or oversized request
            method, path = _request_line(head)
            status, content_type, body = await self._route(method, path)
            writer.write(_response(status, content_type, b"" if method == "HEAD" else body))
            await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
            if task is not None:
                self._handlers.discard(task)

    async def _route(self, method: str, path: str) -> tuple[int, str, bytes]:
        if not method:
            return 400, "text/plain", b"bad request\n"
        if path not in ("/healthz", "/metrics"):
            return 404, "text/plain", b"not found: try /healthz or /metrics\n"
        if method not in ("GET", "HEAD"):
            return 405, "text/plain", b"only GET and HEAD\n"
        if path == "/metrics":
            return 200, CONTENT_TYPE, self.metrics.render()
        health = await check(self.db, self.started)
        body = json.dumps(health.body).encode() + b"\n"
        return (200 if health.ok else 503), "application/json", body


def _request_line(head: bytes) -> tuple[str, str]:
    """``GET /metrics?x HTTP/1.1`` → (``GET``, ``/metrics``); ("", "") if it is not HTTP."""
    parts = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        return "", ""
    return parts[0], parts[1].split("?", 1)[0]


def _response(status: int, content_type: str, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status} {REASONS[status]}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Cache-Control: no-store\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


async def start_ops(settings: Settings, kith: Kith) -> OpsServer | None:
    """Serve ``/healthz`` and ``/metrics`` when ``KITH_OPS_PORT`` is set; None otherwise."""
    if settings.ops_port is None:
        return None
    server = OpsServer(kith.services.metrics, kith.services.db)
    try:
        await server.start(settings.ops_host, settings.ops_port)
    except OSError as exc:
        raise SettingsError(
            f"KITH_OPS_PORT: cannot listen on {settings.ops_host}:{settings.ops_port}"
            f" ({exc.strerror or type(exc).__name__})."
        ) from None
    event(log, "ops_listening", host=settings.ops_host, port=server.port)
    return server


async def stop_ops(server: OpsServer | None) -> None:
    if server is not None:
        await server.close()
