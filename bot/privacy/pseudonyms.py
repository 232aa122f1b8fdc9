"""Keyed hashes of member keys, for references to a forgotten member that belong to someone else.

A member's do-not-pair list is theirs: when the avoided person runs ``/kith forget``, the plain
platform id in that list is replaced by ``forgotten:<HMAC-SHA256>`` under a random secret kept per
community. The hash cannot be turned back into the id without the secret; when the forgotten member
uses Kith again, Kith recomputes it from their key and restores the reference, so the avoid still
holds. (Whoever holds the database and its secret can test a guessed id: this is pseudonymisation,
and the README says so.)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from bot.privacy.catalogue import PERSONAL
from bot.scheduling.clock import to_epoch
from bot.store.base import Tx

PREFIX = "forgotten:"


async def _secret(tx: Tx, community_key: str, now: datetime | None) -> bytes | None:
    """The community's secret; created when ``now`` is given and there is none yet."""
    if now is not None:
        await tx.execute(
            "INSERT INTO privacy_keys (community_id, pseudonym_key, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (community_id) DO NOTHING",
            community_key,
            secrets.token_hex(32),
            to_epoch(now),
        )
    value = await tx.fetchval(
        "SELECT pseudonym_key FROM privacy_keys WHERE community_id = ?", community_key
    )
    return bytes.fromhex(str(value)) if value is not None else None


def _hash(secret: bytes, user_key: str) -> str:
    return PREFIX + hmac.new(secret, user_key.encode(), hashlib.sha256).hexdigest()


async def pseudonym(tx: Tx, community_key: str, user_key: str, now: datetime) -> str:
    """The keyed hash that stands in for ``user_key`` once it is forgotten."""
    secret = await _secret(tx, community_key, now)
    assert secret is not None
    return _hash(secret, user_key)


async def known_pseudonym(tx: Tx, community_key: str, user_key: str) -> str | None:
    """The member's keyed hash if the community ever made one (else nothing was pseudonymised)."""
    secret = await _secret(tx, community_key, None)
    return _hash(secret, user_key) if secret is not None else None


def is_pseudonym(value: str) -> bool:
    return value.startswith(PREFIX)


async def move_reference(
    tx: Tx, table: str, column: str, owner: str, community_key: str, old: str, new: str
) -> int:
    """Point ``column`` from ``old`` to ``new`` in the community's rows of ``table``.

    Where an owner already has a row pointing at ``new`` (they avoided the member again after the
    forget), that row stays and the duplicate is dropped, so the primary key holds."""
    await tx.execute(
        f"DELETE FROM {table} WHERE community_id = ? AND {column} = ? AND {owner} IN"
        f" (SELECT {owner} FROM {table} WHERE community_id = ? AND {column} = ?)",
        community_key,
        old,
        community_key,
        new,
    )
    return await tx.execute(
        f"UPDATE {table} SET {column} = ? WHERE community_id = ? AND {column} = ?",
        new,
        community_key,
        old,
    )


async def restore_references(tx: Tx, community_key: str, user_key: str) -> int:
    """A forgotten member is back: point others' references to them at their key again."""
    hashed = await known_pseudonym(tx, community_key, user_key)
    if hashed is None:
        return 0
    restored = 0
    for entry in PERSONAL:
        if not entry.pseudonymise:
            continue
        for column in entry.about_columns:
            restored += await move_reference(
                tx, entry.table, column, entry.member_columns[0], community_key, hashed, user_key
            )
    return restored
