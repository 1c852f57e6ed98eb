"""The reasons a decision gives, as data, and the renderers that put them into words.

A :class:`Reason` is the id of the rule that gave it, a message id and its parameters — no
words. Each language is a data file in ``tearline/policy/languages`` (``en.toml``,
``ja.toml``) holding one template per message; :func:`render` fills it in. Adding French or
Korean is adding a file. English is the language of the audit log and the CLI's ``reasons``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any, TypeAlias

from tearline.errors import DataFault, NotFound
from tearline.labels.describe import Release
from tearline.labels.model import Tier

__all__ = ["Phrase", "Reason", "languages", "render"]

_PACKAGE = "tearline.policy.languages"
_PLACEHOLDER = re.compile(r"\{(\w+)(?:\|(\w+))?\}")

#: A parameter: a word, a list of words, or a phrase rendered in the same language.
Param: TypeAlias = "str | tuple[str, ...] | Phrase"


@dataclass(frozen=True, slots=True)
class Phrase:
    """A message id and its parameters: words to be, in any language."""

    message: str
    params: tuple[tuple[str, Param], ...] = ()

    def param(self, name: str) -> Param:
        """The parameter ``name``; raises ``KeyError``."""
        for key, value in self.params:
            if key == name:
                return value
        raise KeyError(name)


def _phrase(message: str, **params: Param) -> Phrase:
    return Phrase(message, tuple(sorted(params.items())))


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason for a decision: the rule that gave it and what it says, as data."""

    rule: str
    phrase: Phrase

    def text(self, language: str = "en") -> str:
        """The reason in ``language`` (a code of :func:`languages`)."""
        return render(self.phrase, language)

    def __str__(self) -> str:
        return self.text("en")

    def from_origin(self, marking: str) -> Reason:
        """This reason, found on the marking a translated label was carried from."""
        return Reason(self.rule, _phrase("origin", marking=marking, reason=self.phrase))

    # ------------------------------------------------------------------ clearance
    @classmethod
    def status(cls, status: str) -> Reason:
        return cls("clearance.status", _phrase("clearance.status", status=status))

    @classmethod
    def clearance_expired(cls, when: date) -> Reason:
        return cls("clearance.expiry", _phrase("clearance.expiry", when=when.isoformat()))

    @classmethod
    def authorization_expired(cls, token: str, when: date) -> Reason:
        return cls("access.expiry", _phrase("access.expiry", token=token, when=when.isoformat()))

    @classmethod
    def unknown_level(cls, level: str, scheme: str) -> Reason:
        return cls(
            "clearance.level", _phrase("clearance.unknown-level", level=level, scheme=scheme)
        )

    @classmethod
    def no_agreement(cls, held: str, label: str) -> Reason:
        return cls("clearance.agreement", _phrase("clearance.no-agreement", held=held, label=label))

    @classmethod
    def unconfirmed(cls, title: str, held: str, label: str) -> Reason:
        phrase = _phrase("clearance.unconfirmed", title=title, held=held, label=label)
        return cls("clearance.agreement", phrase)

    @classmethod
    def level(cls, words: str, tier: Tier, covers: bool) -> Reason:
        message = "clearance.covers" if covers else "clearance.below"
        return cls("clearance.level", _phrase(message, words=words, tier=tier.title))

    # ------------------------------------------------------------------ release
    @classmethod
    def unrestricted(cls) -> Reason:
        return cls("release.nationality", _phrase("release.unrestricted"))

    @classmethod
    def may(cls, nation: str, action: str, release: Release) -> Reason:
        phrase = _phrase("release.may", nation=nation, action=action, release=_words(release))
        return cls("release.nationality", phrase)

    @classmethod
    def not_listed(cls, nations: list[str], release: Release) -> Reason:
        phrase = _phrase("release.not-listed", nations=tuple(nations), release=_words(release))
        return cls("release.nationality", phrase)

    @classmethod
    def refused(cls, release: Release, nations: list[str], action: str) -> Reason:
        phrase = _phrase(
            "release.refused", release=_words(release), nations=tuple(nations), action=action
        )
        return cls("release.nationality", phrase)

    @classmethod
    def display_only(cls, nation: str, display: str, action: str) -> Reason:
        if action == "read":
            phrase = _phrase("release.display-only.read", nation=nation, display=display)
        else:
            phrase = _phrase(
                "release.display-only.refused", nation=nation, display=display, action=action
            )
        return cls("release.display-only", phrase)

    # ------------------------------------------------------------------ access and controls
    @classmethod
    def access(cls, expression: str, missing: list[str]) -> Reason:
        if not missing:
            return cls("access.expression", _phrase("access.satisfied", expression=expression))
        phrase = _phrase("access.missing", expression=expression, missing=tuple(missing))
        return cls("access.expression", phrase)

    @classmethod
    def access_too_complex(cls, expression: str) -> Reason:
        shown = expression if len(expression) <= 80 else expression[:79] + "…"
        return cls("access.expression", _phrase("access.too-complex", expression=shown))

    @classmethod
    def control(cls, token: str, banner: str, action: str) -> Reason:
        return cls(f"control.{token}", _phrase("control.restricts", banner=banner, action=action))

    # ------------------------------------------------------------------ tearline releases
    @classmethod
    def orcon_unconsented(cls) -> Reason:
        """A portion kept out of a release: ORCON, and no consent of its originator."""
        return cls("release.orcon", _phrase("withheld.orcon"))

    @classmethod
    def display_only_audience(cls, nations: list[str]) -> Reason:
        """A portion kept out of a release: ``nations`` of the audience may only be shown it."""
        phrase = _phrase("withheld.display-only", nations=tuple(nations))
        return cls("release.display-only", phrase)

    @classmethod
    def relido_undecided(cls) -> Reason:
        """A portion kept out of a release: RELIDO, and the officer did not decide it."""
        return cls("release.relido", _phrase("withheld.relido"))

    @classmethod
    def not_releasable(cls, nations: list[str]) -> Reason:
        """A portion kept out of a release: ``nations`` of the audience may not receive it."""
        phrase = _phrase("withheld.not-releasable", nations=tuple(nations))
        return cls("release.nationality", phrase)

    # ------------------------------------------------------------------ who may act
    @classmethod
    def not_in_role(cls, person: str, role: str) -> Reason:
        """``person`` does not hold ``role`` (``security-officer``, ``releasing-officer``,
        ``node-administrator``, ``active-security-officer``)."""
        return cls("role.missing", _phrase("role.missing", person=person, role=str(role)))

    @classmethod
    def person_status(cls, person: str, status: str) -> Reason:
        """``person``'s clearance is suspended or revoked, so they may not act."""
        return cls("clearance.status", _phrase("role.status", person=person, status=str(status)))

    @classmethod
    def person_expired(cls, person: str, when: date) -> Reason:
        """``person``'s clearance expired on ``when``, so they may not act."""
        phrase = _phrase("role.expired", person=person, when=when.isoformat())
        return cls("clearance.expiry", phrase)

    @classmethod
    def own_vetting(cls) -> Reason:
        """A security officer tried to change their own vetting."""
        return cls("role.own-vetting", _phrase("role.own-vetting"))

    @classmethod
    def not_originator(cls, person: str, origin: str) -> Reason:
        """``person`` may not consent for an originator (``origin``) they do not speak for."""
        phrase = _phrase("role.not-originator", person=person, origin=origin)
        return cls("release.originator", phrase)

    @classmethod
    def downgrade(cls, lower: str, higher: str) -> Reason:
        """Lowering a label from ``higher`` to ``lower`` takes a releasing officer."""
        return cls("label.downgrade", _phrase("label.downgrade", lower=lower, higher=higher))

    @classmethod
    def observation_downgrade(cls, lower: str, higher: str) -> Reason:
        """Lowering an observation's label from ``higher`` to ``lower`` takes a releasing
        officer."""
        phrase = _phrase("observation.downgrade", lower=lower, higher=higher)
        return cls("label.downgrade", phrase)

    @classmethod
    def not_author(cls) -> Reason:
        """Only an observation's author or a security officer may retract it."""
        return cls("observation.retract", _phrase("observation.not-author"))


def _words(release: Release) -> Phrase:
    """How a reason quotes a release: the marking's words, or what the marking means."""
    return _phrase(
        f"release.words.{release.kind}", words=release.words, owners=", ".join(release.owners)
    )


# ---------------------------------------------------------------------------- rendering
@dataclass(frozen=True)
class _Language:
    code: str
    name: str
    formats: Mapping[str, str]
    values: Mapping[str, Mapping[str, str]]
    messages: Mapping[str, Any]


def languages() -> tuple[str, ...]:
    """The codes of the languages reasons can be rendered in (one file each)."""
    return tuple(sorted(_files()))


@lru_cache(maxsize=1)
def _files() -> Mapping[str, str]:
    root = resources.files(_PACKAGE)
    found = {
        entry.name.removesuffix(".toml"): entry.name
        for entry in root.iterdir()
        if entry.name.endswith(".toml")
    }
    return MappingProxyType(found)


@lru_cache(maxsize=16)
def _language(code: str) -> _Language:
    name = _files().get(code)
    if name is None:
        known = ", ".join(languages())
        raise NotFound(f"no reasons in language {code!r}; known languages: {known}")
    data = tomllib.loads(resources.files(_PACKAGE).joinpath(name).read_text("utf-8"))
    try:
        return _Language(
            code=str(data["language"]["code"]),
            name=str(data["language"]["name"]),
            formats=MappingProxyType(dict(data.get("format", {}))),
            values=MappingProxyType(dict(data.get("values", {}))),
            messages=MappingProxyType(dict(data["messages"])),
        )
    except (KeyError, TypeError) as missing:
        raise DataFault(f"language file {name}: missing {missing}") from None


def render(phrase: Phrase, language: str = "en") -> str:
    """``phrase`` in ``language``.

    Raises:
        NotFound: no file for ``language``.
        DataFault: the language file lacks the message or a table it names.
    """
    table = _language(language)
    template = table.messages.get(phrase.message)
    if template is None:
        raise DataFault(f"language {language!r} has no message {phrase.message!r}")
    if isinstance(template, Mapping):
        counted = phrase.param(str(template["count"]))
        template = template[
            "one" if not isinstance(counted, tuple) or len(counted) == 1 else "other"
        ]

    def fill(match: re.Match[str]) -> str:
        value = phrase.param(match.group(1))
        return _value(value, match.group(2), table)

    return _PLACEHOLDER.sub(fill, str(template))


def _value(value: Param, how: str | None, table: _Language) -> str:
    if isinstance(value, Phrase):
        return render(value, table.code)
    if isinstance(value, tuple):
        separator = table.formats.get(how or "list", ", ")
        return separator.join(value)
    if how is None:
        return value
    return table.values.get(how, {}).get(value, value)
