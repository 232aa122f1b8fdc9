"""Identity as values.

Every reference is a frozen dataclass with a string key that round-trips, so the scheduler can
address a member or a channel long after the event that introduced it, without an SDK object.
Keys look like ``slack:T1`` (community), ``slack:T1:U2`` (member) and ``slack:T1:C9`` (channel).
"""

from __future__ import annotations

from dataclasses import dataclass


def _split(key: str, parts: int, what: str) -> list[str]:
    pieces = key.split(":", parts - 1)
    if len(pieces) != parts or not all(pieces):
        raise ValueError(f"not a {what} key: {key!r}")
    return pieces


@dataclass(frozen=True, slots=True)
class CommunityRef:
    platform: str
    id: str

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.id}"

    @classmethod
    def parse(cls, key: str) -> CommunityRef:
        platform, ident = _split(key, 2, "community")
        return cls(platform, ident)


@dataclass(frozen=True, slots=True)
class UserRef:
    community: CommunityRef
    id: str

    @property
    def key(self) -> str:
        return f"{self.community.key}:{self.id}"

    @classmethod
    def parse(cls, key: str) -> UserRef:
        platform, community, ident = _split(key, 3, "member")
        return cls(CommunityRef(platform, community), ident)


@dataclass(frozen=True, slots=True)
class ChannelRef:
    community: CommunityRef
    id: str

    @property
    def key(self) -> str:
        return f"{self.community.key}:{self.id}"

    @classmethod
    def parse(cls, key: str) -> ChannelRef:
        platform, community, ident = _split(key, 3, "channel")
        return cls(CommunityRef(platform, community), ident)


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A message the platform accepted: where it lives and its platform id."""

    channel_key: str
    id: str
