"""The fixed vocabularies of the records, written once. A module of its own, importing
nothing, so that shell completion (cli/complete.py) can offer them without loading the ORM;
models.py takes them from here."""

from __future__ import annotations

CLIENT_STATUSES = ("prospect", "active", "paused", "closed")
AGREEMENT_STATUSES = ("draft", "active", "superseded", "ended")
SESSION_KINDS = ("engagement", "regular", "pitstop", "closing")
PROMISE_OWNERS = ("coach", "client")
PROMISE_STATUSES = ("open", "kept", "broken", "released")
EXPORT_FORMATS = ("md", "json", "ics")
