"""Thin adapters that speak each platform and hold the core."""
