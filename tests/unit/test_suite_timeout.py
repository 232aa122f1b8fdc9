"""A hang fails its test instead of stalling CI: pytest-timeout is loaded with a limit."""

from __future__ import annotations

import pytest


def test_every_test_has_a_generous_timeout(request: pytest.FixtureRequest) -> None:
    assert request.config.pluginmanager.hasplugin("timeout")
    limit = float(request.config.getini("timeout"))
    assert 60 <= limit <= 1800, limit  # generous: the chaos tests take about a minute
