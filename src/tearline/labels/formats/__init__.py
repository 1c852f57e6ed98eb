"""Interchange forms of labels other than marking text (NATO STANAG 4774 XML)."""
