"""Tearline: share classified information between allied nations, label by label.

The library is the product; the ``tearline`` command is a thin shell over it::

    import tearline
    label = tearline.parse("SECRET//REL TO USA, JPN", "us")
    person = tearline.Person.from_data({"nationality": "JPN", "clearance": "S"})
    tearline.decide(person, label, "read", at)
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time (the command line starts faster)
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.2.0"

#: Public name -> (module, attribute). Imported on first use (PEP 562), so ``import tearline``
#: and the command line start fast and load only what they touch.
_EXPORTS: dict[str, tuple[str, str]] = {
    "AccessExpression": ("tearline.labels.access", "AccessExpression"),
    "AccessExpressionError": ("tearline.errors", "AccessExpressionError"),
    "Action": ("tearline.policy.model", "Action"),
    "Agreement": ("tearline.labels.schemes.agreements", "Agreement"),
    "Authorization": ("tearline.policy.model", "Authorization"),
    "Clearance": ("tearline.policy.model", "Clearance"),
    "ClassArrays": ("tearline.policy.batch", "ClassArrays"),
    "ClassTable": ("tearline.policy.classes", "ClassTable"),
    "ClearanceTranslation": ("tearline.labels.translate", "ClearanceTranslation"),
    "Compiler": ("tearline.policy.compiled", "Compiler"),
    "Conflict": ("tearline.errors", "Conflict"),
    "DataFault": ("tearline.errors", "DataFault"),
    "Decision": ("tearline.policy.model", "Decision"),
    "Denied": ("tearline.errors", "Denied"),
    "InvalidInput": ("tearline.errors", "InvalidInput"),
    "InvalidPerson": ("tearline.errors", "InvalidPerson"),
    "Label": ("tearline.labels.model", "Label"),
    "LabelError": ("tearline.errors", "LabelError"),
    "NoAgreement": ("tearline.errors", "NoAgreement"),
    "Normalized": ("tearline.labels.parse", "Normalized"),
    "NotFound": ("tearline.errors", "NotFound"),
    "Outcome": ("tearline.policy.model", "Outcome"),
    "Person": ("tearline.policy.model", "Person"),
    "Registry": ("tearline.labels.schemes", "Registry"),
    "Scheme": ("tearline.labels.schemes", "Scheme"),
    "SchemeError": ("tearline.errors", "SchemeError"),
    "Status": ("tearline.policy.model", "Status"),
    "TearlineError": ("tearline.errors", "TearlineError"),
    "Tier": ("tearline.labels.model", "Tier"),
    "Translation": ("tearline.labels.translate", "Translation"),
    "TranslationError": ("tearline.errors", "TranslationError"),
    "Unauthenticated": ("tearline.errors", "Unauthenticated"),
    "UnknownScheme": ("tearline.errors", "UnknownScheme"),
    "admit": ("tearline.labels.gate", "admit"),
    "agreements": ("tearline.labels.schemes", "agreements"),
    "can_read": ("tearline.policy.compiled", "can_read"),
    "can_read_class": ("tearline.policy.classes", "can_read_class"),
    "can_read_class_labels": ("tearline.policy.classes", "can_read_class_labels"),
    "can_read_class_pairs": ("tearline.policy.classes", "can_read_class_pairs"),
    "can_read_labels": ("tearline.policy.compiled", "can_read_labels"),
    "can_read_pairs": ("tearline.policy.compiled", "can_read_pairs"),
    "canonical_json": ("tearline.labels.codec", "canonical_json"),
    "decide": ("tearline.policy.decide", "decide"),
    "default_registry": ("tearline.labels.schemes", "default_registry"),
    "dominates": ("tearline.labels.lattice", "dominates"),
    "from_4774": ("tearline.labels.formats.stanag4774", "from_xml"),
    "from_dict": ("tearline.labels.codec", "from_dict"),
    "intern_key": ("tearline.labels.codec", "intern_key"),
    "join": ("tearline.labels.lattice", "join"),
    "load_registry": ("tearline.labels.schemes", "load_registry"),
    "normalize": ("tearline.labels.parse", "normalize"),
    "parse": ("tearline.labels.parse", "parse"),
    "render": ("tearline.labels.parse", "render"),
    "rollup": ("tearline.labels.rollup", "rollup"),
    "schemes": ("tearline.labels.schemes", "schemes"),
    "to_4774": ("tearline.labels.formats.stanag4774", "to_xml"),
    "to_dict": ("tearline.labels.codec", "to_dict"),
    "translate": ("tearline.labels.translate", "translate"),
    "translate_clearance": ("tearline.labels.translate", "translate_clearance"),
}

__all__ = [
    "AccessExpression",
    "AccessExpressionError",
    "Action",
    "Agreement",
    "Authorization",
    "ClassArrays",
    "ClassTable",
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
    "UnknownScheme",
    "admit",
    "agreements",
    "can_read",
    "can_read_class",
    "can_read_class_labels",
    "can_read_class_pairs",
    "can_read_labels",
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


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'tearline' has no attribute {name!r}") from None
    from importlib import import_module  # on first use: importlib imports warnings

    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:
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
    from tearline.policy.batch import ClassArrays
    from tearline.policy.classes import (
        ClassTable,
        can_read_class,
        can_read_class_labels,
        can_read_class_pairs,
    )
    from tearline.policy.compiled import Compiler, can_read, can_read_labels, can_read_pairs
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
