"""``labels/value.py``: value classes behave as the frozen dataclasses they replace.

Each behaviour is checked against a real ``@dataclass(frozen=True, slots=True)`` twin where
there is one to compare with: construction (positional, keyword, defaults, factories,
``init=False``), the errors of a wrong call, equality and hash, ``repr``, immutability, copying
and pickling, ``match``, and the ``dataclasses`` functions (``fields``, ``replace``, ``asdict``).
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import ClassVar

import pytest

from tearline.labels import value
from tearline.labels.model import Label
from tearline.labels.parse import parse


@value.value
class Point:
    """A value with defaults, a factory, a hidden field and a derived one."""

    KIND: ClassVar[str] = "point"
    x: int
    y: int = 0
    tags: list[str] = value.field(default_factory=list)
    note: str = value.field(default="", compare=False, repr=False)
    size: int = value.field(init=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "size", self.x + self.y)


@dataclasses.dataclass(frozen=True, slots=True)
class Twin:
    """``Point`` as ``dataclasses`` makes it."""

    KIND: ClassVar[str] = "point"
    x: int
    y: int = 0
    tags: list[str] = dataclasses.field(default_factory=list)
    note: str = dataclasses.field(default="", compare=False, repr=False)
    size: int = dataclasses.field(init=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "size", self.x + self.y)


@value.value(slots=False)
class Loose:
    """A frozen value with a ``__dict__``."""

    name: str


@value.value(frozen=False)
class Mutable:
    """A mutable value: compared, so unhashable, as a mutable dataclass."""

    items: list[int] = value.field(default_factory=list)


@value.value(eq=False, repr=False)
class Identity:
    """Compared by identity, shown by ``object.__repr__``."""

    name: str


def _both(*args: object, **kwargs: object) -> tuple[Point, Twin]:
    return Point(*args, **kwargs), Twin(*args, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((1,), {}), ((1, 2), {}), ((1,), {"y": 5}), ((), {"x": 3, "note": "n"}), ((1, 2, ["a"]), {})],
)
def test_construction_matches_the_dataclass(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    mine, twin = _both(*args, **kwargs)
    assert (mine.x, mine.y, mine.tags, mine.note, mine.size) == (
        twin.x, twin.y, twin.tags, twin.note, twin.size,
    )  # fmt: skip
    assert repr(mine).replace("Point", "Twin") == repr(twin)
    assert Point.__match_args__ == Twin.__match_args__ == ("x", "y", "tags", "note")


def test_a_factory_gives_each_value_its_own_default() -> None:
    first, second = Point(1), Point(2)
    assert first.tags == []
    assert first.tags is not second.tags


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {}, "missing required argument: 'x'"),
        ((), {"colour": "red"}, "missing required argument: 'x'"),
        ((1, 2, [], "", 9), {}, "takes 5 positional arguments but 6 were given"),
        ((1,), {"x": 2}, "multiple values for 'x'"),
        ((1,), {"colour": "red"}, "unexpected keyword argument 'colour'"),
        ((1,), {"size": 3}, "unexpected keyword argument 'size'"),
    ],
)
def test_a_wrong_call_is_refused_as_the_dataclass_refuses_it(
    args: tuple[object, ...], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        Point(*args, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Twin(*args, **kwargs)  # type: ignore[arg-type]


def test_equality_and_hash_cover_the_compared_fields_only() -> None:
    assert Point(1, 2, note="a") == Point(1, 2, note="b")
    assert Point(1, 2) != Point(2, 1)
    other: object = Twin(1)
    assert Point(1) != other  # another class is never equal
    assert Point(1).__eq__(1) is NotImplemented
    hashable = Point(1, 2, ())  # type: ignore[arg-type]
    assert hash(hashable) == hash(Point(1, 2, (), note="other"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hash(Point(1))  # a list field is unhashable, as in the dataclass
    assert Identity("a") != Identity("a")
    assert repr(Identity("a")).startswith("<")


def test_values_are_immutable_as_frozen_dataclasses_are() -> None:
    point = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'x'"):
        point.x = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'x'"):
        del point.x
    with pytest.raises(AttributeError):
        object.__setattr__(point, "extra", 1)  # slotted: no room for anything else
    loose = Loose("a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        loose.name = "b"  # type: ignore[misc]
    assert "__dict__" in dir(loose)
    assert not hasattr(Point(1), "__dict__")


def test_a_mutable_value_can_change_but_not_be_hashed() -> None:
    box = Mutable()
    box.items = [1]
    assert box == Mutable([1])
    with pytest.raises(TypeError):
        hash(box)


def test_copies_and_pickles_are_equal_values() -> None:
    point = Point(1, 2, ["a"], note="kept")
    for made in (copy.copy(point), copy.deepcopy(point), pickle.loads(pickle.dumps(point))):
        assert made == point
        assert (made.note, made.size) == ("kept", 3)
    label = parse("SECRET//REL TO USA, GBR", "us")
    assert pickle.loads(pickle.dumps(label)) == label
    assert copy.deepcopy(label) == label


def test_match_reads_the_fields_in_order() -> None:
    match Point(4, 5):
        case Point(x, y):
            assert (x, y) == (4, 5)
        case _:  # pragma: no cover - the case above matches
            pytest.fail("not matched")


def test_replace_builds_through_init() -> None:
    point = Point(1, 2, note="n")
    moved = value.replace(point, y=7)
    assert (moved.x, moved.y, moved.note, moved.size) == (1, 7, "n", 8)
    with pytest.raises(TypeError, match="unexpected keyword argument 'size'"):
        value.replace(point, size=1)


def test_the_dataclasses_functions_see_the_dataclass_it_replaces() -> None:
    described: object = Point
    assert dataclasses.is_dataclass(described)
    assert dataclasses.is_dataclass(Point(1))
    mine = [(f.name, f.init, f.repr, f.compare) for f in dataclasses.fields(Point)]
    twin = [(f.name, f.init, f.repr, f.compare) for f in dataclasses.fields(Twin)]
    assert mine == twin
    assert dataclasses.replace(Point(1, 2), x=5) == Point(5, 2)
    assert dataclasses.asdict(Point(1, 2, ["a"])) == dataclasses.asdict(Twin(1, 2, ["a"]))
    assert [f.name for f in dataclasses.fields(Label)] == list(Label.__match_args__)


def test_a_field_cannot_have_two_defaults() -> None:
    with pytest.raises(ValueError, match="both default and default_factory"):
        value.field(default=1, default_factory=list)


def test_a_required_field_cannot_follow_a_default() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):

        @value.value
        class Wrong:
            a: int = 0
            b: int  # type: ignore[misc]
