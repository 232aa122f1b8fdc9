"""A local community in the terminal: try Kith without any platform account, and script it."""
