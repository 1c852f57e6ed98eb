"""A small :class:`enum.IntEnum` for the label core, defined without importing :mod:`enum`.

``enum`` brings ``functools``, ``collections``, ``operator``, ``types`` and more, and building an
``IntEnum`` class is itself costly: together a sixth of what ``tearline label parse`` did over
the bare interpreter, for one class (:class:`~tearline.labels.model.Tier`). A class deriving
from :class:`IntEnum` here turns its public ``int`` attributes into members that behave as
``enum.IntEnum`` members do — the same ``repr``, ``str``, ``format``, hash, comparisons and
arithmetic, ``name`` and ``value``, lookup by value (``Tier(4)``) and by name (``Tier["SECRET"]``),
iteration in definition order, ``len``, ``__members__``, membership, singletons under copy and
pickle — and mypy reads the class as an ``enum.IntEnum`` (the module that defines it imports
this one only at run time). ``tests/unit/labels/test_intenum.py`` compares each behaviour with
a real ``enum.IntEnum`` twin.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from typing import Any

__all__ = ["IntEnum"]

_MappingProxy = type(type.__dict__)  # types.MappingProxyType, without importing types


class _IntEnumType(type):
    """The metaclass: makes the members and answers the class-level questions."""

    _members_: dict[str, Any]
    _by_value_: dict[int, Any]

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> Any:
        members = {
            key: number
            for key, number in namespace.items()
            if not key.startswith("_") and type(number) is int
        }
        for key in members:
            del namespace[key]
        cls: Any = super().__new__(mcs, name, bases, namespace)
        if len(set(members.values())) != len(members):
            raise TypeError(f"{name}: two members with one value (aliases are not supported)")
        made: dict[str, Any] = {}
        for key, number in members.items():
            member = made[key] = int.__new__(cls, number)
            member._name_ = key
            member._value_ = number
            type.__setattr__(cls, key, member)
        type.__setattr__(cls, "_members_", made)
        type.__setattr__(cls, "_by_value_", {m._value_: m for m in made.values()})
        return cls

    def __call__(cls, number: object) -> Any:
        kind: Any = cls
        if isinstance(number, kind):
            return number
        try:
            return cls._by_value_[number]  # type: ignore[index]  # unhashable: TypeError
        except (KeyError, TypeError):
            raise ValueError(f"{number!r} is not a valid {cls.__qualname__}") from None

    def __getitem__(cls, name: str) -> Any:
        return cls._members_[name]

    def __iter__(cls) -> Iterator[Any]:
        return iter(list(cls._members_.values()))

    def __reversed__(cls) -> Iterator[Any]:
        return iter(list(cls._members_.values())[::-1])

    def __len__(cls) -> int:
        return len(cls._members_)

    def __contains__(cls, member: object) -> bool:
        kind: Any = cls
        if not isinstance(member, kind):
            raise TypeError(
                "unsupported operand type(s) for 'in': "
                f"'{type(member).__qualname__}' and '{type(cls).__qualname__}'"
            )
        return True

    def __bool__(cls) -> bool:
        return True

    @property
    def __members__(cls) -> Mapping[str, Any]:
        return _MappingProxy(cls._members_)

    def __setattr__(cls, name: str, number: object) -> None:
        if name in cls.__dict__.get("_members_", {}):
            raise AttributeError(f"cannot reassign member {name!r}")
        super().__setattr__(name, number)

    def __delattr__(cls, name: str) -> None:
        if name in cls.__dict__.get("_members_", {}):
            raise AttributeError(f"{cls.__name__!r} cannot delete member {name!r}.")
        super().__delattr__(name)

    def __repr__(cls) -> str:
        return f"<enum {cls.__name__!r}>"


class IntEnum(int, metaclass=_IntEnumType):
    """Derive from this and give the members as ``NAME = number`` (see the module's doc)."""

    _name_: str
    _value_: int

    @property
    def name(self) -> str:
        """The member's name: ``"SECRET"``."""
        return self._name_

    @property
    def value(self) -> int:
        """The member's number: ``4``."""
        return self._value_

    def __repr__(self) -> str:
        return f"<{type(self).__name__}.{self._name_}: {int.__repr__(self)}>"

    __str__ = int.__repr__
    __format__ = int.__format__
    __hash__ = int.__hash__

    def __reduce_ex__(self, protocol: object) -> tuple[Any, tuple[int]]:
        return type(self), (self._value_,)

    def __copy__(self) -> IntEnum:
        return self

    def __deepcopy__(self, memo: object) -> IntEnum:
        return self
