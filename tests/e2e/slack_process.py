"""``kith run`` on Slack (Socket Mode) as its own process, pointed at a loopback fake Slack.

Started as ``python -m tests.e2e.slack_process API_URL`` with settings in the environment, it
runs the real ``kith run`` path; only the Web API base URL, which ``serve`` takes as a default
argument, is changed.
"""

from __future__ import annotations

import sys


def main() -> int:
    from adapters.slack import run
    from bot import cli

    assert run.serve.__kwdefaults__ is not None
    run.serve.__kwdefaults__["api_url"] = sys.argv[1]
    return cli.main(["run"])


if __name__ == "__main__":
    raise SystemExit(main())
