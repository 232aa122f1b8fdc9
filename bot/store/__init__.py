"""Storage: one schema, versioned migrations, and one small async SQL interface per engine.

Feature modules write their SQL once, in a portable subset (``?`` placeholders, ``ON CONFLICT``,
``RETURNING``, integers for instants as epoch seconds, TEXT for dates and JSON), and run it on any
engine through ``Database``.
"""

from bot.store.base import Database, Row, Tx
from bot.store.open import open_database

__all__ = ["Database", "Row", "Tx", "open_database"]
