"""The nations and groups Tearline knows: GENC trigraphs and tetragraphs with their members."""

from __future__ import annotations

from tearline.errors import SchemeError
from tearline.labels.value import value

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any
if TYPE_CHECKING:
    from types import MappingProxyType
else:
    MappingProxyType = type(type.__dict__)  # types.MappingProxyType, without importing types

__all__ = ["Nations"]


@value
class Nations:
    """Country trigraphs and group tetragraphs, in register order.

    Attributes:
        names: trigraph → name, in register order (USA first, then A–Z).
        groups: tetragraph → member trigraphs; ``None`` when the membership is not published,
            in which case the group grants no one (fail closed).
        group_names: tetragraph → name.
        deprecated: code → date it was withdrawn from the register.
    """

    names: Mapping[str, str]
    groups: Mapping[str, frozenset[str] | None]
    group_names: Mapping[str, str]
    deprecated: Mapping[str, str]

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Nations:
        """Build the table from the packaged ``nations.toml`` data; checks every member code."""
        # a nation is ``CODE = "name"``, or a table ``{name, deprecated}`` for a withdrawn code
        nations = {
            code: entry if isinstance(entry, dict) else {"name": entry}
            for code, entry in data["nations"].items()
        }
        names = {code: str(entry["name"]) for code, entry in nations.items()}
        groups: dict[str, frozenset[str] | None] = {}
        group_names: dict[str, str] = {}
        deprecated: dict[str, str] = {}
        for section in (nations, data["groups"]):
            for code, entry in section.items():
                if "deprecated" in entry:
                    deprecated[code] = str(entry["deprecated"])
        for code, entry in data["groups"].items():
            group_names[code] = str(entry["name"])
            members = entry.get("members")
            if members is not None:
                unknown = sorted(set(members) - names.keys())
                if unknown:
                    raise SchemeError(f"group {code} lists unknown nations {unknown}")
                groups[code] = frozenset(members)
            else:
                groups[code] = None
        return cls(
            MappingProxyType(names),
            MappingProxyType(groups),
            MappingProxyType(group_names),
            MappingProxyType(deprecated),
        )

    def is_nation(self, code: str) -> bool:
        """Whether ``code`` is a known country trigraph."""
        return code in self.names

    def is_group(self, code: str) -> bool:
        """Whether ``code`` is a known group tetragraph."""
        return code in self.groups

    def members(self, code: str) -> frozenset[str]:
        """The nations a code stands for: itself for a nation, the members for a group.

        A group whose membership is not published stands for no nation.
        """
        if code in self.names:
            return frozenset((code,))
        return self.groups.get(code) or frozenset()

    def expand(self, codes: Iterable[str]) -> frozenset[str]:
        """The union of :meth:`members` over ``codes``."""
        names, groups = self.names, self.groups
        out: set[str] = set()
        for code in codes:
            if code in names:
                out.add(code)
            else:
                out.update(groups.get(code) or ())
        return frozenset(out)

    def name(self, code: str) -> str:
        """A code's name for people (``"JPN"`` → ``"Japan"``); the code itself if unknown."""
        return self.names.get(code) or self.group_names.get(code) or code
