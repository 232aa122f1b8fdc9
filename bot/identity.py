"""Identity as values.

Every reference is a frozen dataclass with a string ``key`` that round-trips through ``parse``,
so the scheduler and the database can address a member, a channel or a message long after the
event that introduced it, without an SDK object. Keys look like ``slack:T1`` (community),
``slack:T1:U2`` (member), ``slack:T1:C9`` (channel) and ``slack:T1:C9|1712.0042`` (a message:
its channel's key, then the platform's message id, which may itself contain colons).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self


class Ref:
    """A reference with a string key: ``type(ref).parse(ref.key) == ref`` for every ref."""

    __slots__ = ()

    @property
    def key(self) -> str:
        raise NotImplementedError

    @classmethod
    def parse(cls, key: str) -> Self:
        raise NotImplementedError


def _split(key: str, parts: int, what: str) -> list[str]:
    pieces = key.split(":", parts - 1)
    if len(pieces) != parts or not all(pieces):
        raise ValueError(f"not a {what} key: {key!r}")
    return pieces


@dataclass(frozen=True, slots=True)
class CommunityRef(Ref):
    platform: str
    id: str

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.id}"

    @classmethod
    def parse(cls, key: str) -> Self:
        platform, ident = _split(key, 2, "community")
        return cls(platform, ident)


@dataclass(frozen=True, slots=True)
class InCommunityRef(Ref):
    """Something a community holds, named by the platform's id for it (a member, a channel)."""

    community: CommunityRef
    id: str
    what: ClassVar[str] = "community member or channel"

    @property
    def key(self) -> str:
        return f"{self.community.key}:{self.id}"

    @staticmethod
    def id_in(key: str) -> str:
        """The platform's id at the end of a well-formed key, without building the reference
        (a member's fallback display name, read once per row on hot paths)."""
        return key.rsplit(":", 1)[-1]

    @classmethod
    def parse(cls, key: str) -> Self:
        platform, community, ident = _split(key, 3, cls.what)
        return cls(CommunityRef(platform, community), ident)


@dataclass(frozen=True, slots=True)
class UserRef(InCommunityRef):
    what: ClassVar[str] = "member"


@dataclass(frozen=True, slots=True)
class ChannelRef(InCommunityRef):
    what: ClassVar[str] = "channel"


@dataclass(frozen=True, slots=True)
class MessageRef(Ref):
    """A message the platform accepted: where it lives and its platform id."""

    channel_key: str
    id: str

    @property
    def key(self) -> str:
        return f"{self.channel_key}|{self.id}"

    @classmethod
    def parse(cls, key: str) -> Self:
        channel_key, bar, ident = key.rpartition("|")
        if not bar or not channel_key or not ident:
            raise ValueError(f"not a message key: {key!r}")
        return cls(channel_key, ident)
