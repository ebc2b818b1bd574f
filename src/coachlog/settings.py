"""The settings file (SPEC §2a): the defaults a coach would otherwise type every time.

`config.toml` in the user config folder (`COACHLOG_CONFIG` names another file). For each
setting a command-line flag wins, then the environment variable, then the file, then the
built-in default; `coachlog config` shows each value and where it came from.

Read with the standard library's tomllib, on every command that needs a default (the file
is a few lines). Written only by `coachlog config set`, through tomlkit, so the coach's own
comments and order survive. Nothing here imports the store, Rich or Typer."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from coachlog.choices import CREDENTIALS, MINUTES
from coachlog.errors import InvalidInput

FILE_NAME = "config.toml"
TRUE = ("true", "yes", "on", "1")
FALSE = ("false", "no", "off", "0")


class SettingsError(InvalidInput):
    """A settings file or value that cannot be used: names the file, the line and the key."""


# --- what each value may be ------------------------------------------------------------------


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty text")
    return value.strip()


def _zone(value: Any) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    text = _text(value)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"must be an IANA time zone such as Europe/Lisbon (got {text!r})"
        ) from None
    return text


def _span(value: Any) -> str:
    from coachlog.dates import DateError, parse_span

    text = _text(value)
    try:
        parse_span(text)
    except DateError:
        raise ValueError(f"must be a span such as 7d, 2w or 48h (got {text!r})") from None
    return text


def _minutes(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("must be a whole number of minutes")
    if isinstance(value, str):
        if not value.strip().isdigit():
            raise ValueError("must be a whole number of minutes")
        value = int(value.strip())
    if not isinstance(value, int) or not MINUTES[0] <= value <= MINUTES[1]:
        raise ValueError(f"must be a whole number of minutes from {MINUTES[0]} to {MINUTES[1]}")
    return value


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE + FALSE:
        return value.strip().lower() in TRUE
    raise ValueError("must be true or false")


def _date(value: Any) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError("must be a date, YYYY-MM-DD")


def _credential(value: Any) -> str:
    text = _text(value).lower()
    if text not in CREDENTIALS:
        raise ValueError(f"must be one of {', '.join(CREDENTIALS)}")
    return text


@dataclass(frozen=True)
class Setting:
    key: str
    check: Callable[[Any], Any]
    env: tuple[str, ...]  # the environment variables that set it, the first found wins
    default: Any
    help: str
    flag: str | None = None  # the command-line flag that overrides it, if any


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("db", _text, ("COACHLOG_DB",), None, "the store: a file or a database URL",
                "--db"),
        Setting("tz", _zone, ("COACHLOG_TZ",), None, "your time zone (IANA name)", "--tz"),
        Setting("within", _span, ("COACHLOG_WITHIN",), "7d",
                "how far ahead `promises due` looks", "--within"),
        Setting("minutes", _minutes, ("COACHLOG_MINUTES",), 60,
                "a session's length when the agreement names none", "--minutes"),
        Setting("editor", _text, ("COACHLOG_EDITOR", "VISUAL", "EDITOR"), None,
                "the editor for --edit"),
        Setting("pager", _bool, ("COACHLOG_PAGER",), True,
                "page long screens on a terminal", "--no-pager"),
        Setting("coach", _text, ("COACHLOG_COACH_NAME",), None,
                "your name, as exports and recaps sign it"),
        Setting("training_started_on", _date, ("COACHLOG_TRAINING_STARTED_ON",), None,
                "when your coach-specific training began (ICF hours count from then)"),
        Setting("credential", _credential, ("COACHLOG_CREDENTIAL",), None,
                "your ICF credential: acc, pcc or mcc"),
        Setting("credential_expires_on", _date, ("COACHLOG_CREDENTIAL_EXPIRES_ON",), None,
                "when your credential is due for renewal"),
    )
}  # fmt: skip


# --- the file --------------------------------------------------------------------------------


def config_path() -> Path:
    named = os.environ.get("COACHLOG_CONFIG")
    if named:
        return Path(named).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("coachlog", appauthor=False)) / FILE_NAME


def _line_of(text: str, key: str) -> int | None:
    for n, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*['\"]?{re.escape(key)}['\"]?\s*=", line):
            return n
    return None


def _where(path: Path, text: str, key: str) -> str:
    line = _line_of(text, key)
    return f"{path}, line {line}" if line else str(path)


def read_file(path: Path | None = None) -> dict[str, Any]:
    """The file's settings, checked; {} when there is no file."""
    import tomllib

    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except IsADirectoryError:
        raise SettingsError(f"The settings file {path} is a folder.") from None
    except OSError as exc:
        raise SettingsError(f"Cannot read the settings file {path}: {exc.strerror}.") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SettingsError(
            f"The settings file {path}, line {line}, is not UTF-8 text.",
            hint="Save it as UTF-8.",
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(
            f"The settings file {path} is not valid TOML: {exc}.",
            hint='Each line is KEY = VALUE; text in quotes, e.g. tz = "Europe/Lisbon".',
        ) from None
    out: dict[str, Any] = {}
    for key, value in data.items():
        setting = SETTINGS.get(key)
        if setting is None:
            raise SettingsError(
                f"{_where(path, text, key)}: unknown setting '{key}'.",
                hint="Known settings: " + ", ".join(SETTINGS) + ".",
            )
        try:
            out[key] = setting.check(value)
        except ValueError as exc:
            raise SettingsError(f"{_where(path, text, key)}: {key} {exc}.") from None
    return out


# --- a value and where it came from ----------------------------------------------------------


@dataclass(frozen=True)
class Value:
    key: str
    value: Any
    source: str  # "--db", "COACHLOG_DB", "config.toml" (the file's path), or "default"

    @property
    def from_default(self) -> bool:
        return self.source == "default"


class Settings:
    """The settings of one command: the file is read once, when first needed."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_path()
        self._file: dict[str, Any] | None = None

    @property
    def file(self) -> dict[str, Any]:
        if self._file is None:
            self._file = read_file(self.path)
        return self._file

    def get(self, key: str, flag: Any = None) -> Value:
        setting = SETTINGS[key]
        if flag is not None:
            return Value(key, flag, setting.flag or "flag")
        for name in setting.env:
            raw = os.environ.get(name)
            if raw is not None and raw.strip():
                try:
                    return Value(key, setting.check(raw), name)
                except ValueError as exc:
                    raise SettingsError(f"${name}: {key} {exc}.") from None
        if key in self.file:
            return Value(key, self.file[key], str(self.path))
        return Value(key, setting.default, "default")

    def value(self, key: str, flag: Any = None) -> Any:
        return self.get(key, flag).value

    def every(self) -> list[Value]:
        return [self.get(key) for key in SETTINGS]


def write_value(key: str, text: str, path: Path | None = None) -> Value:
    """`coachlog config set KEY VALUE`: checks the value, then writes the file whole
    (temporary name, then rename; 0600), keeping every other line and comment."""
    import tomlkit

    setting = SETTINGS.get(key)
    if setting is None:
        raise SettingsError(
            f"Unknown setting '{key}'.", hint="Known settings: " + ", ".join(SETTINGS) + "."
        )
    try:
        value = setting.check(text)
    except ValueError as exc:
        raise SettingsError(f"{key} {exc}.") from None
    path = path or config_path()
    read_file(path)  # refuse to rewrite a file that is broken: the coach fixes it first
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else None
    except OSError as exc:
        raise SettingsError(f"Cannot read the settings file {path}: {exc.strerror}.") from None
    if document is None:
        document = tomlkit.document()
        document.add(tomlkit.comment("coachlog settings: `coachlog config` shows each one."))
    document[key] = value
    _write_private(path, tomlkit.dumps(document))
    return Value(key, value, str(path))


def _write_private(path: Path, text: str) -> None:
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
