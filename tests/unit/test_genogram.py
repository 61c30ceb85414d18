"""The family tree (app/domain/genogram.py) on a real database: the families staff really meet, drawn
without lying, and the rules for changing links."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from app.domain import genogram, permissions
from app.domain.genogram import SLOT, YOU, LinkRefused
from app.models import AuditEvent, FamilyLink, LinkDetail, LinkKind, MemberKind, Role
from tests import factories

BIRTH, ADOPTIVE, STEP, FOSTER, KINSHIP, FULL, HALF = (
    LinkDetail.BIRTH,
    LinkDetail.ADOPTIVE,
    LinkDetail.STEP,
    LinkDetail.FOSTER,
    LinkDetail.KINSHIP,
    LinkDetail.FULL,
    LinkDetail.HALF,
)
PARENT, SIBLING, PARTNER = LinkKind.PARENT, LinkKind.SIBLING, LinkKind.PARTNER


class Family:
    """Jay and the people around them, linked through the domain as a coordinator would."""

    def __init__(self, session, organisation, coordinator):
        self.session, self.coordinator = session, coordinator
        self.young_person = factories.young_person(session, organisation=organisation, chosen_name="Jay")

    def person(self, name, **values):
        return factories.network_member(self.session, self.young_person, name=name, **values)

    def link(self, kind, detail, from_member, to_member):
        return genogram.add_link(
            self.session, self.coordinator, self.young_person, kind, detail, from_member, to_member
        )

    def parent(self, parent, child, detail=BIRTH):
        return self.link(PARENT, detail, parent, child)

    def layout(self):
        links = genogram.family_links(self.session, self.young_person)
        return genogram.layout(self.young_person, self.young_person.network, links)

    def words(self):
        links = genogram.family_links(self.session, self.young_person)
        return genogram.read_the_family(self.young_person, self.young_person.network, links)


@pytest.fixture
def family(db_session, organisation, coordinator):
    return Family(db_session, organisation, coordinator)


def generations(layout) -> dict[str, int]:
    return {key: node.generation for key, node in layout.nodes.items()}


def line_for(layout, kind, detail, *people):
    found = [
        line
        for line in layout.lines
        if line.kind == kind and line.detail == detail and set(line.people) == {p_key(p) for p in people}
    ]
    assert len(found) == 1, [(line.kind, line.detail, line.people) for line in layout.lines]
    return found[0]


def p_key(member) -> str:
    return YOU if member is None else member.public_id


def horizontal(line):
    return [s for s in line.segments if s[1] == s[3] and s[0] != s[2]]


def vertical(line):
    return [s for s in line.segments if s[0] == s[2]]


def check_drawing(layout) -> None:
    """What every drawing must get right: no two people in a row closer than SLOT, no two horizontal
    lines running along one another, everything inside the picture."""
    rows = {}
    for node in layout.nodes.values():
        rows.setdefault(node.generation, []).append(node)
        assert node.x - SLOT / 2 + 1 > 0 and node.x + SLOT / 2 <= layout.width
        assert 0 < node.y < layout.height
    for row in rows.values():
        xs = sorted(node.x for node in row)
        assert all(b - a >= SLOT - 0.2 for a, b in itertools.pairwise(xs)), xs
        assert len({node.y for node in row}) == 1
    flat = [(index, s) for index, line in enumerate(layout.lines) for s in horizontal(line)]
    for (i, a), (j, b) in itertools.combinations(flat, 2):
        if i != j and a[1] == b[1]:
            assert min(a[2], b[2]) < max(a[0], b[0]), ("lines run together", a, b)
    for line in layout.lines:
        for x1, y1, x2, y2 in line.segments:
            assert min(x1, x2) >= 0 and max(x1, x2) <= layout.width and 0 <= min(y1, y2) <= layout.height


# Layout: the families staff really meet


def test_birth_parents_share_a_bar_and_the_young_person_hangs_from_its_middle(family):
    mum, dad = family.person("Kerry"), family.person("Dean")
    family.parent(mum, None)
    family.parent(dad, None)
    layout = family.layout()
    check_drawing(layout)
    assert generations(layout) == {YOU: 0, mum.public_id: -1, dad.public_id: -1}
    line = line_for(layout, "parent", BIRTH, mum, dad, None)
    assert set(line.parents) == {mum.public_id, dad.public_id} and not line.round_the_edge
    nodes = layout.nodes
    bar = min(horizontal(line), key=lambda s: s[1])  # the bar under the parents
    assert bar[0] <= min(nodes[mum.public_id].x, nodes[dad.public_id].x) + 5
    assert bar[2] >= max(nodes[mum.public_id].x, nodes[dad.public_id].x) - 5
    middle = (nodes[mum.public_id].x + nodes[dad.public_id].x) / 2
    assert abs(nodes[YOU].x - middle) < 1  # Jay sits under the middle of the bar
    assert any(abs(s[0] - middle) < 1 and s[1] == bar[1] for s in vertical(line))  # the drop
    assert layout.legend == [("parent", BIRTH)]


def test_a_single_parent_goes_straight_down_with_no_unknown_box(family):
    mum = family.person("Kerry", relationship_label="Mum")
    family.parent(mum, None)
    layout = family.layout()
    check_drawing(layout)
    assert set(layout.nodes) == {YOU, mum.public_id}  # nobody invented for a second parent
    line = line_for(layout, "parent", BIRTH, mum, None)
    assert line.parents == (mum.public_id,)
    assert horizontal(line) == [] and layout.nodes[YOU].x == layout.nodes[mum.public_id].x
    ys = sorted(y for s in line.segments for y in (s[1], s[3]))
    assert ys[0] == layout.nodes[mum.public_id].y + genogram.R and ys[-1] == layout.nodes[YOU].y - genogram.R
    assert [s.kind for s in family.words()] == ["parent"]


def test_more_than_two_parent_figures_each_kind_with_its_own_line(family):
    mum, dad = family.person("Kerry"), family.person("Dean")
    carers = [family.person("Sam"), family.person("Alex"), family.person("Robin")]
    stepdad = family.person("Steve")
    family.parent(mum, None)
    family.parent(dad, None)
    for carer in carers:  # three adoptive parents share one bar
        family.parent(carer, None, ADOPTIVE)
    family.parent(stepdad, None, STEP)
    layout = family.layout()
    check_drawing(layout)
    assert {g for key, g in generations(layout).items() if key != YOU} == {-1}
    adoptive = line_for(layout, "parent", ADOPTIVE, *carers, None)
    assert len(adoptive.parents) == 3
    xs = [layout.nodes[c.public_id].x for c in carers]
    bar = min(horizontal(adoptive), key=lambda s: s[1])
    assert bar[0] <= min(xs) + 5 and bar[2] >= max(xs) - 5
    assert line_for(layout, "parent", BIRTH, mum, dad, None).parents == tuple(
        sorted((mum.public_id, dad.public_id))
    )
    assert line_for(layout, "parent", STEP, stepdad, None).parents == (stepdad.public_id,)
    assert layout.legend == [("parent", BIRTH), ("parent", ADOPTIVE), ("parent", STEP)]
    assert len([s for s in family.words() if s.second.young_person]) == 6


def test_same_sex_parents_are_a_couple_like_any_other(family):
    mums = [family.person("Kerry", relationship_label="Mum"), family.person("Jo", relationship_label="Mum")]
    sister = family.person("Mia")
    for mum in mums:
        family.parent(mum, None)
        family.parent(mum, sister)
    layout = family.layout()
    check_drawing(layout)
    line = line_for(layout, "parent", BIRTH, *mums, None, sister)
    assert set(line.parents) == {m.public_id for m in mums}
    assert generations(layout)[sister.public_id] == 0
    words = [(s.kind, s.detail, s.first.name, s.second.name) for s in family.words()]
    assert ("parent", BIRTH, "Jo", "Jay") in words and ("parent", BIRTH, "Kerry", "Mia") in words


def test_half_siblings_hang_only_from_the_parent_they_share(family):
    mum, dad, steve = family.person("Kerry"), family.person("Dean"), family.person("Steve")
    mia, tyler, lily = family.person("Mia"), family.person("Tyler"), family.person("Lily")
    family.parent(mum, None)
    family.parent(dad, None)
    family.parent(mum, mia)
    family.parent(dad, mia)
    family.link(SIBLING, FULL, None, mia)  # already shown by the shared line: not drawn twice
    family.parent(mum, tyler)
    family.parent(steve, tyler)
    family.parent(dad, lily)  # Lily's mum is not known: no box for her
    family.link(SIBLING, HALF, None, tyler)
    layout = family.layout()
    check_drawing(layout)
    assert {generations(layout)[p.public_id] for p in (mia, tyler, lily)} == {0}
    line_for(layout, "parent", BIRTH, mum, dad, None, mia)
    line_for(layout, "parent", BIRTH, mum, steve, tyler)
    assert line_for(layout, "parent", BIRTH, dad, lily).parents == (dad.public_id,)
    half = line_for(layout, "sibling", HALF, None, tyler)
    assert half.style == "half" and not half.round_the_edge
    assert not [line for line in layout.lines if line.kind == "sibling" and line.detail is FULL]
    assert ("sibling", HALF) in layout.legend and ("sibling", FULL) not in layout.legend
    sentences = {(s.kind, s.detail, s.first.key, s.second.key) for s in family.words()}
    assert ("sibling", FULL, YOU, mia.public_id) in sentences  # still said in words
    assert ("sibling", HALF, YOU, tyler.public_id) in sentences


def test_grandparents_and_a_kinship_carer_in_another_generation(family):
    nan, grandad, mum = family.person("Pat"), family.person("Joe", deceased=True), family.person("Kerry")
    family.parent(nan, None, KINSHIP)  # entered first, but birth links decide the rows
    family.parent(nan, mum)
    family.parent(grandad, mum)
    family.parent(mum, None)
    layout = family.layout()
    check_drawing(layout)
    assert generations(layout) == {YOU: 0, mum.public_id: -1, nan.public_id: -2, grandad.public_id: -2}
    kinship = line_for(layout, "parent", KINSHIP, nan, None)
    assert kinship.round_the_edge and kinship.style == "kinship"
    right_of_everyone = max(node.x for node in layout.nodes.values()) + SLOT / 2
    assert any(s[0] > right_of_everyone for s in vertical(kinship))
    assert not line_for(layout, "parent", BIRTH, nan, grandad, mum).round_the_edge
    assert layout.shown == {"died", "round_the_edge"}
    assert layout.nodes[grandad.public_id].person.deceased
    assert [s.first.name for s in family.words()][:3] == ["Pat", "Pat", "Joe"]  # oldest generation first


def test_partners_children_and_pets(family):
    jordan, rae = family.person("Jordan"), family.person("Rae")
    biscuit = family.person("Biscuit", kind=MemberKind.PET)
    family.link(PARTNER, None, None, jordan)
    family.parent(None, rae)
    family.parent(jordan, rae)
    family.link(PARENT, None, None, biscuit)
    layout = family.layout()
    check_drawing(layout)
    assert generations(layout) == {YOU: 0, jordan.public_id: 0, rae.public_id: 1, biscuit.public_id: 1}
    partners = line_for(layout, "partner", None, None, jordan)
    assert partners.style == "partner"
    assert min(s[1] for s in horizontal(partners)) > layout.nodes[YOU].y  # under the couple
    pet = line_for(layout, "pet", None, None, biscuit)
    assert pet.parents == (YOU,) and pet.style == "pet"
    assert layout.shown == {"pet"}
    assert ("pet", None, "Biscuit", "Jay") in [
        (s.kind, s.detail, s.first.name, s.second.name) for s in family.words()
    ]


def test_people_not_linked_to_the_young_person_are_not_yet_placed(family):
    mum, loner = family.person("Kerry"), family.person("Someone from school")
    nan, grandad = family.person("Pat"), family.person("Joe")
    family.parent(mum, None)
    family.link(PARTNER, None, nan, grandad)  # linked to each other, not yet to Jay's family
    layout = family.layout()
    assert set(layout.nodes) == {YOU, mum.public_id}
    assert [p.name for p in layout.unplaced] == ["Someone from school", "Pat", "Joe"]
    assert all(set(line.people) <= set(layout.nodes) for line in layout.lines)
    assert ("partner", "Pat", "Joe") in [(s.kind, s.first.name, s.second.name) for s in family.words()]
    assert loner.public_id not in layout.nodes


def test_a_young_person_with_no_links_is_drawn_alone(family):
    family.person("Kerry")
    layout = family.layout()
    assert list(layout.nodes) == [YOU] and layout.lines == [] and layout.legend == []
    assert [p.name for p in layout.unplaced] == ["Kerry"] and family.words() == []


def test_a_big_real_family_never_overlaps(family):
    nan, grandad = family.person("Pat"), family.person("Joe", deceased=True)
    gran, gramps = family.person("Val"), family.person("Ken")
    mum, dad, steve = family.person("Kerry"), family.person("Dean"), family.person("Steve")
    for grandparent in (nan, grandad):
        family.parent(grandparent, mum)
    for grandparent in (gran, gramps):
        family.parent(grandparent, dad)
    aunts = [family.person(f"Aunt {n}") for n in range(3)]
    for aunt in aunts:
        family.parent(nan, aunt)
        family.parent(grandad, aunt)
    family.parent(mum, None)
    family.parent(dad, None)
    family.link(PARTNER, None, mum, steve)
    siblings = [family.person(f"Sibling {n}") for n in range(4)]
    for n, sibling in enumerate(siblings):
        family.parent(mum, sibling)
        family.parent(dad if n % 2 else steve, sibling)
    cousins = [family.person(f"Cousin {n}") for n in range(5)]
    for n, cousin in enumerate(cousins):
        family.parent(aunts[n % 3], cousin)
    carers = [family.person("Foster carer A"), family.person("Foster carer B")]
    for carer in carers:
        family.parent(carer, None, FOSTER)
    foster_sister = family.person("Foster sister")
    family.link(SIBLING, FOSTER, None, foster_sister)
    family.parent(nan, None, KINSHIP)
    family.parent(steve, None, STEP)
    family.link(PARENT, None, None, family.person("Biscuit", kind=MemberKind.PET))
    layout = family.layout()
    check_drawing(layout)
    assert len(layout.nodes) == 24 and layout.unplaced == []
    assert {generations(layout)[c.public_id] for c in cousins} == {0}
    assert {generations(layout)[a.public_id] for a in aunts} == {-1}
    assert set(layout.shown) == {"pet", "died", "round_the_edge"}
    assert len(family.words()) == len(genogram.family_links(family.session, family.young_person))


# Changing links


def test_links_are_checked_and_nothing_wrong_is_stored(family, db_session, organisation):
    mum, kid = family.person("Kerry"), family.person("Rae")
    biscuit, rex = family.person("Biscuit", kind=MemberKind.PET), family.person("Rex", kind=MemberKind.PET)
    someone_elses = factories.network_member(db_session, factories.young_person(db_session, organisation))
    family.parent(mum, None)
    family.parent(None, kid)
    refused = {
        "same_person": [(PARTNER, None, mum, mum), (SIBLING, FULL, None, None)],
        "not_in_network": [(SIBLING, FULL, None, someone_elses)],
        "detail_needed": [(PARENT, None, mum, kid), (SIBLING, None, None, mum)],
        "wrong_detail": [(PARENT, FULL, mum, kid), (SIBLING, KINSHIP, None, mum), (PARTNER, STEP, mum, kid)],
        "already_linked": [
            (PARENT, BIRTH, mum, None),
            (PARENT, BIRTH, None, mum),
            (PARTNER, None, mum, None),
        ],
        "loop": [(PARENT, BIRTH, kid, mum)],  # Rae would be her own great-grandparent
        "pet_link": [
            (PARENT, None, biscuit, None),
            (SIBLING, FULL, None, biscuit),
            (PARENT, BIRTH, None, biscuit),
            (PARENT, None, rex, biscuit),
        ],
    }
    before = genogram.family_links(db_session, family.young_person)
    for reason, attempts in refused.items():
        for attempt in attempts:
            with pytest.raises(LinkRefused) as caught:
                family.link(*attempt)
            assert caught.value.reason == reason, attempt
    assert genogram.family_links(db_session, family.young_person) == before
    assert family.link(PARENT, None, kid, biscuit).kind is PARENT  # a pet belongs to someone: allowed
    for detail in genogram.PARENT_DETAILS:
        assert family.parent(family.person(f"Carer {detail}"), None, detail).detail is detail


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.COORDINATOR, True),
        (Role.SOCIAL_WORKER, True),
        (Role.IRO, False),
        (Role.MANAGER, False),
        (Role.ADMIN, False),
    ],
)
def test_only_coordinators_and_social_workers_change_links(db_session, family, organisation, role, allowed):
    mum = family.person("Kerry")
    actor = factories.account(db_session, role=role, organisation=organisation)
    if allowed:
        link = genogram.add_link(db_session, actor, family.young_person, PARENT, BIRTH, mum, None)
        genogram.remove_link(db_session, actor, family.young_person, link)
        assert genogram.family_links(db_session, family.young_person) == []
        return
    with pytest.raises(LinkRefused) as caught:
        genogram.add_link(db_session, actor, family.young_person, PARENT, BIRTH, mum, None)
    assert caught.value.reason == "not_allowed"
    link = family.parent(mum, None)
    with pytest.raises(LinkRefused):
        genogram.remove_link(db_session, actor, family.young_person, link)
    assert genogram.family_links(db_session, family.young_person) == [link]


def test_staff_of_another_council_can_neither_change_nor_find_a_link(db_session, family, other_organisation):
    mum = family.person("Kerry")
    link = family.parent(mum, None)
    db_session.commit()
    stranger = factories.account(db_session, role=Role.COORDINATOR, organisation=other_organisation)
    with pytest.raises(LinkRefused):
        genogram.add_link(db_session, stranger, family.young_person, PARTNER, None, mum, None)
    with pytest.raises(LinkRefused):
        genogram.remove_link(db_session, stranger, family.young_person, link)
    assert permissions.family_link_for(db_session, stranger, link.public_id) is None
    assert permissions.family_link_for(db_session, family.coordinator, link.public_id) == (
        link,
        family.young_person,
    )


def test_adding_and_removing_a_link_is_audited(db_session, family):
    mum = family.person("Kerry")
    link = family.parent(mum, None, ADOPTIVE)
    public_id = link.public_id
    genogram.remove_link(db_session, family.coordinator, family.young_person, link)
    db_session.commit()
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.object_public_id == public_id).order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["family.link_added", "family.link_removed"]
    assert all(e.actor_account_id == family.coordinator.id for e in events)
    assert all(e.young_person_id == family.young_person.id for e in events)
    assert events[0].detail == {"kind": "parent", "detail": "adoptive"}
    assert db_session.scalar(select(FamilyLink).where(FamilyLink.public_id == public_id)) is None
