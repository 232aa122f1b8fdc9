"""Reading what a member typed: ``parse`` splits a command line into the command's words and
its ``key:value`` options; ``values`` turns option text into a channel, a member, a time zone
or a grace period, with one clear message for each kind of bad input.

Commands themselves are registered by each feature in ``bot.registry``.
"""
