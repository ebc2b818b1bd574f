"""The settings file (SPEC §2a): flag > environment > file > default, `coachlog config` and
`config set`, and a broken file reported by name and line."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from coachlog.settings import Settings, SettingsError, read_file, write_value


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "conf" / "config.toml"
    monkeypatch.setenv("COACHLOG_CONFIG", str(path))
    return path


def test_precedence_flag_then_environment_then_file_then_default(config, monkeypatch):
    config.parent.mkdir()
    config.write_text('within = "14d"\nminutes = 50\n')
    s = Settings()
    assert (s.get("minutes").value, s.get("minutes").source) == (50, str(config))
    assert (s.get("within", "3d").value, s.get("within", "3d").source) == ("3d", "--within")
    monkeypatch.setenv("COACHLOG_WITHIN", "21d")
    assert (s.get("within").value, s.get("within").source) == ("21d", "COACHLOG_WITHIN")
    assert (s.get("coach").value, s.get("coach").source) == (None, "default")
    config.unlink()
    assert Settings().get("minutes").value == 60


def test_a_broken_file_names_the_file_and_the_line(config):
    config.parent.mkdir()
    config.write_text('# mine\ntz = "Europe/Lisbon"\nminutes = 0\n')
    with pytest.raises(SettingsError, match=rf"{config}, line 3: minutes must be"):
        read_file(config)
    config.write_text('tz = "Europe/Lisbon"\ncolour = "blue"\n')
    with pytest.raises(SettingsError, match=r"line 2: unknown setting 'colour'") as exc:
        read_file(config)
    assert "Known settings: db, tz, within" in (exc.value.hint or "")
    config.write_text("tz = \n")
    with pytest.raises(SettingsError, match=r"not valid TOML: .*line 1"):
        read_file(config)
    config.write_bytes(b'coach = "Jos\xe9"\n')
    with pytest.raises(SettingsError, match=r"line 1, is not UTF-8"):
        read_file(config)


def test_config_set_checks_writes_0600_and_keeps_comments(config):
    config.parent.mkdir()
    config.write_text("# my settings\nminutes = 50  # my calls are 50 minutes\n")
    with pytest.raises(SettingsError, match="tz must be an IANA time zone"):
        write_value("tz", "Mars/Olympus", config)
    with pytest.raises(SettingsError, match="Unknown setting 'colour'"):
        write_value("colour", "blue", config)
    written = write_value("tz", "Europe/Lisbon", config)
    assert written.value == "Europe/Lisbon"
    text = config.read_text()
    assert "# my settings" in text and "# my calls are 50 minutes" in text
    assert 'tz = "Europe/Lisbon"' in text
    assert stat.S_IMODE(os.stat(config).st_mode) == 0o600
    write_value("pager", "no", config)
    write_value("training_started_on", "2024-03-01", config)
    assert read_file(config) == {
        "minutes": 50,
        "tz": "Europe/Lisbon",
        "pager": False,
        "training_started_on": __import__("datetime").date(2024, 3, 1),
    }


def test_config_set_refuses_to_rewrite_a_broken_file(config):
    config.parent.mkdir()
    config.write_text("minutes = [\n")
    before = config.read_bytes()
    with pytest.raises(SettingsError, match="not valid TOML"):
        write_value("tz", "Europe/Lisbon", config)
    assert config.read_bytes() == before


def test_the_commands_show_and_set(cli, config):
    r = cli("config", "--json")
    assert r.code == 0, r.err
    rows = {s["key"]: s for s in r.json["settings"]}
    assert rows["within"] == {"key": "within", "value": "7d", "source": "default"}
    assert rows["tz"]["source"] == "COACHLOG_TZ"  # the suite sets it
    r = cli("config", "set", "within", "banana")
    assert (r.code, r.err.splitlines()[0]) == (
        1,
        "Error: within must be a span such as 7d, 2w or 48h (got 'banana').",
    )
    assert not config.exists()
    r = cli("config", "set", "within", "14d")
    assert r.code == 0 and "within = 14d" in r.out
    shown = {s["key"]: s for s in cli("config", "--json").json["settings"]}["within"]
    assert shown == {"key": "within", "value": "14d", "source": str(config)}
    r = cli("config", "set", "tz", "Asia/Tokyo")  # $COACHLOG_TZ still wins: say so
    assert r.code == 0 and "$COACHLOG_TZ is set, and wins over the file" in r.err


def test_promises_due_reads_its_window_from_the_file_on_both_paths(cli, proc, config):
    """`within` from the file: 10 days ahead is inside a 14-day window, outside 7 days.
    The in-process run is the ORM path; the real process takes the fast path."""
    cli("client", "add", "Ana Lima")
    cli("promises", "add", "ana", "Send the article @ +10d")
    assert "Nothing" in cli("promises", "due").out
    config.parent.mkdir()
    config.write_text('within = "14d"\n')
    assert "Send the article" in cli("promises", "due").out
    assert "Send the article" in proc("promises", "due").out
    assert "Nothing" in cli("promises", "due", "--within", "7d").out
    config.write_text('within = "banana"\n')
    r = proc("promises", "due", env={"COLUMNS": "400"})
    assert r.code == 1 and f"{config}, line 1: within must be a span" in r.err, r.err


def test_session_length_and_zone_come_from_the_file(cli, config, monkeypatch):
    config.parent.mkdir()
    config.write_text('minutes = 50\ntz = "Asia/Tokyo"\n')
    monkeypatch.delenv("COACHLOG_TZ")
    cli("client", "add", "Ana Lima")
    r = cli("session", "new", "ana", "--notes", "x", "--at", "2026-11-21 09:00", "--json")
    assert r.code == 0, r.err
    assert r.json["minutes"] == 50
    assert r.json["held_at"] == "2026-11-21T00:00:00+00:00"  # 09:00 in Tokyo


def test_the_store_named_in_the_file(cli, config, tmp_path, monkeypatch):
    monkeypatch.delenv("COACHLOG_DB")
    store = tmp_path / "elsewhere" / "practice.db"
    config.parent.mkdir()
    config.write_text(f'db = "{store}"\n')
    assert cli("client", "add", "Ana Lima").code == 0
    assert store.exists()


def test_db_and_tz_after_the_command(proc, tmp_path):
    """SPEC §2a: `--db` and `--tz` before or after the command; a value of the command's
    own options that reads "--db" stays that value. Real processes, so `promises due` takes
    its fast path too. (COACHLOG_DB names the test's store; the flag wins over it.)"""
    db = str(tmp_path / "after.db")
    assert proc("client", "add", "Ana Lima", "--db", db).code == 0
    r = proc("session", "new", "ana", "--notes", "--db", "--db", db, "--tz", "Asia/Tokyo",
             "--at", "2026-11-21 09:00", "--json")  # fmt: skip
    assert r.code == 0, r.err
    assert (r.json["notes"], r.json["held_at"]) == ("--db", "2026-11-21T00:00:00+00:00")
    proc("promises", "add", "ana", "Send the article @ +2d", f"--db={db}")
    for args in (("--db", db, "promises", "due"), ("promises", "due", "--db", db)):
        r = proc(*args)
        assert r.code == 0 and "Send the article" in r.out, (args, r.err)
    assert "Ana Lima" in proc("client", "list", "--db", db).out


def test_bare_coachlog_is_todays_view(cli, proc):
    """SPEC §2a: what is due, then where help is; exit 0 (so `coachlog | less` shows it)."""
    cli("client", "add", "Ana Lima")
    cli("promises", "add", "ana", "Send the article @ +2d")
    for r in (cli(), proc(), proc("--tz", "Asia/Tokyo")):
        assert r.code == 0, r.err
        assert "Send the article" in r.out
        assert r.out.rstrip().endswith("after a call: coachlog session new")
    assert "Usage: coachlog" in cli("--help").out


def test_the_editor_setting_is_the_editor(config, monkeypatch):
    """`editor` from the file when no variable names one; $VISUAL/$EDITOR still win."""
    from coachlog.editor import editor_command

    config.parent.mkdir()
    config.write_text('editor = "my-editor --wait"\n')
    assert editor_command() == ["my-editor", "--wait"]
    monkeypatch.setenv("EDITOR", "nano")
    assert editor_command() == ["nano"]
