"""Observations as STIX 2.1 ``observed-data``: every version (current, relabelled, revoked)
passes stix2-validator and comes back with its fields and label; ids are the same for every
version and deterministic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from federation.items import NODE, REGISTRY
from federation.test_stix import MARKINGS, assert_valid
from tearline.errors import InvalidInput
from tearline.federation.observed import observation_object, received, stix_id_of
from tearline.federation.stix import bundle, labels_of
from tearline.labels.parse import parse
from tearline.picture import Observation, observation

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _report(marking: str, scheme: str, **more: object) -> Observation:
    label = parse(marking, scheme, registry=REGISTRY)
    return observation(id="o-0123456789abcdef0123", time=AT, lat=34.5, lon=129.25,
                       kind="vessel", source_nation="USA", sensor="P-8A radar", label=label,
                       now=AT, **more)  # type: ignore[arg-type]  # fmt: skip


@pytest.mark.parametrize(("marking", "scheme"), MARKINGS)
@pytest.mark.parametrize("revoked", [False, True])
def test_an_observation_passes_the_validator_and_comes_back(
    marking: str, scheme: str, revoked: bool
) -> None:
    obs = _report(marking, scheme, course=45.0, speed=7.5, identity="MMSI 431000001",
                  accuracy=100.0)  # fmt: skip
    later = AT + timedelta(minutes=1)
    obj, markings = observation_object(obs, NODE, REGISTRY, created=AT, version=2,
                                       modified=later, revoked=revoked)  # fmt: skip
    assert_valid(bundle([*markings, obj], NODE))
    back = received(obj, labels_of(markings, REGISTRY))
    assert back.label == obs.label
    assert back.revoked is revoked
    assert back.time == AT
    assert back.modified == AT + timedelta(minutes=1)
    assert back.fields == {"lat": 34.5, "lon": 129.25, "kind": "vessel", "source_nation": "USA",
                           "sensor": "P-8A radar", "course": 45.0, "speed": 7.5,
                           "identity": "MMSI 431000001", "accuracy": 100.0}  # fmt: skip
    assert (back.originator_nation, back.node) == (NODE.nation, NODE.id)
    assert obj["id"] == stix_id_of(NODE, obs.id)


def test_every_version_has_one_id_and_exports_the_same_bytes() -> None:
    obs = _report("SECRET//REL TO USA, JPN", "us")
    first, _ = observation_object(obs, NODE, REGISTRY, created=AT, modified=AT, version=1)
    again, _ = observation_object(obs, NODE, REGISTRY, created=AT, modified=AT, version=1)
    raised = _report("SECRET//NOFORN", "us")
    later, _ = observation_object(raised, NODE, REGISTRY, created=AT, version=2,
                                  modified=AT + timedelta(seconds=1))  # fmt: skip
    assert first == again
    assert later["id"] == first["id"]
    assert later["object_marking_refs"] != first["object_marking_refs"]


def test_a_broken_observation_is_refused() -> None:
    obs = _report("SECRET//REL TO USA, JPN", "us")
    obj, markings = observation_object(obs, NODE, REGISTRY, created=AT, modified=AT, version=1)
    labels = labels_of(markings, REGISTRY)
    for broken in ({**obj, "type": "note"}, {**obj, "revoked": "yes"},
                   {**obj, "object_marking_refs": []}):  # fmt: skip
        with pytest.raises(InvalidInput):
            received(broken, labels)
