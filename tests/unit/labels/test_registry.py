"""One registry, loaded once and passed in: small registries for tests, a node's own agreements."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tearline.errors import NotFound, SchemeError
from tearline.labels.parse import parse, render
from tearline.labels.schemes import Registry, default_registry, load, load_registry
from tearline.labels.translate import translate
from tearline.policy.compiled import Compiler, can_read
from tearline.policy.decide import decide
from tearline.policy.model import Clearance, Outcome, Person

AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
BRITISH = Person(frozenset({"GBR"}), Clearance("SECRET", "gb"))
JAPANESE_ITEM = "極秘//REL TO JPN, GBR"

#: Japan–UK with its table confirmed: what a node holding the treaty text would load.
CONFIRMED_JP_GB = {
    "agreement": {
        "id": "jp-gb-confirmed",
        "title": "Japan–United Kingdom Information Security Agreement (table read)",
        "schemes": ["jp", "gb"],
        "basis": "treaty-text",
        "source": "test: the agreement's annex as a node would load it",
    },
    "levels": [
        {"jp": "KIMITSU", "gb": "TOP SECRET"},
        {"jp": "GOKUHI", "gb": "SECRET"},
    ],
}


def test_a_small_registry_holds_only_what_it_was_given() -> None:
    small = load_registry(schemes=["us", "jp"])
    assert set(small.schemes) == {"us", "jp"}
    assert [a.id for a in small.agreements] == ["us-jp"]
    assert parse("極秘//REL TO JPN, USA", "jp", registry=small).tier.title == "SECRET"
    with pytest.raises(NotFound, match="known schemes: jp, us"):
        parse("OFFICIAL", "gb", registry=small)
    assert render(parse("SECRET//REL TO USA, JPN", "us", registry=small), "jp", registry=small)


def test_a_node_loads_its_own_agreement_and_decisions_follow_it() -> None:
    item = parse(JAPANESE_ITEM, "jp")
    assert decide(BRITISH, item, "read", AT).outcome is Outcome.DENY  # inferred: grants nothing
    node = load_registry(agreements=[("jp-gb-confirmed.toml", CONFIRMED_JP_GB)])
    own = parse(JAPANESE_ITEM, "jp", registry=node)
    assert decide(BRITISH, own, "read", AT, registry=node).outcome is Outcome.PERMIT
    compiler = Compiler(node)
    assert can_read(compiler.person(BRITISH, AT), compiler.label(own))
    assert not translate(own, "gb", registry=node).inferred
    # the packaged registry is untouched
    assert decide(BRITISH, item, "read", AT).outcome is Outcome.DENY


def test_caches_belong_to_their_registry() -> None:
    first, second = load_registry(schemes=["us"]), load_registry(schemes=["us"])
    parse("SECRET//NOFORN", "us", registry=first)
    assert ("SECRET//NOFORN", "us", None) in first.cache("parse")
    assert second.cache("parse") == {}
    assert first.cache("parse") is not default_registry().cache("parse")


def test_an_inconsistent_agreement_is_a_data_fault() -> None:
    broken = {**CONFIRMED_JP_GB, "levels": [{"jp": "NOPE", "gb": "SECRET"}]}
    with pytest.raises(SchemeError, match="'NOPE' is not a level of jp"):
        load_registry(agreements=[("broken.toml", broken)])
    with pytest.raises(NotFound):
        load_registry(schemes=["us", "xx"])


def test_the_packaged_registry_reads_a_scheme_file_when_first_asked() -> None:
    packaged = load._PackagedSchemes(default_registry().nations)
    assert packaged._loaded == {}
    assert packaged["us"].id == "us"
    assert set(packaged._loaded) == {"us"}
    assert sorted(packaged) == sorted(load_registry().schemes)  # listing reads no scheme
    assert set(packaged._loaded) == {"us"}
    assert len(packaged) == len(load_registry().schemes)


@pytest.mark.parametrize("scheme_id", ["nations", "../us", "US", "", "us.toml", "u s", "xx"])
def test_only_a_scheme_file_named_by_its_id_is_read(scheme_id: str) -> None:
    packaged = load._PackagedSchemes(default_registry().nations)
    assert scheme_id not in packaged
    with pytest.raises(NotFound, match="known schemes: au, ca"):
        Registry(packaged.nations, packaged).scheme(scheme_id)


def test_the_lazy_packaged_registry_holds_what_load_registry_reads() -> None:
    lazy, eager = default_registry(), load_registry()
    assert dict(lazy.schemes) == dict(eager.schemes)
    assert lazy.agreements == eager.agreements
    assert lazy.agreements is lazy.agreements  # built once


def test_a_scheme_file_must_be_named_by_its_id(monkeypatch: pytest.MonkeyPatch) -> None:
    real = load._read
    monkeypatch.setattr(load, "_read", lambda name: real("us.toml" if name == "zz.toml" else name))
    packaged = load._PackagedSchemes(default_registry().nations)
    with pytest.raises(SchemeError, match=r"zz\.toml: the scheme's id must be its file's name"):
        packaged["zz"]
