"""Peer nodes: the registry of the allied nodes this node federates with, and the
credential each presents here.

A peer is a principal of one nation under one agreement. It reads as the person of that
nation cleared at the agreement's ceiling (the highest level of its nation's scheme that the
agreement confirms as equal to a level of this node's scheme), with no compartments and no
role, so it reaches no officer's door. Only node administrators add, update and remove peers,
and each change is audited. On the node's own terminal the change may also be made by the
node's **operator** — whoever opens the node's home, and so holds its key, the authority that
ran ``tearline init`` — without naming a person: it is audited as ``operator:NODE_ID``.

A peer's credential is derived from the node's signing key and a random nonce kept with the
peer (Ed25519 signatures are deterministic), and only its hash is stored: so adding the same
peer again shows the administrator the same credential without the node keeping it, and
removing the peer revokes it at once (adding it anew draws a new nonce, so a new credential).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from tearline.audit import Record
from tearline.errors import InvalidInput, NotFound, Unauthenticated
from tearline.labels.schemes.agreements import Agreement
from tearline.labels.schemes.model import Scheme
from tearline.policy.decide import day_of
from tearline.policy.model import Status
from tearline.policy.reasons import Reason
from tearline.service.context import Context, Refusal, denied, scheme_of_nation
from tearline.service.feeds import FeedSpec, default_label, feed_credential, feed_record
from tearline.service.ports import Sealer, Signer
from tearline.service.principals import OPERATOR_PREFIX, PeerRecord
from tearline.service.records import Role
from tearline.service.views import marking

__all__ = ["PeerSpec", "Peers"]

_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_SHAPE = re.compile(r"tlp_[A-Za-z0-9_-]{43}")
_OUTGOING = re.compile(r"[!-~]{8,512}")
_NOT_AUTHENTICATED = "a valid API token is required: Authorization: Bearer TOKEN"


@dataclass(frozen=True, slots=True)
class PeerSpec:
    """What an administrator says of a peer: where it serves, its nation, the agreement it
    reads under, its Ed25519 public key (base64 of the 32 raw bytes), and the credential
    this node presents there."""

    url: str
    nation: str
    agreement: str
    public_key: str
    #: The credential this node presents at the peer (kept sealed); ``None`` keeps the one
    #: already held, if any.
    token: str | None = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_name(name: str) -> str:
    """A peer's name as given, if it is one (lower-case letters, digits and hyphens)."""
    if not _NAME.fullmatch(name):
        raise InvalidInput(
            f"peer name {name[:40]!r}: use 1-63 lower-case letters, digits and hyphens, "
            "starting with a letter or digit (e.g. jp-node)"
        )
    return name


def _url(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    bad = (
        parts is None or parts.scheme not in ("http", "https") or not host
        or parts.username is not None or parts.query or parts.fragment
        or len(url) > 2000 or not url.isprintable() or " " in url
    )  # fmt: skip
    if bad:
        raise InvalidInput(
            f"--url {url[:60]!r}: give the base URL the peer's `tearline serve` printed, "
            "such as http://127.0.0.1:8400 (http or https, a host, no user, query or fragment)"
        )
    return url.rstrip("/")


def _public_key(text: str) -> str:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise InvalidInput(
            "--public-key: give the peer's Ed25519 public key as base64 of its 32 bytes "
            "(`tearline node show --json` on the peer prints it), or a file holding it"
        )
    return base64.b64encode(raw).decode()


def _sealing_context(name: str) -> bytes:
    return b"tearline peer token\x00" + name.encode()


def _outgoing(token: str) -> str:
    if not _OUTGOING.fullmatch(token):
        raise InvalidInput(
            "--token: give the credential the peer's administrator printed for this node "
            "(`tearline peer add` there): 8 to 512 printable characters, no spaces"
        )
    return token


class Peers:
    """Use cases over the peer registry."""

    def __init__(self, ctx: Context, signer: Signer, sealer: Sealer) -> None:
        self._ctx = ctx
        self._signer = signer
        self._sealer = sealer

    def _admin(self, actor_id: str | None, action: str, subject: str, at: datetime) -> str:
        """Who makes a change to the registry: an active node administrator (else refused
        and audited), or, with no person named, the node's operator (``operator:NODE_ID``)."""
        if actor_id is None:
            return f"{OPERATOR_PREFIX}{self._ctx.node.id}"
        actor = self._ctx.actor(actor_id)
        reason = None
        if not actor.has_role(Role.NODE_ADMINISTRATOR):
            reason = Reason.not_in_role(actor.id, Role.NODE_ADMINISTRATOR)
        elif actor.status is not Status.ACTIVE:
            reason = Reason.person_status(actor.id, actor.status)
        elif actor.clearance_expires is not None and day_of(at) >= actor.clearance_expires:
            reason = Reason.person_expired(actor.id, actor.clearance_expires)
        if reason is not None:
            problem = reason.text()
            raise Refusal(
                denied(f"{action} is refused: {problem}", reason),
                Record(at, actor.id, action, subject, "deny", {"reason": problem}),
            )
        return actor.id

    def ceiling(self, nation: str, agreement_id: str) -> tuple[str, str]:
        """``(level, scheme)``: the highest level of ``nation``'s scheme that the agreement
        confirms (not inferred, no handling controls) as equal to a level of this node's.

        Raises:
            InvalidInput: an unknown nation or agreement, or one that does not relate the
                nation's scheme to this node's.
        """
        registry = self._ctx.registry
        if not registry.nations.is_nation(nation):
            raise InvalidInput(f"--nation {nation[:10]!r}: give a GENC trigraph such as JPN")
        theirs = scheme_of_nation(registry, nation)
        if theirs is None:
            raise InvalidInput(f"--nation {nation}: Tearline has no marking scheme of {nation}")
        ours = self._ctx.node.scheme
        found = [a for a in registry.agreements if a.id == agreement_id]
        known = ", ".join(sorted(a.id for a in registry.agreements))
        if not found:
            raise InvalidInput(f"--agreement {agreement_id[:40]!r}: known agreements: {known}")
        level = _top_level(found[0], theirs, ours, registry.scheme(theirs))
        if level is None:
            raise InvalidInput(
                f"--agreement {agreement_id}: it confirms no level of {theirs} ({nation}) as "
                f"equal to one of this node's scheme {ours}; give an agreement between them"
            )
        return level, theirs

    def _credential(self, name: str, nonce: str) -> str:
        message = b"tearline peer credential\x00" + name.encode() + b"\x00" + nonce.encode()
        signature = bytes.fromhex(self._signer.sign(message))
        digest = hashlib.sha256(signature).digest()
        return "tlp_" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def add(self, actor_id: str | None, name: str, spec: PeerSpec) -> tuple[PeerRecord, str, bool]:
        """Add the peer ``name``, or update it if it is known: ``(peer, credential,
        created)``. The credential is the same for every update of the same peer.

        Raises:
            Denied: the actor is not an active node administrator (``None``: the node's
                operator, who always may).
            InvalidInput: a field is malformed (named in the message).
        """

        def work() -> tuple[PeerRecord, str, bool]:
            at = self._ctx.clock()
            actor = self._admin(actor_id, "peer.add", "peer:" + name[:63], at)
            check_name(name)
            before = self._ctx.store.peer(name)
            _same_kind(name, "node", before)
            if not spec.agreement or not spec.public_key:
                raise InvalidInput("a Tearline peer needs --agreement and --public-key "
                                   "(a TAXII server that is not a node: --feed)")  # fmt: skip
            nation = spec.nation.upper()
            level, scheme = self.ceiling(nation, spec.agreement)
            url, key = _url(spec.url), _public_key(spec.public_key)
            nonce = before.nonce if before else secrets.token_hex(16)
            token = self._credential(name, nonce)
            outgoing = before.outgoing if before else None
            if spec.token is not None:
                outgoing = self._sealer.seal(_outgoing(spec.token).encode(),
                                             _sealing_context(name))  # fmt: skip
            peer = PeerRecord(
                name, url, nation, spec.agreement, key, level, scheme, nonce, _digest(token),
                before.version + 1 if before else 1, before.created if before else at,
                before.created_by if before else actor, at, outgoing,
            )  # fmt: skip
            self._ctx.store.put_peer(peer)
            if before is not None and (before.url, before.public_key) != (url, key):
                self._ctx.store.forget_sync(name)  # another node: sync it from the start
            detail = {"url": url, "nation": nation, "agreement": spec.agreement,
                      "ceiling": f"{scheme}:{level}", "public_key": key,
                      "token_set": outgoing is not None}  # fmt: skip
            action = "peer.update" if before else "peer.add"
            self._ctx.audit.write([Record(at, actor, action, peer.principal, "done", detail)])
            return peer, token, before is None

        return self._ctx.run(work)

    def add_feed(self, actor_id: str | None, name: str, spec: FeedSpec) -> tuple[PeerRecord, bool]:
        """Register the unsigned feed ``name``, or update it: ``(feed, created)``. It is
        given no credential here (it never reads this node); its default marking is as
        given each time (none: its unmarked objects are rejected).

        Raises:
            Denied: the actor is not an active node administrator (``None``: the node's
                operator, who always may).
            InvalidInput: a field is malformed, or ``name`` is a Tearline peer.
        """

        def work() -> tuple[PeerRecord, bool]:
            at = self._ctx.clock()
            actor = self._admin(actor_id, "peer.add", "peer:" + name[:63], at)
            check_name(name)
            before = self._ctx.store.peer(name)
            _same_kind(name, "feed", before)
            nation = spec.nation.upper()
            if not self._ctx.registry.nations.is_nation(nation):
                raise InvalidInput(f"--nation {nation[:10]!r}: give a GENC trigraph such as USA")
            shown = None
            if spec.default_marking is not None:
                label = default_label(spec.default_marking, self._ctx.node.scheme,
                                      self._ctx.registry)  # fmt: skip
                shown = marking(label, self._ctx.registry)
            outgoing = before.outgoing if before else None
            if spec.credential is not None:
                outgoing = self._sealer.seal(feed_credential(spec.credential).encode(),
                                             _sealing_context(name))  # fmt: skip
            url = _url(spec.url)
            feed = feed_record(name, url, nation, shown, before, actor, at, outgoing)
            self._ctx.store.put_peer(feed)
            if before is not None and before.url != url:
                self._ctx.store.forget_sync(name)  # another server: pull it from the start
            detail = {"url": url, "nation": nation, "kind": "feed", "default_marking": shown,
                      "credential_set": outgoing is not None}  # fmt: skip
            action = "peer.update" if before else "peer.add"
            self._ctx.audit.write([Record(at, actor, action, feed.principal, "done", detail)])
            return feed, before is None

        return self._ctx.run(work)

    def list(self) -> list[PeerRecord]:
        """Every peer, by name (no credential: only its hash is kept)."""
        with self._ctx.store.transaction(write=False):
            return self._ctx.store.peers()

    def outgoing_token(self, peer: PeerRecord) -> str | None:
        """The credential this node presents at ``peer`` (``None``: none was given).

        Raises:
            DataFault: the sealed credential does not open with this node's key.
        """
        if peer.outgoing is None:
            return None
        return self._sealer.unseal(peer.outgoing, _sealing_context(peer.name)).decode()

    def remove(self, actor_id: str | None, name: str) -> None:
        """Remove a peer: its credential is refused from the next request on.

        Raises:
            Denied: the actor is not an active node administrator (``None``: the node's
                operator, who always may).
            NotFound: no peer of that name.
        """

        def work() -> None:
            at = self._ctx.clock()
            actor = self._admin(actor_id, "peer.remove", "peer:" + name[:63], at)
            if not self._ctx.store.remove_peer(name):
                raise NotFound(f"no peer {name[:63]!r} on this node; `tearline peer list`")
            self._ctx.audit.write([Record(at, actor, "peer.remove", "peer:" + name)])

        self._ctx.run(work)

    def authenticate(self, token: str) -> PeerRecord:
        """The peer a credential speaks for.

        Raises:
            Unauthenticated: the credential is malformed or no peer holds it (removed).
        """
        if not _SHAPE.fullmatch(token):
            raise Unauthenticated(_NOT_AUTHENTICATED)
        with self._ctx.store.transaction(write=False):
            peer = self._ctx.store.peer_by_token(_digest(token))
        if peer is None:
            raise Unauthenticated(_NOT_AUTHENTICATED)
        return peer


def _same_kind(name: str, kind: str, before: PeerRecord | None) -> None:
    if before is not None and before.kind != kind:
        raise InvalidInput(f"peer {name} is registered as a {before.kind}, not a {kind}: "
                           f"`tearline peer remove {name}` first")  # fmt: skip


def _top_level(agreement: Agreement, theirs: str, ours: str, scheme: Scheme) -> str | None:
    if theirs == ours or not agreement.connects(theirs, ours):
        return None
    confirmed = [
        e.side(theirs).level
        for e in agreement.between(theirs, ours)
        if not e.inferred and not e.side(theirs).controls and not e.side(ours).controls
    ]
    if not confirmed:  # pragma: no cover - every agreement confirms unclassified at least
        return None
    return max(confirmed, key=lambda level: scheme.level(level).rank)
