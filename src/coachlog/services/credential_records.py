"""The JSON shapes of the credential commands (SPEC §9), built in this one place: `icf log
--format json`, `icf progress --json` and `renewal --json`. Hours are numbers to two
decimals; dates are YYYY-MM-DD."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from coachlog.domain import credentials as rules
from coachlog.records import hours_value, value


def number(d: Decimal) -> int | float:
    """A Decimal of hours as a JSON number (12, 12.5, 0.33)."""
    return int(d) if d == d.to_integral_value() else float(d)


def _hours(minutes: int) -> int | float:
    return number(rules.hours(minutes))


def log_json(
    log: rules.CoachingLog,
    *,
    since: datetime | None,
    until: datetime | None,
    training_started_on: date | None,
) -> dict[str, Any]:
    return {
        "since": value(since),
        "until": value(until),
        "training_started_on": value(training_started_on),
        "rows": [
            {
                "client_id": r.client.id,
                "client": r.client.name,
                "contact": r.client.contact,
                "individual_group": r.kind,
                "number_in_group": r.number_in_group,
                "start_date": value(r.start),
                "end_date": value(r.end),
                "paid_hours": _hours(r.paid_minutes),
                "pro_bono_hours": _hours(r.pro_bono_minutes),
                "sessions": r.sessions,
            }
            for r in log.rows
        ],
        "totals": {
            "paid_hours": _hours(log.paid_minutes),
            "pro_bono_hours": _hours(log.pro_bono_minutes),
            "hours": _hours(log.minutes),
            "sessions": sum(r.sessions for r in log.rows),
        },
        "left_off": [
            {
                "client_id": o.client.id,
                "client": o.client.name,
                "icf_consent": o.client.icf_consent,
                "reason": o.why,
                "hours": _hours(o.minutes),
                "sessions": o.sessions,
            }
            for o in log.left_off
        ],
        "excluded": [
            {
                "session_id": e.session.id,
                "client": e.client.name,
                "held_on": value(e.session.held_on),
                "minutes": e.session.minutes,
                "reason": e.reason,
            }
            for e in log.excluded
        ],
    }


def progress_json(p: rules.Progress) -> dict[str, Any]:
    have = {m.key: number(m.have) for m in p.measures}
    return {
        "target": p.target,
        **have,
        "unlisted_hours": _hours(p.unlisted_minutes),
        "recent_since": value(p.recent_since),
        "required": {m.key: m.need for m in p.measures},
        "met": p.met,
    }


def renewal_json(r: rules.Renewal, *, today: date) -> dict[str, Any]:
    return {
        "credential": r.credential,
        "cycle_start": value(r.cycle_start),
        "cycle_end": value(r.cycle_end),
        "days_left": (r.cycle_end - today).days,
        "cce": hours_value(r.cce),
        "core": hours_value(r.core),
        "ethics": hours_value(r.ethics),
        "resource_counted": hours_value(r.resource_counted),
        "resource_hours": hours_value(r.resource),
        "mentor_hours": hours_value(r.mentor),
        "supervision_hours": hours_value(r.supervision),
        "required": {
            "cce": hours_value(rules.CCE_REQUIRED),
            "core": hours_value(rules.CORE_REQUIRED),
            "ethics": hours_value(rules.ETHICS_REQUIRED),
            "mentor_hours": hours_value(r.mentor_required),
        },
        "caps": {
            "resource_counted": hours_value(rules.RESOURCE_CAP),
            "mentor_and_supervision": hours_value(rules.MENTOR_SUPERVISION_CAP),
        },
        "missing": r.missing,
        "notes": r.notes,
        "met": r.met,
    }
