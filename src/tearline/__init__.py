"""Tearline: share classified information between allied nations, label by label.

The library is the product; the ``tearline`` command is a thin shell over it.
"""

from tearline.errors import (
    AccessExpressionError,
    Denied,
    InvalidInput,
    LabelError,
    NotFound,
    TearlineError,
)
from tearline.labels.access import AccessExpression
from tearline.labels.lattice import dominates, join
from tearline.labels.model import Label, Tier
from tearline.labels.parse import Normalized, normalize, parse, render
from tearline.labels.rollup import rollup
from tearline.policy.compiled import Compiler, can_read, can_read_pairs
from tearline.policy.decide import decide
from tearline.policy.model import (
    Action,
    Authorization,
    Clearance,
    Decision,
    Outcome,
    Person,
    Status,
)
from tearline.policy.persons import person_from_data

__all__ = [
    "AccessExpression",
    "AccessExpressionError",
    "Action",
    "Authorization",
    "Clearance",
    "Compiler",
    "Decision",
    "Denied",
    "InvalidInput",
    "Label",
    "LabelError",
    "Normalized",
    "NotFound",
    "Outcome",
    "Person",
    "Status",
    "TearlineError",
    "Tier",
    "can_read",
    "can_read_pairs",
    "decide",
    "dominates",
    "join",
    "normalize",
    "parse",
    "person_from_data",
    "render",
    "rollup",
]
