"""Where a node lives and what it connects to, read once at the edge.

The node's home is ``--home DIR``, else ``$TEARLINE_HOME``, else the platform's user data
directory. It holds ``node.toml`` (the node's settings), ``node.key`` (its signing key) and,
on the embedded default, ``node.db`` (SQLite). ``$TEARLINE_DATABASE`` (or ``database`` in
``node.toml``, set by ``init --database``) selects PostgreSQL instead.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tearline.errors import DataFault, InvalidInput

__all__ = ["Settings", "home_dir"]

SETTINGS_FILE = "node.toml"
KEY_FILE = "node.key"
DATABASE_FILE = "node.db"


def home_dir(home: str | os.PathLike[str] | None = None) -> Path:
    """The node's home directory (not created here)."""
    if home is not None:
        return Path(home)
    from_env = os.environ.get("TEARLINE_HOME")
    if from_env:
        return Path(from_env)
    import platformdirs

    return Path(platformdirs.user_data_dir("tearline"))


@dataclass(frozen=True, slots=True)
class Settings:
    """A node's settings: its home, its database URL, how often to sign a checkpoint, and
    how browser sessions behave: how long one lives at most (``session_hours``), how long it
    may stay unused (``session_idle_minutes``), and whether its cookie is ``Secure``
    (``cookie_secure``: ``"auto"`` when the request came over https, ``"always"`` or
    ``"never"`` for plain http on loopback)."""

    home: Path
    database: str
    checkpoint_every: int = 1000
    session_hours: int = 8
    session_idle_minutes: int = 30
    cookie_secure: str = "auto"
    #: ``[documents] placeholders``: show a placeholder (its position only) for each portion
    #: of a document the reader may not read. Off: withheld portions leave no trace.
    placeholders: bool = False
    #: ``cop_timeout_minutes``: how long a fused track stays current in the common
    #: operational picture without a new observation (30 to 1440 minutes).
    cop_timeout_minutes: int = 30
    #: ``sync_interval_seconds``: the pause between the rounds of ``tearline serve``'s
    #: background sync with its peers (0.1 to 3600 seconds).
    sync_interval_seconds: float = 1.0
    #: ``[release_guard] words``: words and phrases that must never leave for a peer (matched
    #: whole, ignoring case); an object holding one is held for a releasing officer.
    guard_words: tuple[str, ...] = ()
    #: ``[release_guard] similarity``: the shingled Jaccard similarity (0.1 to 1.0) at which
    #: an outgoing text counts as a near-duplicate of an item the receiver may not read.
    guard_similarity: float = 0.6

    @property
    def key_path(self) -> Path:
        """Where the node's signing key is kept."""
        return self.home / KEY_FILE

    @classmethod
    def for_init(cls, home: Path, database: str | None) -> Settings:
        """The settings of a node about to be created in ``home``."""
        url = database or os.environ.get("TEARLINE_DATABASE") or _sqlite(home)
        return cls(home, url)

    @classmethod
    def load(cls, home: Path) -> Settings:
        """The settings of the node in ``home``.

        Raises:
            InvalidInput: no node lives there.
            DataFault: ``node.toml`` is malformed.
        """
        path = home / SETTINGS_FILE
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise InvalidInput(
                f"no node in {home}: create one with `tearline init --home {home} --nation USA "
                "--officer NAME --officer-clearance TS`, or give --home / TEARLINE_HOME"
            ) from None
        except tomllib.TOMLDecodeError as bad:
            raise DataFault(f"{path} is not valid TOML: {bad}") from None
        url = os.environ.get("TEARLINE_DATABASE") or data.get("database") or _sqlite(home)
        every = data.get("checkpoint_every", 1000)
        if not isinstance(url, str) or not isinstance(every, int) or every < 1:
            raise DataFault(f"{path}: 'database' must be text and 'checkpoint_every' a count")
        return cls(
            home,
            url,
            every,
            *_session_settings(data, path),
            _placeholders(data.get("documents", {}), path),
            _cop_timeout(data, path),
            _sync_interval(data, path),
            *_release_guard(data.get("release_guard", {}), path),
        )

    def save(self, *, remember_database: bool) -> None:
        """Write ``node.toml`` (mode 0600: a database URL may hold a password)."""
        lines = [f"checkpoint_every = {self.checkpoint_every}"]
        if remember_database:
            escaped = self.database.replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'database = "{escaped}"')
        if self.cop_timeout_minutes != 30:
            lines.append(f"cop_timeout_minutes = {self.cop_timeout_minutes}")
        if self.sync_interval_seconds != 1.0:
            lines.append(f"sync_interval_seconds = {self.sync_interval_seconds}")
        if self.placeholders:
            lines += ["", "[documents]", "placeholders = true"]
        if self.guard_words or self.guard_similarity != 0.6:
            words = ", ".join(json.dumps(w, ensure_ascii=False) for w in self.guard_words)
            lines += ["", "[release_guard]", f"words = [{words}]",
                      f"similarity = {self.guard_similarity}"]  # fmt: skip
        path = self.home / SETTINGS_FILE
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")


def _session_settings(data: dict[str, object], path: Path) -> tuple[int, int, str]:
    hours = data.get("session_hours", 8)
    idle = data.get("session_idle_minutes", 30)
    secure = data.get("cookie_secure", "auto")
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= 24:
        raise DataFault(f"{path}: 'session_hours' is a whole number of hours from 1 to 24")
    if not isinstance(idle, int) or isinstance(idle, bool) or not 1 <= idle <= 24 * 60:
        raise DataFault(f"{path}: 'session_idle_minutes' is a whole number from 1 to 1440")
    if secure not in ("auto", "always", "never"):
        raise DataFault(f'{path}: \'cookie_secure\' is "auto", "always" or "never"')
    return hours, idle, str(secure)


def _cop_timeout(data: dict[str, object], path: Path) -> int:
    minutes = data.get("cop_timeout_minutes", 30)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 30 <= minutes <= 1440:
        raise DataFault(
            f"{path}: 'cop_timeout_minutes' is a whole number of minutes from 30 to 1440"
        )
    return minutes


def _sync_interval(data: dict[str, object], path: Path) -> float:
    seconds = data.get("sync_interval_seconds", 1.0)
    if (
        not isinstance(seconds, int | float) or isinstance(seconds, bool)
        or not 0.1 <= seconds <= 3600
    ):  # fmt: skip
        raise DataFault(f"{path}: 'sync_interval_seconds' is a number of seconds from 0.1 to 3600")
    return float(seconds)


def _sqlite(home: Path) -> str:
    return f"sqlite:///{(home / DATABASE_FILE).resolve()}"


def _release_guard(section: object, path: Path) -> tuple[tuple[str, ...], float]:
    """``[release_guard] words`` (a list of text) and ``similarity`` (0.1 to 1.0)."""
    if not isinstance(section, dict):
        raise DataFault(f"{path}: 'release_guard' must be a table: [release_guard]")
    unknown = sorted(set(section) - {"words", "similarity"})
    if unknown:
        raise DataFault(f"{path}: [release_guard] has no setting {unknown[0]!r}; its settings "
                        "are 'words' (a list of text) and 'similarity' (0.1 to 1.0)")  # fmt: skip
    words = section.get("words", [])
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise DataFault(f'{path}: [release_guard] words is a list of text: words = ["NEPTUNE"]')
    similarity = section.get("similarity", 0.6)
    if (
        not isinstance(similarity, int | float) or isinstance(similarity, bool)
        or not 0.1 <= similarity <= 1.0
    ):  # fmt: skip
        raise DataFault(f"{path}: [release_guard] similarity is a number from 0.1 to 1.0")
    return tuple(w.strip() for w in words), float(similarity)


def _placeholders(section: object, path: Path) -> bool:
    """``[documents] placeholders`` (true or false; nothing else is accepted)."""
    if not isinstance(section, dict):
        raise DataFault(f"{path}: 'documents' must be a table: [documents]")
    unknown = sorted(set(section) - {"placeholders"})
    if unknown:
        raise DataFault(
            f"{path}: [documents] has no setting {unknown[0]!r}; the one setting there is "
            "'placeholders = true' or 'placeholders = false'"
        )
    value = section.get("placeholders", False)
    if not isinstance(value, bool):
        raise DataFault(
            f"{path}: [documents] placeholders = {value!r} is not true or false; write "
            "'placeholders = true' to show withheld portions' positions, false to hide them"
        )
    return value
