"""The family tree (genogram) for staff: generations, positions and lines; a template draws the SVG.

- Rows: the young person is 0; a parent figure sits a row above their child; siblings and partners share
  a row. Birth links place people first, then full and half siblings, then partners, pets and adoption,
  then step, foster and kinship. A link that disagrees (Nan is Mum's mother and a kinship carer) goes
  round the right-hand edge. Only people linked to the young person are drawn: the rest are listed.
- Parent figures of one child, of one kind, in one row, share a bar; a line drops from its middle to a
  line over their children. A single parent's line goes straight down (no "unknown" box); three or more
  share one bar; half-siblings hang only from the parent they share. No gender is recorded, so one shape
  fits everyone and same-sex parents need nothing special. Pets hang below who they belong to.
- People keep at least ``SLOT`` apart, pulled towards those they are linked to. Each horizontal line has
  its own lane between the rows: lines may cross but never run along one another.

Links: a parent figure is birth, adoptive, step, foster or kinship; siblings are full, half, step, foster
or adoptive; partners have no detail; a pet is only the child end of a parent link with no detail ("belongs
to"). Two people have one link at most, and nobody becomes their own ancestor.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import audit
from app.domain.network import NetworkRefused, may_edit
from app.models import Account, FamilyLink, LinkDetail, LinkKind, MemberKind, NetworkMember, YoungPerson

YOU = "you"  # the young person's key; everyone else's is their public id
SLOT = 120  # the least distance between two people in a row, room for a short name
R = 15  # a person's marker radius
LABEL = 34  # two lines of words under a marker
LANE = 9  # between two horizontal lines
MARGIN = 16
SWEEPS = 9  # the last one from the top, so children sit under their parents

PARENT_DETAILS = tuple(map(LinkDetail, ("birth", "adoptive", "step", "foster", "kinship")))
SIBLING_DETAILS = tuple(map(LinkDetail, ("full", "half", "step", "foster", "adoptive")))
# Which links place people first: birth, then full and half siblings, then partners, pets and adoption.
_RANK = {LinkDetail.BIRTH: 0, LinkDetail.FULL: 1, LinkDetail.HALF: 1, None: 2, LinkDetail.ADOPTIVE: 2}
_ORDER = {value: i for i, value in enumerate(["parent", "sibling", "partner", "pet", *LinkDetail])}  # legend


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    young_person: bool = False
    deceased: bool = False
    pet: bool = False


class Sentence(NamedTuple):
    """One link in words. parent: first is a parent figure of second; pet: first belongs to second;
    sibling and partner: first and second are siblings (partners)."""

    kind: str
    detail: LinkDetail | None
    first: Person
    second: Person
    link_key: str


@dataclass(frozen=True)
class Node:
    person: Person
    generation: int
    x: float
    y: float


@dataclass
class Line:
    kind: str  # parent, pet, sibling or partner
    detail: LinkDetail | None
    people: tuple[str, ...]
    parents: tuple[str, ...] = ()  # parent figures (or a pet's owner); the rest are their children
    round_the_edge: bool = False  # joins people in rows that do not fit the link
    segments: list[tuple[float, float, float, float]] = field(default_factory=list)

    @property
    def style(self) -> str:
        return self.kind if self.detail is None else self.detail.value


@dataclass
class Layout:
    width: float
    height: float
    nodes: dict[str, Node]
    lines: list[Line]
    unplaced: list[Person]
    legend: list[tuple[str, LinkDetail | None]]  # the lines drawn, as (kind, detail)
    shown: frozenset[str]  # which of "pet", "died" and "round_the_edge" the legend must explain


class _Edge(NamedTuple):
    key: str
    kind: LinkKind
    detail: LinkDetail | None
    a: str  # from
    b: str  # to


def _graph(young_person: YoungPerson, members: list[NetworkMember], links: list[FamilyLink]):
    people = {YOU: Person(YOU, young_person.chosen_name, young_person=True)}
    by_id = {None: YOU} | {m.id: m.public_id for m in members}
    for m in members:
        people[m.public_id] = Person(m.public_id, m.name, False, m.deceased, m.kind is MemberKind.PET)
    end = by_id.get
    edges = [
        _Edge(link.public_id, link.kind, link.detail, end(link.from_member_id), end(link.to_member_id))
        for link in sorted(links, key=lambda link: link.id)
    ]
    return people, [e for e in edges if e.a in people and e.b in people]


def _generations(edges: list[_Edge]) -> dict[str, int]:
    """The young person is 0; links that say most about a generation place people first."""
    generation = {YOU: 0}
    waiting = sorted(edges, key=lambda e: _RANK.get(e.detail, 3))
    while True:
        edge = next((e for e in waiting if (e.a in generation) != (e.b in generation)), None)
        if edge is None:
            return generation
        step = 1 if edge.kind is LinkKind.PARENT else 0
        if edge.a in generation:
            generation[edge.b] = generation[edge.a] + step
        else:
            generation[edge.a] = generation[edge.b] - step


def _spread(wanted: list[float]) -> list[float]:
    """The positions, in this order and at least SLOT apart, nearest to the wanted ones (least squares)."""
    blocks: list[tuple[float, int]] = []
    for i, x in enumerate(wanted):
        blocks.append((x - i * SLOT, 1))
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            (m2, n2), (m1, n1) = blocks.pop(), blocks.pop()
            blocks.append(((m1 * n1 + m2 * n2) / (n1 + n2), n1 + n2))
    flat = [mean for mean, count in blocks for _ in range(count)]
    return [z + i * SLOT for i, z in enumerate(flat)]


def _positions(rows: dict[int, list[str]], edges: list[_Edge], row_of: dict[str, int]) -> dict[str, float]:
    near = defaultdict(list)  # who pulls whom: birth, adoption and partners most; round the edge not at all
    for e in edges:
        if row_of[e.b] - row_of[e.a] == (e.kind is LinkKind.PARENT):
            near[e.a].extend([e.b] * (3 if _RANK.get(e.detail, 3) < 3 else 1))
            near[e.b].extend([e.a] * (3 if _RANK.get(e.detail, 3) < 3 else 1))
    x = {key: i * SLOT for row in rows.values() for i, key in enumerate(row)}
    for sweep in range(SWEEPS):
        for g in sorted(rows, reverse=sweep % 2 == 1):
            row = rows[g]
            want = {k: sum(x[n] for n in near[k]) / len(near[k]) if near[k] else x[k] for k in row}
            row.sort(key=lambda k: want[k])
            x.update(zip(row, _spread([want[k] for k in row]), strict=True))
    shift = MARGIN + SLOT / 2 - min(x.values())
    return {k: round(v + shift, 1) for k, v in x.items()}


def _line_groups(edges: list[_Edge], generation: dict[str, int], people: dict[str, Person]):
    """Lines as (line, groups): a group is (row, "below" or "above", keys) of people joined by one
    horizontal line under or over their row."""
    units, parents_of = defaultdict(list), defaultdict(list)
    for e in edges:
        if e.kind is LinkKind.PARENT:
            parents_of[(e.b, e.detail, generation[e.a])].append(e.a)
    for (child, detail, row), parents in parents_of.items():
        units[(tuple(sorted(parents)), detail, row, generation[child])].append(child)
    drawn, hanging_together = [], set()
    for (parents, detail, row, child_row), children in units.items():
        kind = "pet" if all(people[c].pet for c in children) else "parent"
        line = Line(kind, detail, parents + tuple(children), parents, row + 1 != child_row)
        drawn.append((line, [(row, "below", list(parents)), (child_row, "above", children)]))
        hanging_together.update(frozenset((a, b)) for a in children for b in children if a != b)
    for e in edges:
        if e.kind is LinkKind.PARENT or frozenset((e.a, e.b)) in hanging_together:
            continue
        side = "above" if e.kind is LinkKind.SIBLING else "below"
        a, b = generation[e.a], generation[e.b]
        groups = [(a, side, [e.a, e.b])] if a == b else [(a, side, [e.a]), (b, side, [e.b])]
        drawn.append((Line(e.kind.value, e.detail, (e.a, e.b), (), a != b), groups))
    return drawn


@dataclass
class _Bus:
    """One horizontal line under (``below``) or over (``above``) a row, and the people hanging from it."""

    place: tuple[int, str]
    low: float
    high: float
    line: int
    ends: list[tuple[str, float]]
    lane: int = 0


def _buses(drawn: list, x: dict[str, float], right: float) -> tuple[list[_Bus], dict[int, float], int]:
    """The horizontal lines, and where each two-part line's vertical join runs (round the edge or not)."""
    at = defaultdict(list)
    for index, (_line, groups) in enumerate(drawn):
        for _row, side, keys in groups:
            for key in keys:
                at[(key, side)].append(index)

    def end_x(key, side, index):  # several lines from one person leave a little apart
        users = at[(key, side)]
        return x[key] + (users.index(index) - (len(users) - 1) / 2) * min(5, 24 / len(users))

    buses, joins, corridors = [], {}, 0
    for index, (line, groups) in enumerate(drawn):
        ends = [[(key, end_x(key, side, index)) for key in keys] for _row, side, keys in groups]
        if len(groups) == 2 and line.round_the_edge:
            corridors += 1
            joins[index] = right + corridors * 2 * LANE
        elif len(groups) == 2:
            joins[index] = (min(px for _k, px in ends[0]) + max(px for _k, px in ends[0])) / 2
        for (row, side, _keys), own in zip(groups, ends, strict=True):
            xs = [px for _k, px in own] + ([joins[index]] if index in joins else [])
            buses.append(_Bus((row, side), min(xs), max(xs), index, own))
    return buses, joins, corridors


def _lanes(buses: list[_Bus]) -> dict[tuple[int, str], int]:
    """Give each horizontal line the first lane of its place where it fits; a straight drop needs none."""
    ends: dict[tuple[int, str], list[float]] = defaultdict(list)
    for bus in sorted(buses, key=lambda b: (b.place, b.low)):
        taken = ends[bus.place]
        if bus.high - bus.low >= 0.5:
            bus.lane = next((i for i, end in enumerate(taken) if end + LANE < bus.low), len(taken))
            taken[bus.lane : bus.lane + 1] = [bus.high]
    return {place: len(taken) for place, taken in ends.items()}


def layout(young_person: YoungPerson, members: list[NetworkMember], links: list[FamilyLink]) -> Layout:
    people, edges = _graph(young_person, members, links)
    generation = _generations(edges)
    edges = [e for e in edges if e.a in generation and e.b in generation]
    rows: dict[int, list[str]] = defaultdict(list)
    for key, g in generation.items():
        rows[g].append(key)
    x = _positions(rows, edges, generation)
    drawn = _line_groups(edges, generation, people)
    right = max(x.values()) + SLOT / 2
    buses, joins, corridors = _buses(drawn, x, right)
    lanes = _lanes(buses)

    y, top = {}, MARGIN
    for g in range(min(rows), max(rows) + 1):
        y[g] = top + max(1, lanes.get((g, "above"), 0)) * LANE + 8 + R
        top = y[g] + R + LABEL + max(1, lanes.get((g, "below"), 0)) * LANE + 16

    lines = [line for line, _groups in drawn]
    levels = defaultdict(list)
    for bus in buses:
        row, side = bus.place
        edge = R if side == "below" else -R
        level = y[row] + R + LABEL + bus.lane * LANE if side == "below" else y[row] - R - 8 - bus.lane * LANE
        levels[bus.line].append(level)
        segments = lines[bus.line].segments
        if bus.high > bus.low:
            segments.append((round(bus.low, 1), level, round(bus.high, 1), level))
        segments.extend(
            (round(px, 1), y[generation[key]] + edge, round(px, 1), level) for key, px in bus.ends
        )
    for index, join in joins.items():
        lines[index].segments.append((round(join, 1), min(levels[index]), round(join, 1), max(levels[index])))

    nodes = {k: Node(people[k], g, x[k], y[g]) for k, g in generation.items()}
    legend = sorted({(ln.kind, ln.detail) for ln in lines}, key=lambda e: (_ORDER[e[0]], _ORDER.get(e[1], 9)))
    unplaced = [p for k, p in people.items() if k not in generation]
    drawn_people = [node.person for node in nodes.values()]
    shown = {"pet": any(p.pet for p in drawn_people), "died": any(p.deceased for p in drawn_people)}
    shown = frozenset(k for k, on in (shown | {"round_the_edge": corridors > 0}).items() if on)
    width = right + corridors * 2 * LANE + MARGIN
    return Layout(round(width, 1), round(top, 1), nodes, lines, unplaced, legend, shown)


def read_the_family(
    young_person: YoungPerson, members: list[NetworkMember], links: list[FamilyLink]
) -> list[Sentence]:
    """Every link in words, oldest generation first, for the list view and screen readers."""
    people, edges = _graph(young_person, members, links)
    generation = _generations(edges)
    sentences = []
    for e in sorted(edges, key=lambda e: min(generation.get(e.a, 99), generation.get(e.b, 99))):
        if e.kind is LinkKind.PARENT and people[e.b].pet:
            sentences.append(Sentence("pet", None, people[e.b], people[e.a], e.key))
        else:
            sentences.append(Sentence(e.kind.value, e.detail, people[e.a], people[e.b], e.key))
    return sentences


# Changing the links


class LinkRefused(NetworkRefused):
    """``reason``: not_allowed, not_in_network, same_person, pet_link, detail_needed, wrong_detail,
    already_linked or loop."""


def family_links(session: Session, young_person: YoungPerson) -> list[FamilyLink]:
    query = select(FamilyLink).where(FamilyLink.young_person_id == young_person.id).order_by(FamilyLink.id)
    return list(session.scalars(query))


def _check(kind, detail, from_member, to_member) -> None:
    pets = [m for m in (from_member, to_member) if m is not None and m.kind is MemberKind.PET]
    if pets:
        if kind is not LinkKind.PARENT or from_member in pets or len(pets) > 1 or detail is not None:
            raise LinkRefused("pet_link")
        return
    allowed = {LinkKind.PARENT: PARENT_DETAILS, LinkKind.SIBLING: SIBLING_DETAILS}.get(kind, (None,))
    if detail is None and None not in allowed:
        raise LinkRefused("detail_needed")
    if detail not in allowed:
        raise LinkRefused("wrong_detail")


def add_link(
    session: Session,
    actor: Account,
    young_person: YoungPerson,
    kind: LinkKind,
    detail: LinkDetail | None,
    from_member: NetworkMember | None,
    to_member: NetworkMember | None,
) -> FamilyLink:
    """A member ``None`` is the young person. PARENT: ``from_member`` is a parent figure of ``to_member``."""
    if not may_edit(actor, young_person):
        raise LinkRefused("not_allowed")
    if any(m is not None and m.young_person_id != young_person.id for m in (from_member, to_member)):
        raise LinkRefused("not_in_network")
    a, b = (m.id if m is not None else None for m in (from_member, to_member))
    if a == b:
        raise LinkRefused("same_person")
    _check(kind, detail, from_member, to_member)
    existing = family_links(session, young_person)
    if any({link.from_member_id, link.to_member_id} == {a, b} for link in existing):
        raise LinkRefused("already_linked")
    if kind is LinkKind.PARENT:
        below, found, stack = defaultdict(set), set(), [b]
        for link in existing:
            if link.kind is LinkKind.PARENT:
                below[link.from_member_id].add(link.to_member_id)
        while stack:  # everyone descended from ``to``: ``from`` must not be one of them
            current = stack.pop()
            found.add(current)
            stack.extend(below[current] - found)
        if a in found:
            raise LinkRefused("loop")
    link = FamilyLink(
        young_person_id=young_person.id, kind=kind, detail=detail, from_member_id=a, to_member_id=b
    )
    session.add(link)
    session.flush()
    _audit(session, actor, "family.link_added", link)
    return link


def remove_link(session: Session, actor: Account, young_person: YoungPerson, link: FamilyLink) -> None:
    if not may_edit(actor, young_person):
        raise LinkRefused("not_allowed")
    if link.young_person_id != young_person.id:
        raise LinkRefused("not_in_network")
    _audit(session, actor, "family.link_removed", link)
    session.delete(link)
    session.flush()


def _audit(session: Session, actor: Account, action: str, link: FamilyLink) -> None:
    audit.record(
        session,
        actor,
        action,
        object_type="family_link",
        object_public_id=link.public_id,
        young_person_id=link.young_person_id,
        detail={"kind": link.kind.value, "detail": link.detail.value if link.detail else None},
    )
