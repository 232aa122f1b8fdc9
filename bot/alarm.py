"""A condition worth one log line when it starts and one when it ends, not one per failure.

A revoked token fails every send in every community; logging each failure would bury the one
line an operator needs. ``raise_`` logs only on the first failure, ``clear`` only after one.
"""

from __future__ import annotations

import logging

from bot.logs import event


class Alarm:
    def __init__(self, logger: logging.Logger, name: str) -> None:
        self._log = logger
        self._name = name
        self.raised = False

    def raise_(self, **fields: object) -> None:
        if not self.raised:
            self.raised = True
            event(self._log, self._name, logging.ERROR, **fields)

    def clear(self) -> None:
        if self.raised:
            self.raised = False
            event(self._log, f"{self._name}_cleared")
