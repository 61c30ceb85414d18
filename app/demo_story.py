"""Jay's story beyond the plan (demo): family links for the genogram, places lived, the conference
review on the calendar, and the network's size at referral and at the conference."""

from __future__ import annotations

from datetime import date

from app.models import (
    FamilyLink,
    LinkDetail,
    LinkKind,
    NetworkMember,
    NetworkSnapshot,
    Place,
    Review,
    ReviewKind,
    SnapshotOccasion,
    YoungPerson,
)


def load_story(session, jay: YoungPerson, members: dict[str, NetworkMember]) -> None:
    session.add_all(
        [
            # Kayla is Jay's sister; Dev is Nan's son (Jay's uncle on Mum's side).
            FamilyLink(
                young_person_id=jay.id,
                kind=LinkKind.SIBLING,
                detail=LinkDetail.FULL,
                to_member=members["kayla"],
            ),
            FamilyLink(
                young_person_id=jay.id,
                kind=LinkKind.PARENT,
                detail=LinkDetail.BIRTH,
                from_member=members["nan"],
                to_member=members["dev"],
            ),
            Place(
                young_person_id=jay.id,
                name="Nan's flat, Riverside",
                from_year=2010,
                to_year=2014,
                note="Biscuit was a puppy. Dev came every Sunday.",
                people=[members["nan"], members["biscuit"], members["dev"]],
            ),
            Place(
                young_person_id=jay.id,
                name="Sue's house, Willowbank",
                from_year=2019,
                to_year=2021,
                note="Pizza nights. Mr Okafor's school was round the corner.",
                people=[members["sue"], members["okafor"]],
            ),
            Review(young_person_id=jay.id, kind=ReviewKind.CONFERENCE_REVIEW, due_on=date(2026, 2, 2)),
            # How Lifelong Links measures success: 3 people known at referral, 7 by the conference.
            NetworkSnapshot(
                young_person_id=jay.id,
                taken_on=date(2025, 3, 10),
                occasion=SnapshotOccasion.REFERRAL,
                people=3,
                taking_part=0,
            ),
            NetworkSnapshot(
                young_person_id=jay.id,
                taken_on=date(2025, 8, 2),
                occasion=SnapshotOccasion.CONFERENCE,
                people=7,
                taking_part=6,
            ),
        ]
    )
