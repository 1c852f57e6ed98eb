"""The label codec: exact round trips, canonical bytes, stable intern keys, strict decoding.

Decoding refuses every form that is not a valid label in canonical form. A form changed into
*another valid label* (REL TO JPN removed entirely) decodes as that label: telling that apart
is the job of the signature that binds a label to its content, not of the codec.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support.strategies import any_labels, anyone
from tearline.errors import LabelError, TearlineError
from tearline.labels.codec import canonical_json, from_dict, intern_key, to_dict
from tearline.labels.model import Label
from tearline.labels.parse import normalize, parse
from tearline.labels.schemes import default_registry
from tearline.labels.translate import translate
from tearline.policy.decide import decide
from tearline.policy.model import Action, Person

AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _translated(label: Label, target: str) -> Label:
    try:
        return translate(label, target).label
    except TearlineError:
        return label


labels = st.one_of(
    any_labels(),
    st.builds(_translated, any_labels(), st.sampled_from(sorted(default_registry().schemes))),
)


@settings(max_examples=400, deadline=None)
@given(labels, anyone(), st.sampled_from(list(Action)))
def test_round_trip_is_exact_and_decides_alike(
    label: Label, person: Person, action: Action
) -> None:
    data = json.loads(json.dumps(to_dict(label)))  # through real JSON
    again = from_dict(data)
    assert again == label
    assert canonical_json(again) == canonical_json(label)
    assert intern_key(again) == intern_key(label)
    assert decide(person, again, action, AT).outcome is decide(person, label, action, AT).outcome


def test_canonical_bytes_and_key_are_pinned() -> None:
    """Changing these breaks every stored and signed label: bump the codec version instead."""
    label = parse("SECRET//REL TO USA, JPN", "us")
    assert canonical_json(label) == (
        b'{"access":"","compilation_reason":null,"controls":["REL"],"declassify_on":null,'
        b'"display_groups":[],'
        b'"displayable_to":[],"fgi":null,"level":"S","level_inferred":false,"origins":[],'
        b'"owner":["USA"],"rel_groups":[],"releasable_to":["JPN","USA"],"scheme":"us",'
        b'"tier":"SECRET","v":1}'
    )
    assert intern_key(label) == intern_key(normalize("s//rel to jpn, usa", "us").label)
    assert len(intern_key(label)) == 64


def test_japanese_text_is_nfc_utf8() -> None:
    raw = canonical_json(parse("極秘//REL TO JPN, USA", "jp"))
    assert "極秘".encode() not in raw  # the level is the token, but the bytes are UTF-8
    assert raw.decode("utf-8")


def _form(marking: str = "SECRET//NOFORN", scheme: str = "us") -> dict[str, Any]:
    return to_dict(parse(marking, scheme))


TAMPERED: dict[str, tuple[dict[str, Any], str]] = {
    "nation added to an owner-only label": (
        {**_form(), "releasable_to": ["JPN", "USA"]}, "releasable_to",
    ),
    "REL TO removed, its nations kept": (
        {**_form("SECRET//REL TO USA, JPN"), "controls": []}, "releasable_to",
    ),
    "tier lowered": ({**_form(), "tier": "CONFIDENTIAL"}, "tier"),
    "access token that is no control": (
        {**_form("TOP SECRET//SI/TK//NOFORN"), "access": "SI&XYZ"}, "no marking for the control",
    ),
    "unknown key": ({**_form(), "admin": True}, "unknown key 'admin'"),
    "missing key": ({k: v for k, v in _form().items() if k != "controls"}, "missing 'controls'"),
    "future version": ({**_form(), "v": 2}, "version 1"),
    "boolean as version": ({**_form(), "v": True}, "version 1"),
    "unsorted set": ({**_form("SECRET//REL TO USA, GBR, JPN"), "releasable_to":
                      ["USA", "JPN", "GBR"]}, "sorted order"),
    "value twice": ({**_form("SECRET//REL TO USA, JPN"), "releasable_to": ["JPN", "JPN", "USA"]},
                    "listed twice"),
    "not NFC": ({**_form("極秘//JPN ONLY", "jp"), "level": "e\u0301"}, "NFC"),
    "wrong type": ({**_form(), "owner": "USA"}, "list of strings"),
    "expression not normal": ({**_form("TOP SECRET//SI/TK//NOFORN"), "access": "TK&SI"},
                              "normal form"),
    "a date that is not one": ({**_form(), "declassify_on": "2050-13-01"}, "not a date"),
    "origin with origins": (
        {**_form(), "origins": [{**_form(), "origins": [_form()]}]}, "no origins",
    ),
    "unknown scheme": ({**_form(), "scheme": "xx"}, "unknown scheme"),
}  # fmt: skip


@pytest.mark.parametrize(("data", "message"), TAMPERED.values(), ids=list(TAMPERED))
def test_tampered_or_inconsistent_forms_are_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(TearlineError, match=message):
        from_dict(data)


def test_a_label_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(LabelError, match="an object"):
        from_dict(["SECRET"])
