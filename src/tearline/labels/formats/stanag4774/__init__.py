"""NATO STANAG 4774 confidentiality labels (ADatP-4774) to and from the canonical label.

A 4774 label is XML in the namespace ``urn:nato:stanag:4774:confidentialitymetadatalabel:1:0``:
``ConfidentialityInformation`` (``PolicyIdentifier``, ``Classification``, ``Category`` with
``TagName``/``Type`` and ``GenericValue`` children) and a required ``CreationDateTime``
(markings.md §4.1). Categories map onto the canonical label:

- PERMISSIVE ``Releasable To``: the release list; PERMISSIVE ``Only``: owner only;
- RESTRICTIVE values: required tokens, joined with ``&`` (``ATOMAL``, or ``tag:value``);
- any other PERMISSIVE tag: one of its values is required (``tag:a|tag:b``);
- INFORMATIVE ``Administrative``: the scheme's handling controls (no effect on access);
- Tearline's own tags: PERMISSIVE ``Display Only To`` (nations that may see but not receive
  it), PERMISSIVE ``Any Of`` (access tokens of which one is needed), INFORMATIVE ``Owner``
  (who owns an item whose owner is not the policy's), INFORMATIVE ``Level`` = ``inferred``
  (the marking gave no level: 特定秘密 alone) and INFORMATIVE ``Compilation Reason`` (why a
  banner is higher than its portions);
- ``ReviewDateTime``: the label's declassification or review date.

Reading is strict and ends in the label core's one gate (:mod:`tearline.labels.gate`): only
the elements, attributes and categories above are read, each once and in its place, and the
label they describe must be exactly what its scheme's marking would say.

:func:`permits` is the 4774 decision itself (policy, classification, restrictive ⊆ held,
permissive ∩ held per tag, informative ignored), for checking a label against a clearance
expressed in 4774 terms.
"""

from tearline.labels.formats.stanag4774.decide import permits
from tearline.labels.formats.stanag4774.label import access_of, from_xml
from tearline.labels.formats.stanag4774.model import (
    NAMESPACE,
    Category,
    ConfidentialityLabel,
    StanagClearance,
)
from tearline.labels.formats.stanag4774.reader import read_xml
from tearline.labels.formats.stanag4774.write import to_xml

__all__ = [
    "NAMESPACE",
    "Category",
    "ConfidentialityLabel",
    "StanagClearance",
    "access_of",
    "from_xml",
    "permits",
    "read_xml",
    "to_xml",
]
