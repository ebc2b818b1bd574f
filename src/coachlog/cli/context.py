"""The object the root command builds and hands to every subcommand: options, the store
(opened on first use), the coach's zone and `now`."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import date, datetime
    from pathlib import Path

    from coachlog.queries.db import Reader
    from coachlog.settings import Settings
    from coachlog.store import Store
    from coachlog.store.paths import Location


@dataclass
class AppState:
    db: str | None = None
    tz_option: str | None = None
    encrypt: bool = False
    read_only: bool = False  # a command that only reads never creates a store (SPEC §2a)
    upgrade: bool = False  # `practice upgrade`: the owner migrates a server store (SPEC §8)
    _store: Store | None = field(default=None, repr=False)
    _reader: Reader | None = field(default=None, repr=False)
    _now: Any = field(default=None, repr=False)
    _tz: str | None = field(default=None, repr=False)
    _settings: Settings | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        """The settings file and the environment (SPEC §2a), read when first needed."""
        if self._settings is None:
            from coachlog.settings import Settings

            self._settings = Settings()
        return self._settings

    @property
    def tz(self) -> str:
        """--tz, else $COACHLOG_TZ, else the settings file, else the system's zone."""
        if self._tz is None:
            from coachlog.dates import DateError, coach_zone
            from coachlog.errors import UsageError

            option = self.tz_option
            if option is None and not os.environ.get("COACHLOG_TZ", "").strip():
                option = self.settings.value("tz")  # the file's, checked when read
            try:
                self._tz = coach_zone(option)
            except DateError as exc:
                raise UsageError(str(exc)) from exc
        return self._tz

    def check_zone(self) -> None:
        """--tz (else COACHLOG_TZ) names a real zone, checked at the start of every command,
        also one that shows no time: a typo is never silently ignored. Only the zone
        database is read here (zoneinfo); dates.coach_zone() reads the same names with the
        same ZoneInfo() when a command needs the zone."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        from coachlog.errors import UsageError

        for name, source in (
            (self.tz_option, "--tz"),
            (os.environ.get("COACHLOG_TZ"), "COACHLOG_TZ"),
        ):
            if name and name.strip():
                try:
                    ZoneInfo(name.strip())
                except (ZoneInfoNotFoundError, ValueError, TypeError):
                    raise UsageError(
                        f"Unknown time zone {name.strip()!r} (from {source}).",
                        hint="Use an IANA zone name such as 'Europe/Lisbon' or 'America/New_York'.",
                    ) from None
                return

    @property
    def now(self) -> datetime:
        """This command's one `now` (UTC). COACHLOG_NOW pins it, for demos and tests."""
        if self._now is None:
            pinned = os.environ.get("COACHLOG_NOW")
            if pinned:
                from coachlog.dates import DateError, parse_iso_instant
                from coachlog.errors import UsageError

                try:
                    self._now = parse_iso_instant(pinned)
                except DateError as exc:
                    raise UsageError(f"COACHLOG_NOW: {exc}") from None
            else:
                from datetime import UTC, datetime

                self._now = datetime.now(UTC)
        return self._now

    @property
    def today(self) -> date:
        """The coach's calendar date now."""
        from coachlog.dates import local_date

        return local_date(self.now, self.tz)

    @property
    def location(self) -> Location:
        """Where the store named by --db (else COACHLOG_DB, the settings, the default) is,
        without opening it: an output file is checked against it."""
        from coachlog.store.paths import resolve

        return resolve(self.db)

    def store(self) -> Store:
        """The store through the ORM, for a command that writes (created on first use)."""
        if self._store is None:
            from coachlog.store import open_store

            self._store = open_store(
                self.db,
                encrypt=self.encrypt,
                ask_passphrase=ask_passphrase,
                create=not self.read_only,
                upgrade=self.upgrade,
            )
            if self._store.created:
                from coachlog.render.messages import warn

                warn("Created a new store at ", self._store.location.describe())
            _say_how_it_opened(self._store)
        return self._store

    def reader(self) -> Reader:
        """The store through the query layer (coachlog.queries), for a command that reads:
        no ORM, never created (SPEC §2a)."""
        if self._reader is None:
            from coachlog.queries.db import open_reader

            self._reader = open_reader(
                self.db, ask_passphrase=ask_passphrase, upgrade=upgrade_store
            )
            _say_how_it_opened(self._reader)
        return self._reader

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._store is not None:
            self._store.dispose()
            self._store = None


def upgrade_store(location: Location, passphrase: str | None) -> Path | None:
    """Bring a store to this program's schema with the engine's migrations (Alembic, a
    backup first), for the query layer, which reads only a current store. Returns the
    backup's path, if one was written."""
    from coachlog.store import open_store

    db = location.url if location.path is None else str(location.path)
    store = open_store(db, ask_passphrase=lambda _new: passphrase, create=False)
    try:
        return store.backup_written
    finally:
        store.dispose()


def _say_how_it_opened(opened: Store | Reader) -> None:
    """What the coach must learn about the store just opened, on stderr: a passphrase in
    the environment that a plain store does not use, a schema upgraded (and its backup)."""
    if opened.passphrase_unused:
        from coachlog.render.messages import warn

        warn(
            "COACHLOG_PASSPHRASE is set, but the store at ",
            opened.location.describe(),
            " is not encrypted, so the passphrase is not used "
            "('coachlog init --encrypt' encrypts it).",
        )
    if opened.backup_written is not None:
        from coachlog.render.messages import warn

        warn(
            "Upgraded the store's schema; a backup of the old one is at ",
            str(opened.backup_written),
        )


def interactive() -> bool:
    """True when we may ask questions: both stdin and stdout are terminals."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def ask_passphrase(new: bool) -> str | None:
    """The store's passphrase, typed without echo. Only on a terminal: otherwise None, and
    the caller says to set COACHLOG_PASSPHRASE. A new passphrase is asked twice."""
    if not sys.stdin.isatty():
        return None
    import getpass

    from coachlog.errors import InvalidInput

    try:
        if new:
            sys.stderr.write(
                "The new store will be encrypted. Choose a passphrase; it cannot be recovered "
                "if lost.\n"
            )
            first = getpass.getpass("New passphrase: ")
            if not first:
                return None
            if getpass.getpass("Repeat the passphrase: ") != first:
                raise InvalidInput("The two passphrases differ; nothing was created.")
            return first
        return getpass.getpass("Passphrase for the coachlog store: ") or None
    except EOFError:
        return None
