"""Kith's platform-neutral core. Nothing in this package imports a platform SDK."""
