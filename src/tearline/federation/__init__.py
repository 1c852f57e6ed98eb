"""Federation: Tearline items as STIX 2.1 objects, signed labels, and the TAXII 2.1 door a
peer node reads from (see docs/federation.md)."""
