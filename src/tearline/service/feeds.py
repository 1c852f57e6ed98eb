"""Unsigned feeds: TAXII 2.1 servers that are not Tearline nodes (medallion, a vendor's
feed), registered explicitly as such by a node administrator.

A feed's objects are unsigned, so nothing vouches for who labelled them: fail closed, an
object gets a label only from a marking this node recognises (the TLP 2.0 standard
marking-definitions) or from the default marking the administrator gave when registering
the feed; anything else is rejected and audited. A feed never reads this node (it is given
no credential here and nothing is pushed to it), and what came from it is never shared on.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from tearline.errors import InvalidInput
from tearline.labels.model import Label
from tearline.labels.parse import parse
from tearline.labels.schemes import Registry
from tearline.service.principals import PeerRecord

__all__ = ["FeedSpec", "default_label", "feed_credential", "feed_record"]

#: The signature column of what came from a feed: no signature, the feed's name and the
#: SHA-256 of the object's canonical form (``unsigned-feed:NAME:sha256:HEX``).
UNSIGNED = "unsigned-feed:"


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """What an administrator says of a feed: its base URL (discovery at ``/taxii2/``), the
    nation that runs it, the ``USER:PASSWORD`` this node authenticates with there (kept
    sealed; ``None`` keeps the one held), and the default marking of its unmarked objects."""

    url: str
    nation: str
    credential: str | None = None
    default_marking: str | None = None


def default_label(text: str, scheme: str, registry: Registry) -> Label:
    """The label of a feed's default marking: TLP (``TLP:GREEN``) or this node's scheme.

    Raises:
        LabelError: not a marking of that scheme.
    """
    chosen = "tlp" if text.upper().startswith("TLP:") else scheme
    return parse(text.strip(), chosen, registry=registry)


def feed_credential(value: str) -> str:
    """``USER:PASSWORD`` for the feed's HTTP basic authentication, if it is one."""
    user, colon, password = value.partition(":")
    if not colon or not user or not password or len(value) > 512 or not value.isprintable():
        raise InvalidInput(
            "--basic-auth: give USER:PASSWORD, the account the feed's server holds for this "
            "node (at most 512 printable characters)"
        )
    return value


def feed_record(
    name: str, url: str, nation: str, marking: str | None, before: PeerRecord | None,
    actor: str, at: datetime, outgoing: str | None,
) -> PeerRecord:  # fmt: skip
    """A feed as the registry keeps it: no public key, agreement or ceiling, and a token
    hash no credential has (it never calls this node)."""
    return PeerRecord(
        name, url, nation, "", "", "", "", before.nonce if before else secrets.token_hex(16),
        "feed:" + secrets.token_hex(16), before.version + 1 if before else 1,
        before.created if before else at, before.created_by if before else actor, at,
        outgoing, "feed", marking,
    )  # fmt: skip
