"""The common operational picture's routes, as a client and as an attacker sees them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from api.conftest import Api
from tearline.api.errors import NOT_FOUND


def _obs(api: Api, minutes: float = 5, **extra: Any) -> dict[str, Any]:
    body = {
        "time": (api.world.clock() - timedelta(minutes=minutes)).isoformat(),
        "lat": 34.5, "lon": 129.5, "kind": "vessel", "source_nation": "USA",
        "sensor": "P-8A radar", "marking": "SECRET//REL TO USA, JPN",
    }  # fmt: skip
    return body | extra


def _post(api: Api, who: str = "us", **extra: Any) -> str:
    answer = api.client.post("/api/v1/observations", json=_obs(api, **extra), headers=api.as_(who))
    assert answer.status_code == 201, answer.text
    assert set(answer.json()) == {"id"}
    return str(answer.json()["id"])


def _tracks(api: Api, who: str, **params: str) -> list[dict[str, Any]]:
    answer = api.client.get("/api/v1/cop/tracks", params=params, headers=api.as_(who))
    assert answer.status_code == 200, answer.text
    tracks: list[dict[str, Any]] = answer.json()["tracks"]
    return tracks


def test_an_observation_becomes_a_track_each_cleared_viewer_sees_in_their_scheme(api: Api) -> None:
    first = _post(api, minutes=6)
    second = _post(api, minutes=5, lat=34.5005, marking="SECRET//NOFORN")
    us = _tracks(api, "us")
    assert len(us) == 1
    track = us[0]
    assert set(track) == {"id", "kind", "lat", "lon", "time", "nations", "observations",
                          "marking"}  # fmt: skip
    assert track["id"] == f"trk-{first}"
    assert track["observations"] == [first, second]
    assert track["nations"] == ["USA"]
    assert track["marking"] == "SECRET//NOFORN"
    jp = _tracks(api, "jp")
    assert [t["observations"] for t in jp] == [[first]]
    assert jp[0]["marking"].startswith("//USA 極秘")
    assert second not in str(jp)


def test_bad_input_names_the_field(api: Api) -> None:
    post = api.client.post
    for extra, field in (
        ({"lat": 91}, "lat"), ({"lon": -181}, "lon"), ({"kind": "submarine"}, "kind"),
        ({"source_nation": "QQQ"}, "source_nation"), ({"marking": "SECRET//BOGUS"}, "marking"),
        ({"speed": -1}, "speed"), ({"course": 400}, "course"), ({"scheme": "nope"}, "scheme"),
        ({"time": "2030-01-01T00:00:00Z"}, "time"), ({"time": "2026-11-30T08:00:00"}, "time"),
        ({"sensor": "\x1b[31m"}, "sensor"),
    ):  # fmt: skip
        answer = post("/api/v1/observations", json=_obs(api) | extra, headers=api.as_("us"))
        assert answer.status_code == 422, (extra, answer.text)
        assert answer.json()["error"]["field"] == field
        assert field in answer.json()["error"]["message"]
    missing = {k: v for k, v in _obs(api).items() if k != "lat"}
    answer = post("/api/v1/observations", json=missing, headers=api.as_("us"))
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "body.lat"


def test_writing_above_ones_clearance_is_refused_and_audited(api: Api) -> None:
    answer = api.client.post("/api/v1/observations", json=_obs(api, marking="TOP SECRET//NOFORN"),
                             headers=api.as_("us"))  # fmt: skip
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "denied"
    with api.world.node.store.transaction(write=False):
        entries = api.world.node.store.audit_search(action="observation.create")
    assert entries[0].outcome == "deny"
    assert _tracks(api, "releaser") == []


def test_a_batch_is_checked_whole_and_audited_naming_every_id(api: Api) -> None:
    good = [_obs(api, minutes=m) for m in (9, 8, 7)]
    bad = [*good, _obs(api, lat=100)]
    answer = api.client.post("/api/v1/observations/batch", json={"observations": bad},
                             headers=api.as_("us"))  # fmt: skip
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "observations[3].lat"
    assert _tracks(api, "us") == []
    above = [*good, _obs(api, marking="TOP SECRET")]
    answer = api.client.post("/api/v1/observations/batch", json={"observations": above},
                             headers=api.as_("us"))  # fmt: skip
    assert answer.status_code == 403
    answer = api.client.post("/api/v1/observations/batch", json={"observations": good},
                             headers=api.as_("us"))  # fmt: skip
    assert answer.status_code == 201
    ids = answer.json()["ids"]
    assert len(ids) == 3
    with api.world.node.store.transaction(write=False):
        entry = api.world.node.store.audit_search(action="observation.batch")[0]
    assert all(i in entry.detail for i in ids)
    assert [t["observations"] for t in _tracks(api, "us")] == [ids]
    empty = api.client.post("/api/v1/observations/batch", json={"observations": []},
                            headers=api.as_("us"))  # fmt: skip
    assert empty.status_code == 422


def test_retraction_and_a_raised_label_remove_it_now_and_in_history(api: Api) -> None:
    kept = _post(api, minutes=20)
    raised = _post(api, minutes=19, lat=34.501)
    gone = _post(api, minutes=18, lat=34.502)
    before = (api.world.clock() - timedelta(minutes=17)).isoformat()
    assert _tracks(api, "jp", at=before)[0]["observations"] == [kept, raised, gone]
    answer = api.client.post(f"/api/v1/observations/{raised}/relabel",
                             json={"marking": "SECRET//NOFORN", "reason": "US only after all"},
                             headers=api.as_("us"))  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"id": raised, "version": 2, "marking": "SECRET//NOFORN",
                             "retracted": False}  # fmt: skip
    answer = api.client.post(f"/api/v1/observations/{gone}/retract",
                             json={"reason": "duplicate"}, headers=api.as_("us"))  # fmt: skip
    assert answer.status_code == 200
    assert answer.json()["retracted"] is True
    for at in ({}, {"at": before}):
        jp = _tracks(api, "jp", **at)
        assert [t["observations"] for t in jp] == [[kept]]
        assert raised not in str(jp)
        assert gone not in str(jp)
        assert [t["observations"] for t in _tracks(api, "us", **at)] == [[kept, raised]]
    history = api.client.get(f"/api/v1/cop/tracks/trk-{kept}", headers=api.as_("jp"))
    assert [p["observation"] for p in history.json()["history"]] == [kept]
    again = api.client.post(f"/api/v1/observations/{gone}/retract", json={"reason": "again"},
                            headers=api.as_("us"))  # fmt: skip
    assert again.status_code == 404
    assert again.content == NOT_FOUND


def test_lowering_takes_a_releasing_officer_and_others_may_not_retract(api: Api) -> None:
    mine = _post(api, "releaser", marking="TOP SECRET//NOFORN")
    lower = {"marking": "SECRET//REL TO USA, JPN", "reason": "sanitised"}
    post = api.client.post
    answer = post(f"/api/v1/observations/{mine}/relabel", json=lower, headers=api.as_("officer"))
    assert answer.status_code == 403
    assert "releasing officer" in answer.json()["error"]["message"]
    answer = post(f"/api/v1/observations/{mine}/relabel", json=lower, headers=api.as_("releaser"))
    assert answer.status_code == 200
    shared = _post(api, "releaser", minutes=3)
    answer = post(f"/api/v1/observations/{shared}/retract", json={"reason": "x"},
                  headers=api.as_("us"))  # fmt: skip
    assert answer.status_code == 403
    answer = post(f"/api/v1/observations/{shared}/retract", json={"reason": "x"},
                  headers=api.as_("officer"))  # fmt: skip
    assert answer.status_code == 200
    tlp = _post(api, "releaser", minutes=2, marking="SECRET//REL TO USA, JPN")
    across = {"marking": "TLP:CLEAR", "scheme": "tlp", "reason": "open source"}
    answer = post(f"/api/v1/observations/{tlp}/relabel", json=across, headers=api.as_("officer"))
    assert answer.status_code == 403  # not comparable: counts as lowering


def test_what_a_viewer_may_not_read_is_the_one_404(api: Api) -> None:
    hidden = _post(api, "releaser", marking="TOP SECRET//NOFORN")
    post = api.client.post
    for path, body in (
        (f"/api/v1/observations/{hidden}/retract", {"reason": "x"}),
        (f"/api/v1/observations/{hidden}/relabel", {"marking": "TOP SECRET", "reason": "x"}),
        ("/api/v1/observations/o-00000000000000000000/retract", {"reason": "x"}),
        ("/api/v1/observations/not-an-id/retract", {"reason": "x"}),
    ):
        answer = post(path, json=body, headers=api.as_("us"))
        assert answer.status_code == 404
        assert answer.content == NOT_FOUND
    for track in (f"trk-{hidden}", "trk-o-00000000000000000000", "x" * 300):
        answer = api.client.get(f"/api/v1/cop/tracks/{track}", headers=api.as_("us"))
        assert answer.status_code == 404
        assert answer.content == NOT_FOUND
    assert _tracks(api, "us") == []
    assert _tracks(api, "releaser")[0]["id"] == f"trk-{hidden}"


def test_bbox_at_and_the_time_out(api: Api) -> None:
    inside = _post(api, minutes=10, lat=34.5, lon=129.5)
    _post(api, minutes=10, lat=40.0, lon=140.0)
    boxed = _tracks(api, "us", bbox="129,34,130,35")
    assert [t["observations"] for t in boxed] == [[inside]]
    assert len(_tracks(api, "us", bbox="170,-10,-170,10")) == 0
    assert len(_tracks(api, "us")) == 2
    api.world.clock.advance(minutes=25)  # 35 minutes without a report: no longer current
    assert _tracks(api, "us") == []
    earlier = (api.world.clock() - timedelta(minutes=30)).isoformat()
    assert len(_tracks(api, "us", at=earlier)) == 2
    long_ago = (api.world.clock() - timedelta(days=1)).isoformat()
    assert _tracks(api, "us", at=long_ago) == []
    for bad in ("1,2,3", "a,b,c,d", "0,10,1,5", "200,0,201,1"):
        answer = api.client.get("/api/v1/cop/tracks", params={"bbox": bad}, headers=api.as_("us"))
        assert answer.status_code == 422
        assert answer.json()["error"]["field"] == "bbox"
    naive = api.client.get("/api/v1/cop/tracks", params={"at": "2026-11-30T08:00:00"},
                           headers=api.as_("us"))  # fmt: skip
    assert naive.status_code == 422
    assert naive.json()["error"]["field"] == "at"


def test_no_token_no_picture_and_reads_are_audited(api: Api) -> None:
    first = _post(api)
    assert api.client.get("/api/v1/cop/tracks").status_code == 401
    assert api.client.post("/api/v1/observations", json=_obs(api)).status_code == 401
    _tracks(api, "jp")
    with api.world.node.store.transaction(write=False):
        entry = api.world.node.store.audit_search(action="cop.tracks")[0]
    assert entry.actor == api.world.jp_analyst.id
    assert first in entry.detail
    api.client.get(f"/api/v1/cop/tracks/trk-{first}", headers=api.as_("jp"))
    with api.world.node.store.transaction(write=False):
        entry = api.world.node.store.audit_search(action="cop.track")[0]
    assert entry.subject == f"trk-{first}"
    assert first in entry.detail


def test_a_suspended_viewer_sees_nothing_at_once(api: Api) -> None:
    _post(api)
    assert len(_tracks(api, "jp")) == 1
    world = api.world
    world.node.people.set_status(world.officer.id, world.jp_analyst.id, "suspended",
                                 reason="review")  # fmt: skip
    answer = api.client.get("/api/v1/cop/tracks", headers=api.as_("jp"))
    assert answer.status_code in (200, 401)
    assert answer.status_code == 401 or answer.json() == {"tracks": []}
