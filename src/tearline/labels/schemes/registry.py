"""The registry: every scheme, agreement and the nation table one Tearline works with.

A :class:`Registry` is a value built by a loader (:func:`~.load.load_registry`) and handed to
the functions that need it, as Cedar's authorizer takes its policies and entities. A node
loads its own (a peer's agreement, a local policy); tests build small ones. Caches of work
done with a registry (parsed markings, translated clearances) belong to it.
"""

from __future__ import annotations

from tearline.errors import UnknownScheme
from tearline.labels.schemes.model import Scheme
from tearline.labels.schemes.nations import Nations
from tearline.labels.value import field, value

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

if TYPE_CHECKING:
    from tearline.labels.schemes.agreements import Agreement

__all__ = ["Registry"]


@value(slots=False)
class Registry:
    """Schemes by id, the agreements between them and the nation table: immutable.

    The agreements may be given as a function that builds them, called on first use (the
    packaged registry reads its agreement files only when an agreement is asked for).
    """

    nations: Nations
    schemes: Mapping[str, Scheme]
    _agreements: tuple[Agreement, ...] | Callable[[], tuple[Agreement, ...]] = ()
    _caches: dict[str, dict[Any, Any]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def agreements(self) -> tuple[Agreement, ...]:
        """The agreements between the schemes, in the order they are looked up."""
        if isinstance(self._agreements, tuple):
            return self._agreements
        built: tuple[Agreement, ...] | None = self.cache("agreements").get("all")
        if built is None:  # built once; a second thread building too keeps the first
            built = self.cache("agreements").setdefault("all", self._agreements())
        return built

    def cache(self, name: str) -> dict[Any, Any]:
        """The cache ``name`` of work done with this registry (internal to the label core)."""
        return self._caches.setdefault(name, {})

    def agreement(self, a: str, b: str) -> Agreement | None:
        """The agreement between schemes ``a`` and ``b``, if there is one."""
        for agreement in self.agreements:
            if agreement.connects(a, b):
                return agreement
        return None

    def scheme(self, scheme_id: str) -> Scheme:
        """The scheme ``scheme_id``; raises :class:`UnknownScheme` naming the known ones."""
        try:
            return self.schemes[scheme_id]
        except KeyError:
            known = ", ".join(sorted(self.schemes))
            raise UnknownScheme(f"unknown scheme {scheme_id!r}; known schemes: {known}") from None
