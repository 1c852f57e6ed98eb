"""The one gate every label passes: a label is valid only if it is what its own marking says.

Labels enter Tearline as marking text, as STANAG 4774 XML, by translation from another scheme,
and (for the node) as JSON and STIX. Whatever the door, the label ends here:

1. the marking readers (CAPCO-style and TLP syntaxes) build labels from text under their
   scheme's rules — they are the reference;
2. any other label — a 4774 reading, a translation, fields given by a caller — is a *draft*:
   :func:`admitted` writes it as its scheme's canonical marking and reads that marking back
   strictly. The draft is admitted only when the two agree field by field; otherwise it is
   refused with a :class:`~tearline.errors.LabelError` naming the field.

One thing a marking cannot say is allowed beyond it: *category conditions*, conjuncts of the
access expression made only of ``tag:value`` tokens that the scheme does not write itself
(the PERMISSIVE ``Context`` category of a NATO 4774 label becomes ``context:EAPC|context:NATO``).
They can only add requirements — a conjunct never lets anyone in — so they are carried, but a
label holding them has no text marking (rendering it is refused rather than dropping them).

So a release list beside NOFORN, an SCI control outside the access expression, a caveat on a
level that does not take it, a tier that does not match its level — anything the parser would
refuse — is refused at every door, with the parser's own message. Outside the label core a
:class:`~tearline.labels.model.Label` cannot be constructed at all except through this gate.
"""

from __future__ import annotations

from tearline.errors import LabelError
from tearline.labels.access import EMPTY, AccessExpression, And, Node
from tearline.labels.model import Label, _building
from tearline.labels.schemes import Registry, Scheme, resolve
from tearline.labels.value import replace

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["admit", "admitted", "read", "write"]

if TYPE_CHECKING:
    from collections.abc import Callable

    _Reader = Callable[[str, Scheme, str | None, bool], tuple[Label, str, tuple[str, ...]]]
    _Writer = Callable[[Label, Scheme, str], str]
    _Fast = Callable[[str, Scheme, str | None], tuple[Label, str] | None]
    _Syntax = tuple[_Reader, _Writer, frozenset[str], _Fast | None]
#: The syntaxes imported so far, by name.
_SYNTAXES: dict[str, _Syntax] = {}

#: Fields a marking does not carry: compared elsewhere, or not part of the marking.
_NOT_IN_MARKING = frozenset({"original", "origins", "declassify_on", "compilation_reason"})
#: What a malformed draft can raise inside a writer; each becomes a refusal.
_DRAFT_FAULTS = (KeyError, ValueError, TypeError, AttributeError, IndexError)


def read(
    text: str, scheme: Scheme, form: str | None, strict: bool
) -> tuple[Label, str, tuple[str, ...]]:
    """Read marking ``text`` of ``scheme``: the label, the form read, the changes made.

    A strict read of a syntax with a reader of canonical markings tries that one first; it
    gives exactly what the full reader gives, or leaves the text to it.

    Raises:
        LabelError: the marking breaks a rule of its scheme (strict), or is ambiguous.
    """
    reader, _, _, fast = _syntax(scheme.syntax)
    if strict and fast is not None:
        found = fast(text, scheme, form)
        if found is not None:
            return found[0], found[1], ()
    with _building():
        return reader(text, scheme, form, strict)


def write(label: Label, scheme: Scheme, form: str) -> str:
    """The canonical marking of ``label`` (of ``scheme``) in ``form``.

    Raises:
        LabelError: the label holds something the scheme cannot write.
    """
    _, writer, _, _ = _syntax(scheme.syntax)
    try:
        return writer(label, scheme, form)
    except LabelError:
        raise
    except _DRAFT_FAULTS as fault:
        raise LabelError(
            "conflict",
            f"the label holds something {scheme.name} cannot write ({type(fault).__name__} "
            f"on {_shown(fault)})",
            0,
        ) from None


def _syntax(name: str) -> _Syntax:
    """A syntax's full reader, writer, the token prefixes (``org:``) it writes itself (other
    ``tag:value`` tokens are categories) and its reader of canonical markings, if it has one;
    each syntax is imported when first used."""
    found = _SYNTAXES.get(name)
    if found is None:
        found = _SYNTAXES[name] = _load_syntax(name)
    return found


def _capco_full(
    text: str, scheme: Scheme, form: str | None, strict: bool
) -> tuple[Label, str, tuple[str, ...]]:
    """The full CAPCO reader, imported when a marking first needs it (not a canonical one)."""
    from tearline.labels.syntax.capco.read import read_full

    return read_full(text, scheme, form, strict)


def _load_syntax(name: str) -> _Syntax:
    if name == "capco":
        from tearline.labels.syntax.capco.fast import fast_read
        from tearline.labels.syntax.capco.write import write_marking

        return _capco_full, write_marking, frozenset(), fast_read
    if name == "tlp":
        from tearline.labels.syntax.tlp import AUDIENCE_PREFIXES, read_tlp, write_tlp

        return read_tlp, write_tlp, AUDIENCE_PREFIXES, None
    raise KeyError(name)


def admit(*, registry: Registry | None = None, **values: Any) -> Label:
    """Build a label from its fields (those of :class:`Label`) through the gate.

    Raises:
        LabelError: a field is malformed, or the fields disagree with the marking they make.
        NotFound: the scheme is unknown.
    """
    try:
        with _building():
            draft = Label(**values)
    except (TypeError, ValueError) as problem:
        raise LabelError("syntax", f"not a label: {problem}", 0) from None
    return admitted(draft, registry=registry)


def admitted(draft: Label, *, registry: Registry | None = None) -> Label:
    """``draft`` if it is exactly the label its own canonical marking reads as, else refused.

    The admitted label keeps the draft's ``origins`` and ``declassify_on`` (a marking does not
    carry them) and, when it has none and its marking says everything, takes its canonical
    marking as ``original``.

    Raises:
        LabelError: the draft cannot be written in its scheme, or disagrees with its marking.
        NotFound: the scheme is unknown.
    """
    scheme = resolve(registry).scheme(draft.scheme)
    for origin in draft.origins:
        if not isinstance(origin, Label) or origin.origins:
            raise LabelError("conflict", "a label's origins are labels read from markings", 0)
    marked, conditions = _split(draft.access, scheme)
    with _building():
        probe = replace(draft, access=marked)
    text = write(probe, scheme, "banner")
    parsed = read(text, scheme, "banner", True)[0]
    for name in Label.__match_args__:
        if name in _NOT_IN_MARKING:
            continue
        mine, theirs = getattr(probe, name), getattr(parsed, name)
        if mine != theirs:
            raise LabelError(
                "conflict",
                f"the label's {name} ({_shown(mine)}) disagrees with its own marking "
                f"{text!r}, which gives {_shown(theirs)}; a label must be what its marking says",
                0,
            )
    with _building():
        return replace(draft, original="" if conditions else draft.original or text)


def _split(access: AccessExpression, scheme: Scheme) -> tuple[AccessExpression, bool]:
    """The part of ``access`` a marking states, and whether category conditions were set aside."""
    root = access.root
    if root is None:
        return access, False
    parts = root.children if isinstance(root, And) else (root,)
    _, _, own, _ = _syntax(scheme.syntax)
    marked = [p for p in parts if not _is_condition(p, scheme, own)]
    if len(marked) == len(parts):
        return access, False
    if not marked:
        return EMPTY, True
    return AccessExpression.of(marked[0] if len(marked) == 1 else And(tuple(marked))), True


def _is_condition(node: Node, scheme: Scheme, own: frozenset[str]) -> bool:
    names = AccessExpression.of(node).tokens()
    for name in names:
        prefix, colon, _ = name.partition(":")
        if not colon or prefix in own or _defines(scheme, name):
            return False
    return True


def _defines(scheme: Scheme, token: str) -> bool:
    try:
        scheme.control(token)
    except KeyError:
        return False
    return True


def _shown(value: object, limit: int = 80) -> str:
    if isinstance(value, frozenset):
        value = sorted(value, key=str)
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
