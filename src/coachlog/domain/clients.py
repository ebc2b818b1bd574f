"""Which client a reference typed by the coach names (SPEC §3a): an id, else a name
without regard to case or accents (names.match), with the errors that say why none was
found. The ORM services and the query layer both look clients up through this one rule."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from coachlog.errors import Ambiguous, InvalidInput, NotFound

T = TypeVar("T")


def find(
    ref: str | None,
    *,
    by_id: Callable[[int], T | None],
    names: Callable[[], Iterable[tuple[int, str]]],
) -> T:
    """The client `ref` names, read through `by_id` (the coach's client with that id, or
    None); `names` gives the coach's (id, name) pairs. Raises InvalidInput, NotFound or
    Ambiguous in the words a coach sees."""
    from coachlog.names import match

    ref = (ref or "").strip()
    if not ref:
        raise InvalidInput("No client given.", hint="Give a client id, name or name prefix.")
    if ref.isdigit():
        found = by_id(int(ref))
        if found is None:
            raise NotFound(f"No client with id {ref}.", hint="See 'coachlog client list --all'.")
        return found
    # Names only, compared in Python: folding case and accents is the same on every backend.
    m = match(ref, names())
    if m.found is not None:
        client = by_id(m.found)
        assert client is not None
        return client
    if m.several:
        listed = ", ".join(f"{name} (id {cid})" for cid, name in m.several)
        raise Ambiguous(
            f"'{ref}' matches {len(m.several)} clients: {listed}.",
            hint="Type more of the name, or use the id.",
        )
    if m.suggestions:
        raise NotFound(
            f"No client matches '{ref}'. Did you mean {either(m.suggestions)}?",
            hint="See 'coachlog client list --all' for names and ids.",
        )
    raise NotFound(
        f"No client matches '{ref}'.",
        hint="See 'coachlog client list --all' for names and ids.",
    )


def either(names: list[str]) -> str:
    """ "'Ana'", "'Ana' or 'Rui'", "'Ana', 'Rui' or 'Eva'"."""
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
