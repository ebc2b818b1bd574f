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
# The ICF coaching log and the learning log (SPEC §9).
PAYMENTS = ("paid", "pro_bono")
CONSENTS = ("yes", "no")  # null: not asked yet
# A session's status (SPEC §4a): only held sessions exist until planned sessions are built.
SESSION_STATUSES = ("held",)
LEARNING_CATEGORIES = ("core", "resource", "mentor", "supervision")
CREDENTIALS = ("acc", "pcc", "mcc")
ICF_LOG_FORMATS = ("csv", "md", "json")

# The limits of numeric fields (domain/limits.py checks them; every option, template,
# prompt, setting and the import read them from here).
MINUTES = (1, 24 * 60)  # a session's (or a pit-stop's) length in minutes
TRUST_PULSE = (1, 5)  # how open and safe it felt
CADENCE_DAYS = (1, 365)  # the agreed days between sessions
