"""The node's durable store: SQLite (embedded default) and PostgreSQL, one schema, one contract.

:func:`open_database` connects by URL (``sqlite:///path/node.db`` or ``postgresql://…``),
:func:`~tearline.store.migrate.upgrade` brings the schema up to date, and
:class:`~tearline.store.repository.Repository` is every query the services make.
"""

from tearline.store.database import Database, open_database
from tearline.store.repository import Repository

__all__ = ["Database", "Repository", "open_database"]
