"""Access decisions: who may read, export or receive a labelled item, and why."""
