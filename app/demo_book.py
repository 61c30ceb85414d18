"""Jay's journey book in the demo: pages with pictures drawn here (no photo of anyone real), one page
shared with Nan and the coordinator, and a memory from Nan waiting for Jay to decide."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw

from app.domain import photos
from app.domain.journey import COORDINATOR
from app.models import (
    AuthorRole,
    ConsentKind,
    DatePrecision,
    EntryKind,
    EntryStatus,
    JourneyEntry,
    JourneyPhoto,
    NetworkMember,
    YoungPerson,
)

# fmt: off
# title, kind, date, precision, people, words, picture
_PAGES = [
    ("Met Aunt Rose on video for the first time", "milestone", date(2025, 7, 12), "day", ["rose"],
     "She has the same laugh as me. She showed me the street in Accra where Dad grew up.", None),
    ("The first trainer Nan kept", "photo", date(2011, 1, 1), "around_year", ["nan"],
     "Nan kept my first trainer in her button tin all these years. Tiny, red, **one star**.", "trainer"),
    ("The pizza we carried home in the rain", "memory", date(2020, 10, 1), "month", ["sue"],
     "You would carry the pizza box yourself. By the time we got home it was soup. Love, Sue", None),
    ("Conference day", "milestone", date(2025, 8, 2), "day", ["nan", "kayla", "dev", "sue", "okafor", "rose"],
     "Everyone came. Rose was on the big screen and Nan made us all laugh. We made the plan together.",
     "circle"),
    ("Dev and me at the match", "memory", date(2025, 8, 23), "day", ["dev"],
     "First match with Dev. We lost 2-1 but the chips were good and he knew all the songs.", "pitch"),
    ("Jollof, attempt one", "memory", date(2025, 10, 25), "day", ["nan", "biscuit"],
     "Nan showed me how to do the tomatoes. Too much pepper. _Biscuit_ ate the rice I dropped.", None),
]
_NANS_MEMORY = (
    "Your first walk in the park", date(2011, 1, 1), "around_year",
    "I remember taking you round the duck pond in the big blue pram. You shouted at every duck.", "pond",
)
# fmt: on


def _draw(picture: str) -> bytes:
    """A simple drawing standing in for a phone photo."""
    image = Image.new("RGB", (800, 600), (236, 242, 240))
    pen = ImageDraw.Draw(image)
    if picture == "trainer":
        pen.rounded_rectangle((180, 300, 620, 430), radius=60, fill=(200, 40, 40))
        pen.rectangle((180, 420, 620, 450), fill=(250, 250, 250))
        pen.regular_polygon((400, 360, 36), 5, fill=(250, 220, 60))
    elif picture == "circle":
        for number in range(7):
            x = 130 + number * 90
            pen.ellipse((x - 35, 250, x + 35, 320), fill=(11, 94, 85) if number != 3 else (138, 59, 18))
    elif picture == "pitch":
        image.paste((40, 140, 60), (0, 200, 800, 600))
        pen.line((400, 200, 400, 600), fill=(250, 250, 250), width=6)
        pen.ellipse((330, 330, 470, 470), outline=(250, 250, 250), width=6)
    else:  # the pond
        image.paste((120, 190, 110), (0, 300, 800, 600))
        pen.ellipse((200, 350, 600, 520), fill=(70, 140, 200))
        pen.ellipse((380, 400, 420, 430), fill=(250, 220, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _photo(picture: str | None, directory: Path, alt: str) -> list[JourneyPhoto]:
    if picture is None:
        return []
    stored = photos.clean_and_store(_draw(picture), directory)
    return [
        JourneyPhoto(
            storage_name=stored.storage_name,
            width=stored.width,
            height=stored.height,
            size_bytes=stored.size_bytes,
            alt_text=alt,
        )
    ]


_ALT = {
    "trainer": "A tiny red trainer with one yellow star",
    "circle": "Seven people sitting in a circle",
    "pitch": "A football pitch",
    "pond": "A blue pond in a green park, with a yellow duck",
}


def load_book(
    session,
    jay: YoungPerson,
    members: dict[str, NetworkMember],
    directory: Path,
    consent_event: Callable,
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    entries = {}
    for title, kind, happened_on, precision, people, body, picture in _PAGES:
        by_sue = title.startswith("The pizza")  # Sue sent it and Jay added it to the book
        entries[title] = JourneyEntry(
            young_person=jay,
            kind=EntryKind(kind),
            title=title,
            body=body,
            happened_on=happened_on,
            date_precision=DatePrecision(precision),
            author=members["sue"].account if by_sue else jay.account,
            author_role=AuthorRole.SUPPORTER if by_sue else AuthorRole.YOUNG_PERSON,
            status=EntryStatus.IN_BOOK,
            people=[members[key] for key in people],
            photos=_photo(picture, directory, _ALT.get(picture or "", "")),
        )
    title, happened_on, precision, body, picture = _NANS_MEMORY
    entries[title] = JourneyEntry(
        young_person=jay,
        kind=EntryKind.MEMORY,
        title=title,
        body=body,
        happened_on=happened_on,
        date_precision=DatePrecision(precision),
        author=members["nan"].account,
        author_role=AuthorRole.SUPPORTER,
        status=EntryStatus.AWAITING_YOUNG_PERSON,
        photos=_photo(picture, directory, _ALT[picture]),
    )
    session.add_all(entries.values())
    session.flush()
    conference = entries["Conference day"]
    for audience in (COORDINATOR, f"member:{members['nan'].public_id}"):
        scope = f"entry:{conference.public_id}:{audience}"
        session.add(consent_event(jay, ConsentKind.SHARING, jay.account, date(2025, 8, 3), scope=scope))
