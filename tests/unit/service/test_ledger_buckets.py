"""The ledger's pure parts: the span a day falls in, the tier a label counts under, and the
folding of the database's groups into spans and tiers."""

from __future__ import annotations

from datetime import date

from tearline.labels.parse import parse
from tearline.labels.schemes import default_registry
from tearline.service.ledger import Bucket, _fold, bucket_of, tier_of

_DAY = (date(2026, 11, 30) - date(1970, 1, 1)).days  # a Monday


def test_spans() -> None:
    assert bucket_of(_DAY, Bucket.DAY) == "2026-11-30"
    assert bucket_of(_DAY, Bucket.WEEK) == "2026-W49"
    assert bucket_of(_DAY - 1, Bucket.WEEK) == "2026-W48"  # Sunday: the week before
    assert bucket_of(_DAY, Bucket.MONTH) == "2026-11"
    assert bucket_of(0, Bucket.DAY) == "1970-01-01"


def test_tiers() -> None:
    registry = default_registry()
    assert tier_of(parse("SECRET//NOFORN", "us", registry=registry)) == "SECRET"
    assert tier_of(parse("TOP SECRET", "us", registry=registry)) == "TOP SECRET"
    assert tier_of(parse("TLP:AMBER+STRICT", "tlp", registry=registry)) == "TLP:AMBER+STRICT"


def test_folding_into_weeks_sums_days_and_orders_tiers() -> None:
    counted: list[tuple[str, str, int | None, str, int, int]] = [
        ("given", "jp", 1, "report", _DAY, 2),
        ("given", "jp", 1, "report", _DAY + 1, 3),
        ("received", "jp", 2, "report", _DAY + 2, 4),
        ("received", "jp", None, "unknown", _DAY, 1),
        ("given", "au", 2, "document", _DAY, 1),
    ]
    tiers = {1: "SECRET", 2: "CONFIDENTIAL"}
    report = _fold(counted, tiers, Bucket.WEEK, None)
    rows = [(r.peer, r.bucket, r.tier, r.kind, r.given, r.received, r.balance)
            for r in report.rows]  # fmt: skip
    assert rows == [
        ("au", "2026-W49", "CONFIDENTIAL", "document", 1, 0, 1),
        ("jp", "2026-W49", "CONFIDENTIAL", "report", 0, 4, -4),
        ("jp", "2026-W49", "SECRET", "report", 5, 0, 5),
        ("jp", "2026-W49", "unknown", "unknown", 0, 1, -1),
    ]
    assert [(p.peer, p.given, p.received, p.balance) for p in report.peers] == [
        ("au", 1, 0, 1), ("jp", 5, 5, 0),
    ]  # fmt: skip
    assert report.as_dict()["peers"][1] == {"peer": "jp", "given": 5, "received": 5,
                                            "balance": 0}  # fmt: skip
