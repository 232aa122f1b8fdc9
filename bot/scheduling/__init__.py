"""Time and scheduling: when programmes fire, and how each firing is delivered exactly once.

- ``clock``: the injected clock (real or simulated) and epoch seconds; the core never calls
  ``datetime.now``.
- ``timezones``: time-zone names with suggestions, and local dates.
- ``recurrence``: pure rules, when a programme fires in its own time zone.
- ``occurrences``: one firing as the database holds it, and what a deliverer is given.
- ``scheduler``: the engine: materialise firings, claim them with a lease, deliver, record.
- ``wakeups``: the in-process timer that decides when to run the scheduler (never the source of
  truth).
- ``fast_forward``: moving a simulated clock, running everything that falls due in order.
- ``delivery_health``: whether a programme's posts are going out, for ``/kith status``.
"""
