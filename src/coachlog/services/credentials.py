"""Credentials and continual learning (SPEC §9): writing the learning log. What the ICF
rules read is queries/credentials.py; the rules themselves are domain/credentials.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from coachlog.domain import credentials as rules
from coachlog.errors import InvalidInput, NotFound
from coachlog.models import LEARNING_CATEGORIES, Learning
from coachlog.services.common import blank_to_none, coach_of

TITLE_MAX = 500


# --- the learning log -------------------------------------------------------------------------


def category_of(value: str) -> str:
    """A learning category, or a unique prefix of one ("sup" -> "supervision")."""
    v = (value or "").strip().lower()
    matches = [c for c in LEARNING_CATEGORIES if v and c.startswith(v)]
    if v in LEARNING_CATEGORIES:
        return v
    if len(matches) == 1:
        return matches[0]
    raise InvalidInput(
        f"--category must be one of: {', '.join(LEARNING_CATEGORIES)} (got {value!r}).",
        hint="core: Core Competencies; resource: Resource Development; mentor: mentor "
        "coaching; supervision: coaching supervision.",
    )


def clean_learning(values: dict[str, Any]) -> dict[str, Any]:
    """Check what a coach gave for a learning entry; every message names what is accepted."""
    out = dict(values)
    title = " ".join(str(out.get("title") or "").split())
    if not title:
        raise InvalidInput("A learning entry needs a title, e.g. 'ICF ethics course'.")
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"The title is longer than {TITLE_MAX} characters.")
    out["title"] = title
    out["category"] = category_of(out.get("category") or "")
    if out.get("ethics") and out["category"] != "core":
        raise InvalidInput(
            "Coaching Ethics is part of the Core Competencies: use --category core with --ethics.",
        )
    low, high = rules.LEARNING_CENTIHOURS
    n = out.get("centihours")
    if isinstance(n, bool) or not isinstance(n, int) or not low <= n <= high:
        raise InvalidInput(
            f"hours must be from {rules.units_text(low)} to {rules.units_text(high)}."
        )
    for key in ("provider", "proof"):
        out[key] = blank_to_none(out.get(key))
    if out["proof"] is not None:
        out["proof"] = str(Path(out["proof"]).expanduser().absolute())
    return out


def add_learning(db: Session, *, values: dict[str, Any], now: datetime) -> Learning:
    values = clean_learning(values)
    entry = Learning(
        coach=db.info.get("coach_name") or "",
        created_at=now,
        updated_at=now,
        title=values["title"],
        centihours=values["centihours"],
        category=values["category"],
        ethics=bool(values.get("ethics")),
        completed_on=values["completed_on"],
        provider=values["provider"],
        proof=values["proof"],
    )
    db.add(entry)
    db.flush()
    return entry


def _mine(stmt: Any, db: Session) -> Any:
    coach = coach_of(db)
    return stmt if coach is None else stmt.where(Learning.coach == coach)


def get_learning(db: Session, entry_id: int) -> Learning:
    found = db.exec(_mine(select(Learning).where(Learning.id == entry_id), db)).first()
    if found is None:
        raise NotFound(
            f"No learning entry with id {entry_id}.", hint="See 'coachlog learning list' for ids."
        )
    return found


def delete_learning(db: Session, entry: Learning) -> None:
    db.delete(entry)
    db.flush()
