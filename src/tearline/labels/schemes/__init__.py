"""Marking schemes, the nations they name and the agreements between them, as data."""

from tearline.labels.schemes.agreements import Agreement, Equivalence, Side
from tearline.labels.schemes.load import (
    agreements,
    default_registry,
    load_registry,
    resolve,
    schemes,
)
from tearline.labels.schemes.model import (
    AuthorityForm,
    Category,
    Compound,
    Control,
    Level,
    OwnerForm,
    Scheme,
)
from tearline.labels.schemes.nations import Nations
from tearline.labels.schemes.registry import Registry

__all__ = [
    "Agreement",
    "AuthorityForm",
    "Category",
    "Compound",
    "Control",
    "Equivalence",
    "Level",
    "Nations",
    "OwnerForm",
    "Registry",
    "Scheme",
    "Side",
    "agreements",
    "default_registry",
    "load_registry",
    "resolve",
    "schemes",
]
