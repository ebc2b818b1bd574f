"""The records a screen, an exporter or a JSON shape is given, for type checking only: a
model (models.py, from a write) or a row of the query layer (queries/rows.py, from a read).
Both carry the same attribute names, so the code that reads them is one."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from coachlog import models
    from coachlog.queries import rows

    Client: TypeAlias = models.Client | rows.ClientRow
    Agreement: TypeAlias = models.Agreement | rows.AgreementRow
    CoachingSession: TypeAlias = models.CoachingSession | rows.SessionRow
    Promise: TypeAlias = models.Promise | rows.PromiseRow
    Learning: TypeAlias = models.Learning | rows.LearningRow
