"""What the young person wants from Lifelong Links, in their own words, at their own pace."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Objective, YoungPerson

MAX_LENGTH = 300


def own_objective(session: Session, young_person: YoungPerson, public_id: str) -> Objective | None:
    return session.scalar(
        select(Objective).where(
            Objective.public_id == public_id, Objective.young_person_id == young_person.id
        )
    )


def add(session: Session, young_person: YoungPerson, text: str) -> Objective:
    objective = Objective(young_person=young_person, text=text.strip()[:MAX_LENGTH])
    session.add(objective)
    session.flush()
    return objective


def change(objective: Objective, text: str) -> None:
    objective.text = text.strip()[:MAX_LENGTH]


def mark(objective: Objective, done: bool, now: datetime) -> None:
    """Done only when they say so; they can take it back."""
    objective.done_at = now if done else None
