"""The CAPCO-style marking syntax (``CLASSIFICATION//CATEGORY//CATEGORY``, portions in ``( )``).

Used by every scheme whose data file says ``syntax = "capco"``; the vocabulary comes from the
scheme file, the grammar from here.
"""

from tearline.labels.syntax.capco.read import read_full, read_marking
from tearline.labels.syntax.capco.write import (
    display_list,
    release_list,
    release_words,
    write_marking,
)

__all__ = [
    "display_list",
    "read_full",
    "read_marking",
    "release_list",
    "release_words",
    "write_marking",
]
