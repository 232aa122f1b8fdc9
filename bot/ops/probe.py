"""``kith health``: ask a running Kith's ``/healthz`` and exit 0 (healthy) or 1 (not).

It is the Docker image's ``HEALTHCHECK`` and works the same from a shell, systemd or cron. It runs
in the same environment as ``kith run`` (the image's, the container's, a ``.env``), so it finds
the ops port from the same ``KITH_OPS_PORT`` and ``KITH_OPS_HOST``. The standard library's HTTP
client keeps it quick to start: the probe runs every 30 seconds for the life of a container.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass

# Above the server's own database timeout (bot.ops.health.DATABASE_TIMEOUT), so a slow database
# is reported by Kith as 503 with the reason rather than by the probe as no answer.
PROBE_TIMEOUT = 5.0

# An ops server listening on every interface is asked on this machine's loopback.
_LOOPBACK = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}


@dataclass(frozen=True)
class ProbeResult:
    healthy: bool
    message: str


def probe(host: str, port: int | None, timeout: float = PROBE_TIMEOUT) -> ProbeResult:
    """One ``GET /healthz``: healthy only on ``200`` with ``"status": "ok"``."""
    if port is None:
        return ProbeResult(False, "KITH_OPS_PORT is not set, so Kith serves no /healthz to ask.")
    if port == 0:
        return ProbeResult(
            False, "KITH_OPS_PORT=0 picks a free port at start-up; set a fixed port to probe it."
        )
    host = _LOOPBACK.get(host, host)
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace").strip()
    except TimeoutError:
        return ProbeResult(False, f"no answer from {host}:{port} within {timeout:g} s.")
    except OSError as exc:  # refused, unreachable, reset: Kith is not (yet) listening
        reason = exc.strerror or type(exc).__name__
        return ProbeResult(False, f"cannot reach {host}:{port}/healthz ({reason}).")
    except http.client.HTTPException as exc:
        return ProbeResult(False, f"{host}:{port} did not answer HTTP ({type(exc).__name__}).")
    finally:
        connection.close()
    try:
        status = json.loads(body).get("status") if body.startswith("{") else None
    except ValueError:
        status = None
    return ProbeResult(response.status == 200 and status == "ok", f"{response.status} {body}")
