"""`coachlog demo`: a realistic, deterministic sample practice.

The practice has `clients` places that are never empty: each holds a sequence of clients
over the years (the last one active now, the earlier ones closed), so ten years of a busy
practice hold about 25 sessions and 50 promises per place and year, as a real one would.
The first eight active clients each show one situation a coach meets (a complete alliance,
an agreement with gaps, a review date gone by, promises slipping, pit-stops forgotten,
irregular sessions, a client the coach knows little about, a brand-new client), so every
screen has something to show. Same seed and same `now` give the same practice, uid for uid.

Rows are built in Python and written with a few bulk INSERTs in the caller's transaction.
"""

from __future__ import annotations

import random
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from coachlog.demo import text as T
from coachlog.errors import InvalidInput
from coachlog.models import Agreement, Client, CoachingSession, Learning, Promise
from coachlog.services.common import clients_query
from coachlog.services.pitstops import notes_markdown

# The first eight places, in order (and so the first eight people of demo_text.PEOPLE).
PROFILES: tuple[str, ...] = ("steady", "slipping", "gaps", "review_past", "no_pitstop")
PROFILES += ("irregular", "unknown", "new")
# What the coach's promises become once due: (kept on time, kept late, broken, released)
# and how often one is still open a few days after its date.
COACH_ODDS = {"steady": ((93, 3, 2, 2), 0.0), "slipping": ((70, 12, 12, 6), 0.6)}
COACH_DEFAULT = ((88, 5, 4, 3), 0.06)
CLIENT_ODDS = ((70, 14, 7, 9), 0.35)
DAY = timedelta(days=1)
_ASCII = str.maketrans({"ł": "l", "ø": "o", "ı": "i", "ş": "s", "ğ": "g", "æ": "ae"})


@dataclass
class DemoSummary:
    active: int = 0
    paused: int = 0
    prospects: int = 0
    past: int = 0
    sessions: int = 0
    promises: int = 0
    agreements: int = 0
    pitstops: int = 0
    learning: int = 0
    examples: list[str] = field(default_factory=list)  # how to name the telling clients

    @property
    def clients(self) -> int:
        return self.active + self.paused + self.prospects + self.past


@dataclass
class _Person:
    name: str
    first: str
    group: int
    profile: str
    status: str  # active | paused | closed | prospect
    begin: datetime
    end: datetime  # no session after this
    index: int = 0


class _Builder:
    def __init__(self, *, seed: int, now: datetime, tz: str, coach: str) -> None:
        self.rng = random.Random(seed)
        # plain datetime arithmetic: pendulum's is much slower over 10,000 sessions
        u = now.astimezone(UTC)
        self.now = datetime(u.year, u.month, u.day, u.hour, u.minute, u.second, tzinfo=UTC)
        self.zone = ZoneInfo(tz)
        self.coach = coach
        self.names: set[str] = set()
        self.clients: list[dict[str, Any]] = []
        self.agreements: list[dict[str, Any]] = []
        self.sessions: list[dict[str, Any]] = []
        self.promises: list[dict[str, Any]] = []
        self.learning: list[dict[str, Any]] = []
        # The ICF details (payment, consent, groups, learning) draw from their own generator,
        # so that the rest of the practice is what the same seed always gave.
        self.icf = random.Random(seed * 7919 + 17)
        self.groups: set[int] = set()  # places whose sessions are mostly group sessions

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone).astimezone(UTC)

    def day(self, t: datetime) -> date:
        return t.astimezone(self.zone).date()

    def end_of_day(self, day: date) -> datetime:
        return datetime.combine(day, time(23, 59, 59), tzinfo=self.zone).astimezone(UTC)

    def workday(self, t: datetime) -> datetime:
        """The same day or the next weekday, at a plausible hour for a coaching call."""
        day = self.day(t)
        while day.weekday() >= 5:
            day += DAY
        return self.at(day, self.rng.choice((8, 9, 10, 11, 13, 14, 15, 16, 17)))

    def name(self, group: int, first: str | None = None) -> tuple[str, str]:
        firsts, lasts, _, _ = T.PEOPLE[group]
        for _ in range(100):
            first = first or self.rng.choice(firsts)
            full = first if lasts is None else f"{first} {self.rng.choice(lasts)}"
            if full not in self.names:
                self.names.add(full)
                return full, first
            first = None
        full = f"{self.rng.choice(firsts)} {len(self.names)}"
        self.names.add(full)
        return full, full.split()[0]

    # ------------------------------------------------------------------------- the people

    def people(self, places: int, years: int) -> list[_Person]:
        rng, now = self.rng, self.now
        start = now - timedelta(days=365 * years)
        out: list[_Person] = []
        for place in range(places):
            if place < len(PROFILES):
                profile, group = PROFILES[place], place
                name, first = self.name(group, T.PEOPLE[group][0][0])
            else:
                profile = rng.choice(("steady",) * 12 + PROFILES[1:7])
                group = rng.randrange(len(T.PEOPLE))
                name, first = self.name(group)
            if profile == "new":
                begin = now - timedelta(days=rng.randint(22, 34))
            else:
                length = rng.randint(150, 720)
                begin = max(start + rng.randint(0, 30) * DAY, now - length * DAY)
            end = now - 9 * DAY if profile == "slipping" else now
            out.append(_Person(name, first, group, profile, "active", begin, end))
            # the clients who held this place before, back to the start of the period
            end = begin - rng.randint(7, 35) * DAY
            while end - start > 100 * DAY:
                first_day = max(start + rng.randint(0, 20) * DAY, end - rng.randint(120, 540) * DAY)
                if end - first_day < 90 * DAY:
                    break
                group = rng.randrange(len(T.PEOPLE))
                name, first = self.name(group)
                profile = rng.choice(("steady",) * 4 + ("gaps", "irregular", "no_pitstop"))
                out.append(_Person(name, first, group, profile, "closed", first_day, end))
                end = first_day - rng.randint(7, 35) * DAY
        if places >= 4:  # a paused client and a prospect, so `client list --all` shows both
            group = rng.randrange(len(T.PEOPLE))
            name, first = self.name(group)
            begin = now - min(300, 365 * years - 30) * DAY
            out.append(_Person(name, first, group, "steady", "paused", begin, now - 70 * DAY))
            group = rng.randrange(len(T.PEOPLE))
            name, first = self.name(group)
            out.append(_Person(name, first, group, "steady", "prospect", now, now))
        for i, p in enumerate(out):
            p.index = i
        return out

    def client(self, p: _Person) -> None:
        rng = self.rng
        _, _, zones, context = T.PEOPLE[p.group]
        style = rng.choice(T.STYLES) if rng.random() < 0.85 else None
        ctx = context if rng.random() < 0.7 or style is None else None
        if p.profile == "unknown":
            style = ctx = None
        created = min(p.begin - rng.randint(1, 10) * DAY, self.now)
        mailbox = "".join(
            ch
            for ch in unicodedata.normalize("NFKD", p.first.lower().translate(_ASCII))
            if ch.isascii() and ch.isalpha()
        )
        self.clients.append(
            {
                "uid": self.uid(),
                "coach": self.coach,
                "name": p.name,
                "email": f"{mailbox or 'client'}.{p.index + 1}@example.com",
                "phone": None,
                "pronouns": rng.choice(T.PRONOUNS),
                "timezone": rng.choice(zones),
                "status": p.status,
                "started_on": self.day(p.begin) if p.status != "prospect" else None,
                "ended_on": self.day(p.end) if p.status == "closed" else None,
                "preferred_channel": rng.choice(T.CHANNELS),
                "communication_style": style,
                "context": ctx,
                "sponsor": rng.choice(T.SPONSORS) if rng.random() < 0.5 else None,
                "pitstop_every_sessions": 4 if rng.random() < 0.1 else None,
                "pitstop_every_weeks": None,
                **self.icf_client(p),
                "created_at": created,
                "updated_at": created,
            }
        )

    def agreements_for(self, p: _Person, themes: list[str], cadence: int | None) -> None:
        rng = self.rng
        today = self.day(self.now)
        starts = self.day(p.begin) + (21 * DAY if p.profile == "unknown" else timedelta(0))
        last_day, version = self.day(p.end), 1
        while True:
            review = starts + rng.randint(100, 180) * DAY
            following = review + rng.randint(-5, 12) * DAY
            last = following > last_day
            if last and p.status in ("active", "paused"):
                if p.profile == "review_past":
                    review = max(starts, today - rng.randint(20, 60) * DAY)
                elif review < today:
                    review = today + rng.randint(15, 90) * DAY
            stamp = min(self.at(starts, 18), self.now)
            row = {
                "uid": self.uid(),
                "client_id": p.index,
                "version": version,
                "status": "active" if last else "superseded",
                "starts_on": starts,
                "review_on": review,
                "ends_on": None,
                "goals": "\n".join(T.GOALS[t] for t in themes[:2]),
                "confidentiality": rng.choice(T.CONFIDENTIALITY),
                "communication": rng.choice(T.COMMUNICATION),
                "logistics": rng.choice(T.LOGISTICS),
                "cadence_days": cadence,
                "coach_responsibilities": rng.choice(T.COACH_RESP),
                "client_responsibilities": rng.choice(T.CLIENT_RESP),
                "fees": rng.choice(T.FEES),
                "conflicts_of_interest": rng.choice(("none", "none", "None known.")),
                "sponsor_reporting": rng.choice(T.SPONSOR_REPORTING),
                "created_at": stamp,
                "updated_at": stamp,
            }
            if last and p.status == "closed":
                row["status"], row["ends_on"] = "ended", last_day
            if last and p.profile == "gaps":
                row["fees"] = row["conflicts_of_interest"] = None
            self.agreements.append(row)
            if last:
                return
            starts, version = following, version + 1

    # ------------------------------------------------------------------------ the sessions

    def sessions_for(self, p: _Person, themes: list[str], cadence: int | None) -> None:
        rng, now = self.rng, self.now
        rhythm = cadence or rng.choice((14, 21))
        t = self.workday(p.begin)
        kind = "regular" if p.profile == "unknown" else "engagement"
        last_pit, since_pit, held = t, 0, 0
        threshold = rng.randint(4, 6)
        big_gap_done = p.profile != "irregular"
        span = max((p.end - p.begin).total_seconds(), 1.0)
        while t <= min(p.end, now - timedelta(hours=2)):
            frac = (t - p.begin).total_seconds() / span
            pulse = 3.0 + 1.5 * frac + rng.gauss(0, 0.6)
            if p.profile == "slipping" and now - t < 70 * DAY:
                pulse -= 1.8
            pulse_value = min(5, max(1, round(pulse)))
            self.session(p, t, kind, themes, pulse_value)
            held += 1
            if kind == "pitstop":
                last_pit, since_pit = t, 0
            elif kind == "regular":
                since_pit += 1
            if kind == "closing" or (p.profile == "new" and held >= 2):
                break
            step = rhythm + rng.randint(-2, 3)
            if not big_gap_done and now - t < rhythm * 7 * DAY:
                step, big_gap_done = int(rhythm * 2.6), True
            t = self.workday(t + step * DAY)
            skip_pits = p.profile == "no_pitstop" and now - t < 160 * DAY
            if p.status == "closed" and t + rhythm * DAY > p.end:
                kind = "closing"
            elif not skip_pits and (since_pit >= threshold or t - last_pit > 7 * 7 * DAY):
                kind = "pitstop"
            else:
                kind = "regular"

    def session(self, p: _Person, t: datetime, kind: str, core: list[str], pulse: int) -> None:
        rng = self.rng
        themes = [rng.choices(core, weights=(5, 3, 2))[0]]
        if rng.random() < 0.5:
            themes.append(rng.choice([x for x in core if x != themes[0]]))
        if kind == "pitstop":
            answers: dict[str, Any] = {
                k: T.fill(rng, rng.choice(v), p.first) for k, v in T.PITSTOP.items()
            }
            if rng.random() < 0.75:
                answers["agreement_change"] = None
            answers["safety"] = pulse
            notes, themes, minutes = notes_markdown(answers), [], rng.choice((30, 45, 60))
        else:
            notes = T.compose_notes(rng, p.first, kind, themes)
            minutes = 90 if kind == "engagement" else rng.choice((45, 60, 60, 60))
        learning = 0.2 if p.profile == "no_pitstop" else 0.65
        reflection = (
            T.fill(rng, rng.choice(T.REFLECTIONS), p.first) if rng.random() < learning else None
        )
        written = min(t + timedelta(minutes=minutes + rng.randint(5, 120)), self.now)
        self.sessions.append(
            {
                "uid": self.uid(),
                "client_id": p.index,
                "held_at": t,
                "minutes": minutes,
                "kind": kind,
                "notes": notes,
                "themes": themes if kind != "engagement" else core[:2],
                "trust_pulse": pulse if kind == "pitstop" or rng.random() < 0.85 else None,
                "reflection": reflection,
                "private": rng.random() < 0.03,
                **self.icf_session(p, kind),
                "created_at": written,
                "updated_at": written,
            }
        )
        if kind in ("regular", "engagement"):
            self.promises_for(p, len(self.sessions) - 1, t, themes[0])

    # ------------------------------------------------------------------------- ICF (SPEC §9)

    def icf_client(self, p: _Person) -> dict[str, Any]:
        """Most clients paid, some pro bono; most asked and agreed to be listed on the ICF
        log, a few declined, some never asked; one place in ten coaches a small group."""
        icf = self.icf
        consent = icf.choices(("yes", "no", None), weights=(78, 8, 14))[0]
        if p.index >= len(PROFILES) and icf.random() < 0.1:
            self.groups.add(p.index)
        return {
            "payment": "pro_bono" if icf.random() < 0.15 else "paid",
            "icf_consent": consent,
            "icf_consent_note": icf.choice(T.CONSENT_NOTES) if consent == "yes" else None,
        }

    def icf_session(self, p: _Person, kind: str) -> dict[str, Any]:
        icf = self.icf
        group = p.index in self.groups and kind == "regular" and icf.random() < 0.7
        return {
            "status": "held",
            "group_size": icf.randint(3, 8) if group else 1,
            "counts_for_icf": icf.random() >= 0.02,  # now and then, mentor coaching given
        }

    def learning_log(self, years: int) -> None:
        """A coach's continuing education: an entry every month or two, mostly Core
        Competencies, with ethics, mentor coaching, supervision and some resource learning."""
        icf = self.icf
        day = self.day(self.now) - timedelta(days=365 * years - 20)
        while day <= self.day(self.now) - DAY:
            category = icf.choices(
                ("core", "resource", "mentor", "supervision"), weights=(50, 25, 15, 10)
            )[0]
            ethics = category == "core" and icf.random() < 0.15
            title, provider = icf.choice(T.LEARNING[category if not ethics else "ethics"])
            hours = 3 if ethics else icf.choice((1, 1.5, 2, 2, 3, 6))
            stamp = self.at(day, 19)
            self.learning.append(
                {
                    "uid": self.uid_icf(),
                    "coach": self.coach,
                    "title": title,
                    "centihours": int(hours * 100),
                    "category": category,
                    "ethics": ethics,
                    "completed_on": day,
                    "provider": provider,
                    "proof": None,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
            day += icf.randint(25, 70) * DAY

    def uid_icf(self) -> str:
        return str(uuid.UUID(int=self.icf.getrandbits(128), version=4))

    # ------------------------------------------------------------------------ the promises

    def promises_for(self, p: _Person, session_index: int, made: datetime, theme: str) -> None:
        rng = self.rng
        for owner, weights in (("coach", (1, 5, 4)), ("client", (1, 4, 5))):
            for _ in range(rng.choices((0, 1, 2), weights=weights)[0]):
                if owner == "coach":
                    text = rng.choice(T.COACH_PROMISES)
                else:
                    text = rng.choice(T.CLIENT_PROMISES[theme])
                text = T.fill(rng, text, p.first, theme)
                ahead = 1 if "invite" in text else rng.randint(2, 12)
                due_day = self.day(made) + ahead * DAY
                due = self.end_of_day(due_day) if rng.random() < 0.8 else self.at(due_day, 9)
                self.promise(p, session_index, owner, text, made, due)

    def promise(
        self,
        p: _Person,
        session_index: int | None,
        owner: str,
        text: str,
        made: datetime,
        due: datetime,
        outcome: str | None = None,
    ) -> None:
        rng, now = self.rng, self.now
        history: list[str] = []
        if outcome is None and rng.random() < 0.06:  # renegotiated once, openly
            history = [due.isoformat()]
            due += rng.randint(3, 10) * DAY
        odds, open_rate = (
            COACH_ODDS.get(p.profile, COACH_DEFAULT) if owner == "coach" else CLIENT_ODDS
        )
        closed: datetime | None = None
        if outcome is None:
            if due > now:
                outcome = "early" if rng.random() < 0.15 else "open"
            elif p.status != "closed" and now - due < 21 * DAY and rng.random() < open_rate:
                # still open a little after its date; rarely for more than a week
                outcome = "open" if now - due < 7 * DAY or rng.random() < 0.25 else None
            if outcome is None:
                outcome = rng.choices(("on_time", "late", "broken", "released"), odds)[0]
        if outcome in ("on_time", "early", "released"):
            closed = made + (min(due, now) - made) * rng.uniform(0.2, 1.0)
        elif outcome in ("late", "broken"):
            closed = due + timedelta(days=rng.randint(1, 8), hours=rng.randint(1, 9))
            if closed >= now:
                closed = due + (now - due) * 0.5
        status = {"on_time": "kept", "early": "kept", "late": "kept"}.get(outcome, outcome)
        note = repair = None
        if outcome == "late" and rng.random() < 0.5:
            note = rng.choice(T.LATE_NOTES)
        elif outcome == "released":
            note = T.fill(rng, rng.choice(T.RELEASES), p.first)
        elif (
            outcome == "broken"
            and owner == "coach"
            and (p.profile == "steady" or rng.random() < 0.75)
        ):
            repair = T.fill(rng, rng.choice(T.REPAIRS), p.first)
        stamp = closed or made
        self.promises.append(
            {
                "uid": self.uid(),
                "client_id": p.index,
                "session_id": session_index,
                "owner": owner,
                "text": text,
                "made_at": made,
                "due_at": due,
                "status": status,
                "closed_at": closed.replace(microsecond=0) if closed else None,
                "note": note,
                "repair": repair,
                "due_history": history,
                "created_at": made,
                "updated_at": stamp.replace(microsecond=0),
            }
        )

    def slipping(self, p: _Person) -> None:
        """Promises slipping since the last session: one overdue, one broken and not yet
        raised with the client (seed 002 §7 says: raise it at the next session)."""
        index = max(
            (i for i, s in enumerate(self.sessions) if s["client_id"] == p.index),
            key=lambda i: self.sessions[i]["held_at"],
        )
        last = self.sessions[index]["held_at"]
        overdue = self.end_of_day(self.day(last) + 3 * DAY)
        text = f"Send {p.first} the summary of the 360 feedback"
        self.promise(p, index, "coach", text, last, overdue, outcome="open")
        self.promise(
            p, index, "coach", "Send the calendar invite for the next session", last,
            self.end_of_day(self.day(last) + DAY), outcome="broken",
        )  # fmt: skip
        self.promises[-1]["repair"] = None


def build(
    session: Session, *, clients: int, years: int, seed: int, now: datetime, tz: str
) -> DemoSummary:
    """Fill an empty store with the sample practice. Refuses a store that has clients, so
    it can never mix invented people into a coach's real records."""
    count = session.exec(select(func.count()).select_from(clients_query(session).subquery())).one()
    if count:
        raise InvalidInput(
            f"This store already has {count} client{'s' if count != 1 else ''}; demo fills "
            "only an empty store. Use --db demo.db",
            hint="For example: coachlog --db demo.db demo",
        )
    b = _Builder(seed=seed, now=now, tz=tz, coach=session.info.get("coach_name") or "")
    people = b.people(clients, years)
    for p in people:
        b.client(p)
        if p.status == "prospect":
            continue
        themes = b.rng.sample(T.THEMES, 3)
        cadence = None if b.rng.random() < 0.1 else b.rng.choice((7, 14, 14, 14, 21, 28))
        b.agreements_for(p, themes, cadence)
        b.sessions_for(p, themes, cadence)
        if p.profile == "slipping" and p.status == "active":
            b.slipping(p)
    b.learning_log(years)
    return _write(session, b, people)


def _write(session: Session, b: _Builder, people: list[_Person]) -> DemoSummary:
    # Plain executemany INSERTs, then the new ids read back by uid: ORM bulk INSERT ...
    # RETURNING runs row by row on SQLite and splices its results in quadratic time.
    def bulk(model: Any, rows: list[dict[str, Any]]) -> None:
        if rows:
            session.exec(insert(model), params=rows)

    bulk(Client, b.clients)
    uids = [row["uid"] for row in b.clients]
    by_uid = dict(
        session.exec(select(Client.uid, Client.id).where(col(Client.uid).in_(uids))).all()
    )
    client_ids = [by_uid[u] for u in uids]
    for row in b.agreements + b.sessions + b.promises:
        row["client_id"] = client_ids[row["client_id"]]
    bulk(Agreement, b.agreements)
    bulk(CoachingSession, b.sessions)
    held = dict(
        session.exec(
            select(CoachingSession.uid, CoachingSession.id).where(
                col(CoachingSession.client_id).in_(client_ids)
            )
        ).all()
    )
    for row in b.promises:
        if row["session_id"] is not None:
            row["session_id"] = held[b.sessions[row["session_id"]]["uid"]]
    bulk(Promise, b.promises)
    bulk(Learning, b.learning)
    session.flush()

    summary = DemoSummary(
        sessions=len(b.sessions),
        promises=len(b.promises),
        agreements=len(b.agreements),
        pitstops=sum(s["kind"] == "pitstop" for s in b.sessions),
        learning=len(b.learning),
    )
    for p in people:
        key = {"active": "active", "paused": "paused", "prospect": "prospects"}.get(p.status)
        key = key or "past"
        setattr(summary, key, getattr(summary, key) + 1)
    order = {"slipping": 0, "gaps": 1, "steady": 2}
    active = sorted(
        (p for p in people if p.status == "active"), key=lambda p: order.get(p.profile, 3)
    )
    summary.examples = [_short_name(p, people) for p in active]
    return summary


def _short_name(p: _Person, people: list[_Person]) -> str:
    """The shortest way to name a client on the command line: the first name when it is a
    unique prefix, else the full name in quotes."""
    first = p.first.casefold()
    if sum(q.name.casefold().startswith(first) for q in people) == 1:
        return p.first.lower() if p.first.isascii() else p.first
    return f'"{p.name}"' if " " in p.name else p.name
