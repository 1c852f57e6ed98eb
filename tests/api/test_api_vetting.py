"""The vetting, audit and versions routes: security officers only, every change kept."""

from __future__ import annotations

from api.conftest import Api


def test_a_security_officer_vets_over_http(api: Api) -> None:
    c, officer = api.client, api.as_("officer")
    body = {"name": "Kim", "nationalities": ["KOR"], "clearance": "II", "clearance_scheme": "kr",
            "authorizations": [["SI", "2030-01-01"]], "reason": "liaison"}  # fmt: skip
    made = c.post("/api/v1/persons", json=body, headers=officer)
    assert made.status_code == 201, made.text
    kim = made.json()["id"]
    assert made.json()["authorizations"] == [{"token": "SI", "expires": "2030-01-01"}]
    for path, payload in [
        ("grants", {"clearance": "II", "expires": "2031-01-01", "reason": "renewal"}),
        ("read-ins", {"token": "TK", "reason": "program"}),
        ("read-outs", {"token": "SI", "reason": "left"}),
        ("suspend", {"reason": "incident"}),
        ("reinstate", {"reason": "cleared"}),
        ("revoke", {"reason": "left the ministry"}),
    ]:
        answer = c.post(f"/api/v1/persons/{kim}/{path}", json=payload, headers=officer)
        assert answer.status_code == 200, (path, answer.text)
    shown = c.get(f"/api/v1/persons/{kim}", headers=officer).json()
    assert [h["event"] for h in shown["history"]] == [
        "granted", "renewed", "read-in", "read-out", "suspended", "reinstated", "revoked",
    ]  # fmt: skip
    assert shown["clearance"]["status"] == "revoked"
    everyone = c.get("/api/v1/persons", headers=officer).json()["persons"]
    assert kim in {p["id"] for p in everyone}


def test_only_security_officers_vet_or_read_the_log(api: Api) -> None:
    c, analyst = api.client, api.as_("us")
    body = {"name": "X", "nationalities": ["USA"], "clearance": "S"}
    assert c.post("/api/v1/persons", json=body, headers=analyst).status_code == 403
    assert c.get("/api/v1/persons", headers=analyst).status_code == 403
    assert c.get("/api/v1/audit", headers=analyst).status_code == 403
    assert c.get("/api/v1/audit/verify", headers=analyst).status_code == 403
    target = api.world.jp_analyst.id
    answer = c.post(f"/api/v1/persons/{target}/suspend", json={"reason": "x"}, headers=analyst)
    assert answer.status_code == 403
    missing = c.post("/api/v1/persons/p-nobody/suspend", json={"reason": "x"},
                     headers=api.as_("officer"))  # fmt: skip
    assert missing.status_code == 404


def test_the_audit_log_over_http(api: Api) -> None:
    c, officer = api.client, api.as_("officer")
    made = c.post("/api/v1/items", json={"marking": "SECRET//NOFORN", "title": "t"},
                  headers=api.as_("us")).json()  # fmt: skip
    found = c.get(f"/api/v1/audit?subject={made['id']}", headers=officer).json()["entries"]
    assert [e["action"] for e in found] == ["item.create"]
    assert found[0]["detail"]["marking"] == "SECRET//NOFORN"
    assert c.get("/api/v1/audit/verify", headers=officer).json()["valid"] is True


def test_each_version_is_decided_by_its_own_label(api: Api) -> None:
    c = api.client
    made = c.post("/api/v1/items", json={"marking": "SECRET//REL TO USA, JPN", "title": "v1"},
                  headers=api.as_("releaser")).json()  # fmt: skip
    world = api.world
    from tearline.service import Draft, ItemKind

    world.node.items.edit(world.releaser.id, made["id"],
                          Draft(ItemKind.REPORT, "v2", "", marking="SECRET//NOFORN"),
                          reason="upgrade")  # fmt: skip
    us = c.get(f"/api/v1/items/{made['id']}/versions", headers=api.as_("us")).json()
    assert [v["title"] for v in us["versions"]] == ["v1", "v2"]
    jp = c.get(f"/api/v1/items/{made['id']}/versions", headers=api.as_("jp"))
    assert jp.status_code == 404  # the item is NOFORN now: its older version is no way in
