"""Tearline: share classified information between allied nations, label by label.

The library is the product; the ``tearline`` command is a thin shell over it::

    import tearline
    label = tearline.parse("SECRET//REL TO USA, JPN", "us")
    person = tearline.Person.from_data({"nationality": "JPN", "clearance": "S"})
    tearline.decide(person, label, "read", at)
"""

from tearline.errors import (
    AccessExpressionError,
    Conflict,
    DataFault,
    Denied,
    InvalidInput,
    InvalidPerson,
    LabelError,
    NoAgreement,
    NotFound,
    SchemeError,
    TearlineError,
    TranslationError,
    Unauthenticated,
)
from tearline.labels.access import AccessExpression
from tearline.labels.codec import canonical_json, from_dict, intern_key, to_dict
from tearline.labels.formats.stanag4774 import from_xml as from_4774
from tearline.labels.formats.stanag4774 import to_xml as to_4774
from tearline.labels.gate import admit
from tearline.labels.lattice import dominates, join
from tearline.labels.model import Label, Tier
from tearline.labels.parse import Normalized, normalize, parse, render
from tearline.labels.rollup import rollup
from tearline.labels.schemes import (
    Registry,
    Scheme,
    agreements,
    default_registry,
    load_registry,
    schemes,
)
from tearline.labels.schemes.agreements import Agreement
from tearline.labels.translate import (
    ClearanceTranslation,
    Translation,
    translate,
    translate_clearance,
)
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

__version__ = "0.2.0"

__all__ = [
    "AccessExpression",
    "AccessExpressionError",
    "Action",
    "Agreement",
    "Authorization",
    "Clearance",
    "ClearanceTranslation",
    "Compiler",
    "Conflict",
    "DataFault",
    "Decision",
    "Denied",
    "InvalidInput",
    "InvalidPerson",
    "Label",
    "LabelError",
    "NoAgreement",
    "Normalized",
    "NotFound",
    "Outcome",
    "Person",
    "Registry",
    "Scheme",
    "SchemeError",
    "Status",
    "TearlineError",
    "Tier",
    "Translation",
    "TranslationError",
    "Unauthenticated",
    "admit",
    "agreements",
    "can_read",
    "can_read_pairs",
    "canonical_json",
    "decide",
    "default_registry",
    "dominates",
    "from_4774",
    "from_dict",
    "intern_key",
    "join",
    "load_registry",
    "normalize",
    "parse",
    "render",
    "rollup",
    "schemes",
    "to_4774",
    "to_dict",
    "translate",
    "translate_clearance",
]
