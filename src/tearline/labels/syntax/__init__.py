"""The text syntaxes markings are written in: one package or module per syntax.

``capco`` (``CLASSIFICATION//CATEGORY//…``) and ``tlp`` (``TLP:AMBER//ORG:…``) share only the
reading primitives of :mod:`.text`; neither imports the other.
"""
