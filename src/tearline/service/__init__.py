"""Use cases: the only path to the node's data. Each one decides with the policy and writes
the audit log in the same transaction as what it does."""

from tearline.service.context import Context, NodeInfo
from tearline.service.drafts import Draft
from tearline.service.items import Items
from tearline.service.listing import Facets, Page, Query, Summary
from tearline.service.records import (
    Grant,
    ItemKind,
    ItemRecord,
    PersonRecord,
    Portion,
    Role,
    VettingEvent,
)
from tearline.service.views import ItemView

__all__ = [
    "Context",
    "Draft",
    "Facets",
    "Grant",
    "ItemKind",
    "ItemRecord",
    "ItemView",
    "Items",
    "NodeInfo",
    "Page",
    "PersonRecord",
    "Portion",
    "Query",
    "Role",
    "Summary",
    "VettingEvent",
]
