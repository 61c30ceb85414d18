"""Where each person sits in the young person's circles drawing (closest in the middle).

Pure geometry, no Flask: the template draws the SVG from these numbers. Circle 1 is closest, 3 is
further out; someone not placed yet sits in the outer circle. People on one circle are spread evenly,
each circle turned a little so names on neighbouring circles do not line up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SIZE = 400  # room for the names under the outer circle
CENTRE = SIZE / 2
RADII = {1: 62, 2: 112, 3: 160}
TURN = {1: -90.0, 2: -60.0, 3: -75.0}  # degrees; -90 is straight up
LABEL_LENGTH = 12


@dataclass(frozen=True)
class Placed:
    key: str  # the person's public id
    label: str  # a short name that fits under the dot
    circle: int
    x: float
    y: float
    taking_part: bool
    pet: bool


def short_label(name: str) -> str:
    """The whole name when it fits, else the first word, shortened with "…" if still too long."""
    name = " ".join(name.split())
    if len(name) <= LABEL_LENGTH:
        return name
    first = name.split()[0] if name else name
    return first if len(first) <= LABEL_LENGTH else first[: LABEL_LENGTH - 1] + "…"


def place(people: list[tuple[str, str, int | None, bool, bool]]) -> list[Placed]:
    """``people``: (key, name, circle or None, taking part, pet), in the order to draw them."""
    by_circle: dict[int, list[tuple[str, str, bool, bool]]] = {1: [], 2: [], 3: []}
    for key, name, circle, taking_part, pet in people:
        by_circle[circle if circle in RADII else 3].append((key, name, taking_part, pet))
    placed = []
    for circle, members in by_circle.items():
        step = 360 / len(members) if members else 0
        for index, (key, name, taking_part, pet) in enumerate(members):
            angle = math.radians(TURN[circle] + index * step)
            placed.append(
                Placed(
                    key=key,
                    label=short_label(name),
                    circle=circle,
                    x=round(CENTRE + RADII[circle] * math.cos(angle), 1),
                    y=round(CENTRE + RADII[circle] * math.sin(angle), 1),
                    taking_part=taking_part,
                    pet=pet,
                )
            )
    return placed
