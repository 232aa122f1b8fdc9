"""Command parsing and the registry every feature adds its commands to."""
