"""Errors a member can cause. Raising one inside a transaction rolls it back, so bad input gets a
clear message and changes nothing."""


class UserError(Exception):
    """A friendly, private answer to something a member asked for that cannot be done."""
