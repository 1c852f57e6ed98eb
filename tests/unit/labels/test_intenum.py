"""``labels/intenum.py`` behaves as :class:`enum.IntEnum` does: each check runs on a real twin."""

from __future__ import annotations

import copy
import enum
import json
import pickle
from collections.abc import Callable
from typing import Any

import pytest

from tearline.labels import intenum
from tearline.labels.model import Tier


class Twin(enum.IntEnum):
    LOW = 0
    MIDDLE = 2
    HIGH = 5

    @property
    def title(self) -> str:
        return self.name.title()


class Small(intenum.IntEnum):
    LOW = 0
    MIDDLE = 2
    HIGH = 5
    _hidden = 9  # private names stay plain attributes, as in Enum (_sunder_ aside)

    @property
    def title(self) -> str:
        return str(self.name).title()


def _outcome(check: Callable[[Any], object], cls: Any) -> object:
    """What ``check(cls)`` gives, with the class's name replaced; or the exception raised."""
    try:
        found = check(cls)
    except (KeyError, ValueError, TypeError, AttributeError) as problem:
        return type(problem).__name__, str(problem).replace(cls.__name__, "C")
    return repr(found).replace(cls.__name__, "C") if not isinstance(found, bool) else found


def _set_and_delete(cls: Any) -> tuple[object, bool]:
    """Set an attribute that is not a member on the class, read it, and delete it."""
    setattr(cls, "extra", 1)  # noqa: B010 - the name is the point
    found = cls.extra
    delattr(cls, "extra")
    return found, hasattr(cls, "extra")


CHECKS: dict[str, Callable[[Any], object]] = {
    "members": lambda c: list(c),
    "names and values": lambda c: [(m.name, m.value, m.title) for m in c],
    "str, format, int": lambda c: [(str(m), f"{m}", f"{m:>3}", int(m), m + 1) for m in c],
    "types": lambda c: [(type(m + 1).__name__, isinstance(m, int), type(m) is c) for m in c],
    "hash": lambda c: [hash(m) == hash(m.value) for m in c],
    "comparisons": lambda c: [(m < 3, m == m.value, m > c.LOW, max(c) is c.HIGH) for m in c],
    "by value": lambda c: [c(0) is c.LOW, c(5), c(c.MIDDLE) is c.MIDDLE],
    "missing value": lambda c: c(3),
    "odd value": lambda c: c("x"),
    "by name": lambda c: c["MIDDLE"],
    "missing name": lambda c: c["NONE"],
    "len and reversed": lambda c: (len(c), list(reversed(c))),
    "__members__": lambda c: (list(c.__members__.items()), type(c.__members__).__name__),
    "membership": lambda c: c.HIGH in c,
    "class repr and truth": lambda c: (repr(c).replace("Small", "C").replace("Twin", "C"), bool(c)),
    "reassigning a member": lambda c: setattr(c, "LOW", 7),
    "deleting a member": lambda c: delattr(c, "LOW"),
    "other class attributes": lambda c: _set_and_delete(c),
    "pickle and copy": lambda c: (
        [pickle.loads(pickle.dumps(c.MIDDLE, protocol)) is c.MIDDLE for protocol in range(6)]
        + [copy.copy(c.LOW) is c.LOW, copy.deepcopy([c.HIGH])[0] is c.HIGH]
    ),
    "json": lambda c: json.dumps({"tier": c.HIGH, "all": list(c)}),
    "sorted": lambda c: sorted([c.HIGH, c.LOW, 2]),
}


@pytest.mark.parametrize("name", CHECKS)
def test_a_small_int_enum_behaves_as_an_int_enum(name: str) -> None:
    check = CHECKS[name]
    assert _outcome(check, Small) == _outcome(check, Twin)


def test_an_int_is_not_taken_for_a_member() -> None:
    """Python 3.11's Enum warns of a change in 3.12, then raises the same TypeError."""
    with pytest.raises(TypeError, match="unsupported operand type"):
        _ = 2 in Small


def test_private_attributes_stay_plain() -> None:
    assert Small._hidden == 9
    assert "_hidden" not in Small.__members__


def test_two_members_with_one_value_are_refused() -> None:
    with pytest.raises(TypeError, match="aliases are not supported"):

        class _Aliased(intenum.IntEnum):
            ONE = 1
            UNO = 1


def test_tier_is_the_small_int_enum_with_the_scale_in_order() -> None:
    assert intenum.IntEnum in Tier.__mro__  # at run time; mypy reads it as enum.IntEnum
    assert [t.name for t in Tier] == [
        "UNCLASSIFIED", "CONTROLLED", "RESTRICTED", "CONFIDENTIAL", "SECRET", "TOP_SECRET",
    ]  # fmt: skip
    assert [int(t) for t in Tier] == list(range(6))
    assert Tier.from_title(" top secret ") is Tier.TOP_SECRET
    assert Tier.TOP_SECRET.title == "TOP SECRET"
