"""Frozen value classes defined without generating source code: the label core's internal types.

``@dataclass`` writes the source of ``__init__``, ``__eq__``, ``__hash__``, ``__repr__`` and
``__setattr__`` for each class and compiles it when the module is imported: about a third of
the instructions ``tearline label parse`` spent over the bare interpreter went to that. The
value types of the hot path (``Label``, ``Normalized``, scheme tables, the fast reader's tables,
access-expression nodes, readings) use :func:`value` instead, which gives the same behaviour
from functions shared by every class: the same positional and keyword arguments and defaults
(``field(default=...)``, ``field(default_factory=...)``, ``field(init=False)``),
``__post_init__``, equality and hash
over the compared fields (``field(compare=False)`` leaves one out, as in ``dataclasses``),
``repr`` over the shown ones, ``__match_args__``, ``__slots__`` (``slots=False`` keeps a
``__dict__``) and immutability: assigning or deleting an attribute raises
``dataclasses.FrozenInstanceError``; copying and pickling work. :func:`replace` is
``dataclasses.replace`` for these classes, without importing ``dataclasses``; and
``dataclasses.fields``, ``replace``, ``asdict`` and ``is_dataclass`` still work on them (a
class's dataclass description is built on first use), so ``Label``'s public contract holds.

mypy reads :func:`value` as a dataclass transform (PEP 681), so the classes are checked as
dataclasses are.
"""

from __future__ import annotations

from _operator import attrgetter  # operator's own (operator.py is one more module to import)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar, dataclass_transform

    T = TypeVar("T")

__all__ = ["field", "replace", "value"]

_MISSING = object()


class _Field:
    """What ``field()`` said about one field."""

    __slots__ = ("compare", "default", "factory", "init", "repr")

    def __init__(
        self,
        default: object,
        factory: Callable[[], object] | None,
        init: bool,
        repr: bool,
        compare: bool,
    ) -> None:
        self.default = default
        self.factory = factory
        self.init = init
        self.repr = repr
        self.compare = compare


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | None = None,
    init: bool = True,
    repr: bool = True,
    compare: bool = True,
) -> Any:
    """A field's default and options, as ``dataclasses.field`` takes them."""
    if default is not _MISSING and default_factory is not None:
        raise ValueError("cannot specify both default and default_factory")
    return _Field(default, default_factory, init, repr, compare)


if not TYPE_CHECKING:  # typing costs an import; mypy reads the real one, imported above

    def dataclass_transform(**_options):
        return lambda function: function


class _Spec:
    """A value class's fields: names, defaults and which are compared, shown and initialised."""

    __slots__ = (
        "annotations", "compared", "defaults", "fields", "init", "names", "post_init", "shown",
    )  # fmt: skip

    def __init__(self, cls: type, namespace: dict[str, Any]) -> None:
        annotations: dict[str, str] = namespace.get("__annotations__", {})
        self.names: tuple[str, ...] = tuple(
            name for name, kind in annotations.items() if not str(kind).startswith("ClassVar")
        )
        specs: dict[str, _Field] = {}
        for name in self.names:
            given = namespace.pop(name, _MISSING)
            specs[name] = (
                given if isinstance(given, _Field) else _Field(given, None, True, True, True)
            )
        self.fields = specs
        self.annotations = {name: annotations[name] for name in self.names}
        self.init = tuple((name, specs[name]) for name in self.names if specs[name].init)
        self.defaults = {name: spec for name, spec in specs.items() if not spec.init}
        self.compared = tuple(name for name in self.names if specs[name].compare)
        self.shown = tuple(name for name in self.names if specs[name].repr)
        self.post_init = "__post_init__" in namespace
        _check_order(cls.__name__, self.init)


def _check_order(name: str, init: tuple[tuple[str, _Field], ...]) -> None:
    seen_default = False
    for field_name, spec in init:
        has_default = spec.default is not _MISSING or spec.factory is not None
        if seen_default and not has_default:
            raise TypeError(f"non-default argument {field_name!r} follows default argument")
        seen_default = seen_default or has_default


def _initial(spec: _Field) -> object:
    return spec.factory() if spec.factory is not None else spec.default


def _make_init(spec: _Spec, qualname: str) -> Callable[..., None]:
    setter = object.__setattr__
    init = spec.init
    names = tuple(name for name, _ in init)
    known = frozenset(names)
    count = len(init)
    late = tuple(
        (name, given)
        for name, given in spec.defaults.items()
        if given.default is not _MISSING or given.factory is not None
    )
    post_init = spec.post_init

    def __init__(self: object, *args: object, **kwargs: object) -> None:  # noqa: N807
        if len(args) == count and not kwargs:  # every field given in order: the common call
            for name, item in zip(names, args):  # noqa: B905 - the lengths were compared
                setter(self, name, item)
        elif not args and kwargs.keys() <= known:  # by keyword, the others defaulted
            _bind_keywords(self, init, kwargs, qualname)
        else:
            _bind(self, init, args, kwargs, qualname)
        for name, field_spec in late:
            setter(self, name, _initial(field_spec))
        if post_init:
            self.__post_init__()  # type: ignore[attr-defined]

    return __init__


def _bind_keywords(
    self: object, init: tuple[tuple[str, _Field], ...], kwargs: dict[str, object], qualname: str
) -> None:
    """Set the fields from known keywords, and the defaults of the others."""
    for name, field_spec in init:
        item = kwargs.get(name, _MISSING)
        if item is _MISSING:
            if field_spec.default is not _MISSING:
                item = field_spec.default
            elif field_spec.factory is not None:
                item = field_spec.factory()
            else:
                raise TypeError(f"{qualname}.__init__() missing required argument: {name!r}")
        object.__setattr__(self, name, item)


def _bind(
    self: object,
    init: tuple[tuple[str, _Field], ...],
    args: tuple[object, ...],
    kwargs: dict[str, object],
    qualname: str,
) -> None:
    """Set the fields from arguments given by keyword, or fewer than all by position."""
    if len(args) > len(init):
        raise TypeError(
            f"{qualname}.__init__() takes {len(init) + 1} positional arguments but "
            f"{len(args) + 1} were given"
        )
    for index, (name, field_spec) in enumerate(init):
        if index < len(args):
            if name in kwargs:
                raise TypeError(f"{qualname}.__init__() got multiple values for {name!r}")
            object.__setattr__(self, name, args[index])
        elif name in kwargs:
            object.__setattr__(self, name, kwargs[name])
        elif field_spec.default is not _MISSING or field_spec.factory is not None:
            object.__setattr__(self, name, _initial(field_spec))
        else:
            raise TypeError(f"{qualname}.__init__() missing required argument: {name!r}")
    unknown = sorted(set(kwargs).difference(name for name, _ in init))
    if unknown:
        raise TypeError(f"{qualname}.__init__() got an unexpected keyword argument {unknown[0]!r}")


def _make_repr(spec: _Spec) -> Callable[[object], str]:
    shown = spec.shown

    def __repr__(self: object) -> str:  # noqa: N807
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{type(self).__qualname__}({inner})"

    return __repr__


def _make_eq(spec: _Spec) -> tuple[Callable[[object, object], object], Callable[[object], int]]:
    key = attrgetter(*spec.compared) if spec.compared else (lambda _: ())

    def __eq__(self: object, other: object) -> object:  # noqa: N807
        if other.__class__ is self.__class__:
            return bool(key(self) == key(other))
        return NotImplemented

    def __hash__(self: object) -> int:  # noqa: N807
        return hash(key(self))

    return __eq__, __hash__


def _frozen_setattr(self: object, name: str, _value: object) -> None:
    from dataclasses import FrozenInstanceError  # only on this error path

    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: object, name: str) -> None:
    from dataclasses import FrozenInstanceError  # only on this error path

    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: object) -> tuple[object, ...]:
    names: tuple[str, ...] = type(self).__value_fields__  # type: ignore[attr-defined]
    return tuple(getattr(self, name, _MISSING) for name in names)


def _setstate(self: object, state: tuple[object, ...]) -> None:
    names: tuple[str, ...] = type(self).__value_fields__  # type: ignore[attr-defined]
    for name, item in zip(names, state, strict=True):
        if item is not _MISSING:
            object.__setattr__(self, name, item)


class _DataclassFields:
    """A value class's ``__dataclass_fields__``, described on first use.

    With it ``dataclasses.fields``, ``replace``, ``asdict`` and ``is_dataclass`` treat a value
    class as the dataclass it replaces; ``dataclasses`` is imported only when they are used.
    The description is that of the same class made by ``@dataclass`` (public API only).
    """

    __slots__ = ("described", "spec")

    def __init__(self, spec: _Spec) -> None:
        self.spec = spec
        self.described: dict[str, Any] | None = None

    def __get__(self, instance: object, owner: type) -> dict[str, Any]:
        if self.described is None:
            self.described = _describe(owner, self.spec)
        return self.described


def _describe(owner: type, spec: _Spec) -> dict[str, Any]:
    import dataclasses  # only when a dataclasses function asks

    namespace: dict[str, Any] = {
        "__annotations__": dict(spec.annotations),
        "__module__": owner.__module__,
        "__qualname__": owner.__qualname__,
    }
    for name, given in spec.fields.items():
        options: dict[str, Any] = {"init": given.init, "repr": given.repr}
        options["compare"] = given.compare
        if given.factory is not None:
            options["default_factory"] = given.factory
        elif given.default is not _MISSING:
            options["default"] = given.default
        namespace[name] = dataclasses.field(**options)
    shadow: type = dataclasses.dataclass(frozen=True)(type(owner.__name__, (), namespace))
    described: dict[str, Any] = shadow.__dataclass_fields__  # type: ignore[attr-defined]
    return described


def _build(cls: type, eq: bool, repr: bool, slots: bool, frozen: bool) -> type:
    namespace = dict(cls.__dict__)
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    spec = _Spec(cls, namespace)
    qualname = cls.__qualname__
    namespace["__value_fields__"] = spec.names
    namespace["__dataclass_fields__"] = _DataclassFields(spec)
    namespace["__match_args__"] = tuple(name for name, _ in spec.init)
    namespace.setdefault("__init__", _make_init(spec, qualname))
    if repr:
        namespace.setdefault("__repr__", _make_repr(spec))
    if eq:
        namespace["__eq__"], namespace["__hash__"] = _make_eq(spec)
        if not frozen:
            namespace["__hash__"] = None  # mutable and compared: unhashable, as a dataclass
    if frozen:
        namespace["__setattr__"] = _frozen_setattr
        namespace["__delattr__"] = _frozen_delattr
    if slots:
        namespace["__slots__"] = spec.names
        namespace["__getstate__"] = _getstate
        namespace["__setstate__"] = _setstate
    made = type(cls)(cls.__name__, cls.__bases__, namespace)
    made.__qualname__ = qualname
    return made


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def value(
    cls: type | None = None,
    /,
    *,
    eq: bool = True,
    repr: bool = True,
    slots: bool = True,
    frozen: bool = True,
) -> Any:
    """Make ``cls`` a frozen value class (see the module's docstring).

    Used as ``@value`` or ``@value(eq=..., repr=..., slots=..., frozen=...)``.
    """

    def wrap(target: type) -> type:
        return _build(target, eq, repr, slots, frozen)

    return wrap if cls is None else wrap(cls)


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of value ``obj`` with ``changes``, made through its ``__init__``.

    ``dataclasses.replace`` for value classes: ``init=False`` fields cannot be changed.
    """
    cls = type(obj)
    names: tuple[str, ...] = cls.__match_args__  # type: ignore[attr-defined]
    for name in names:
        if name not in changes:
            changes[name] = getattr(obj, name)
    return cls(**changes)
