"""Items to export, built from markings (no node needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tearline.labels.parse import parse
from tearline.labels.schemes import Registry, default_registry
from tearline.service.context import NodeInfo
from tearline.service.records import ItemKind, ItemRecord, Portion

REGISTRY: Registry = default_registry()
NODE = NodeInfo("n-us-test", "USA", "us")
AT = datetime(2026, 11, 30, 6, 0, 0, 123456, tzinfo=UTC)


def report(marking: str, scheme: str = "us", *, item_id: str = "i-00000000000000000001",
           version: int = 1, kind: ItemKind = ItemKind.REPORT) -> ItemRecord:  # fmt: skip
    label = parse(marking, scheme, registry=REGISTRY)
    at = AT + timedelta(seconds=version)
    return ItemRecord(item_id, kind, label, f"title of {marking}", f"text of {marking}", AT,
                      AT, at, "p-author", "USA", "DIA", version=version)  # fmt: skip


def document(portions: list[str], banner: str, scheme: str = "us") -> ItemRecord:
    label = parse(banner, scheme, registry=REGISTRY)
    parts = tuple(
        Portion(parse(f"({mark})", scheme, form="portion", registry=REGISTRY), f"text {n}")
        for n, mark in enumerate(portions)
    )
    return ItemRecord("i-00000000000000000002", ItemKind.DOCUMENT, label, "a document", "",
                      AT, AT, AT, "p-author", "USA", "DIA", portions=parts)  # fmt: skip
