"""The family tree page over HTTP: staff see the drawing and the same family in words, change links with
ordinary form controls (no dragging), and only the right staff of the right council may change them."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.models import AuditEvent, FamilyLink, LinkDetail, LinkKind, MemberKind, Role
from tests import factories
from tests.conftest import sign_in
from tests.helpers import PageClient, count_queries

ADD_FORM = "form[action$='/family/links']"


@pytest.fixture
def jay(db_session, organisation, coordinator):
    """Jay, their birth mum and dad, a half-brother on Mum's side, a foster carer, a nan who has died,
    a dog, and a friend not yet placed in the family tree."""
    person = factories.young_person(
        db_session, organisation=organisation, chosen_name="Jay", coordinator_id=coordinator.id
    )

    def member(name, **values):
        return factories.network_member(db_session, person, name=name, **values)

    people = {
        "mum": member("Kerry", relationship_label="Mum"),
        "dad": member("Dean", relationship_label="Dad"),
        "tyler": member("Tyler", relationship_label="Brother"),
        "carer": member("Sam", relationship_label="Foster carer"),
        "nan": member("Pat", relationship_label="Nan", deceased=True),
        "dog": member("Biscuit", relationship_label="Dog", kind=MemberKind.PET),
        "friend": member("Ellis", relationship_label="Friend"),
    }
    link = factories.family_link
    link(db_session, person, people["mum"], None)
    link(db_session, person, people["dad"], None)
    link(db_session, person, people["mum"], people["tyler"])
    link(db_session, person, None, people["tyler"], LinkKind.SIBLING, LinkDetail.HALF)
    link(db_session, person, people["carer"], None, detail=LinkDetail.FOSTER)
    link(db_session, person, people["nan"], people["mum"])
    link(db_session, person, None, people["dog"], detail=None)
    db_session.commit()
    person.people = people
    return person


def signed_in(app, account) -> PageClient:
    client = PageClient(app.test_client())
    sign_in(client, account)
    return client


def text(node) -> str:
    return " ".join(node.get_text(" ", strip=True).split())


def links_of(db_session, young_person) -> list[FamilyLink]:
    db_session.expire_all()
    return list(
        db_session.scalars(
            select(FamilyLink).where(FamilyLink.young_person_id == young_person.id).order_by(FamilyLink.id)
        )
    )


def meta_csrf(soup) -> str:
    return soup.find("meta", attrs={"name": "csrf-token"})["content"]


def test_the_page_draws_the_family_and_reads_it_out(app, jay, coordinator):
    soup = signed_in(app, coordinator).get_page("staff.family", public_id=jay.public_id)
    svg = soup.select_one("figure.genogram svg")
    assert svg["role"] == "img"
    title = svg.find("title", id=svg["aria-labelledby"])
    assert "Family tree of Jay" in text(title) and "7 people drawn" in text(title)
    assert not soup.find(attrs={"style": True})  # the CSP allows no inline styles
    assert {"line--birth", "line--half", "line--foster", "line--pet"} <= {
        cls for path in svg.find_all("path") for cls in path.get("class", [])
    }
    words = [text(li.find("span")) for li in soup.select("ul.family-words > li")]
    assert words == [
        "Pat (died) is a birth parent of Kerry.",
        "Kerry is a birth parent of Jay (the young person).",
        "Dean is a birth parent of Jay (the young person).",
        "Kerry is a birth parent of Tyler.",
        "Sam is a foster carer of Jay (the young person).",
        "Jay (the young person) and Tyler are half-siblings.",
        "Biscuit is a pet belonging to Jay (the young person).",
    ]
    legend = text(soup.select_one("figcaption .legend"))
    for words_in_legend in ("Double circle: Jay", "Rounded square: a pet", "died", "Dots: foster carer"):
        assert words_in_legend in legend
    assert "Short dashes over two people: half-siblings" in legend
    unplaced = soup.find("h3", string="Not yet placed in the family tree").find_next("ul")
    assert text(unplaced) == "Ellis"
    assert len(soup.select("ul.family-words form button")) == 7  # each link can be removed
    form = soup.select_one(ADD_FORM)
    options = [text(option) for option in form.select("select[name=first] option")]
    assert "Jay (the young person)" in options and "Kerry — Mum" in options
    assert not soup.find(attrs={"draggable": True})


def test_the_young_person_page_links_to_the_family_tree(app, jay, coordinator):
    soup = signed_in(app, coordinator).get_page("staff.young_person", public_id=jay.public_id)
    assert soup.find("a", href=f"/staff/young-people/{jay.public_id}/family")


def test_a_coordinator_adds_links_with_selects_and_radios(app, db_session, jay, coordinator):
    client = signed_in(app, coordinator)
    soup = client.get_page("staff.family", public_id=jay.public_id)
    before = len(links_of(db_session, jay))
    carer, friend, dog = jay.people["carer"], jay.people["friend"], jay.people["dog"]
    # "Which way round": the second person (Sam) is the parent figure of the first (Ellis).
    response = client.submit(
        soup,
        ADD_FORM,
        {
            "first": friend.public_id,
            "kind": "parent",
            "detail": "kinship",
            "second": carer.public_id,
            "way": "second",
        },
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/{jay.public_id}/family")
    added = links_of(db_session, jay)[-1]
    assert (added.kind, added.detail, added.from_member_id, added.to_member_id) == (
        LinkKind.PARENT,
        LinkDetail.KINSHIP,
        carer.id,
        friend.id,
    )
    page = BeautifulSoup(client.get(response.headers["Location"]).data, "html.parser")
    assert "Link added." in text(page.select_one("#flash-messages"))
    assert "Sam is a kinship carer of Ellis." in text(page.select_one("ul.family-words"))
    assert page.find("h3", string="Not yet placed in the family tree") is None  # Ellis is placed now
    # Partners, with the young person chosen in a select.
    partners = {"first": "young-person", "kind": "partner", "second": friend.public_id}
    assert client.submit(page, ADD_FORM, partners).status_code == 303
    # A pet: whichever way round it is chosen, the pet is the one that belongs.
    pet = {"first": dog.public_id, "kind": "pet", "detail": "", "second": carer.public_id, "way": "first"}
    assert client.submit(page, ADD_FORM, pet).status_code == 303
    links = links_of(db_session, jay)
    assert len(links) == before + 3
    assert (links[-2].kind, links[-2].from_member_id, links[-2].to_member_id) == (
        LinkKind.PARTNER,
        None,
        friend.id,
    )
    assert (links[-1].detail, links[-1].from_member_id, links[-1].to_member_id) == (None, carer.id, dog.id)
    actions = db_session.scalars(select(AuditEvent.action).where(AuditEvent.young_person_id == jay.id)).all()
    assert actions.count("family.link_added") == 3


def test_a_mistake_is_explained_and_what_was_chosen_is_kept(app, db_session, jay, coordinator):
    client = signed_in(app, coordinator)
    soup = client.get_page("staff.family", public_id=jay.public_id)
    before = len(links_of(db_session, jay))
    mum, friend = jay.people["mum"], jay.people["friend"]
    response = client.submit(
        soup, ADD_FORM, {"first": mum.public_id, "kind": "parent", "detail": "", "second": friend.public_id}
    )
    assert response.status_code == 400
    page = BeautifulSoup(response.data, "html.parser")
    summary = page.select_one("#error-summary")
    assert summary.find("a", href="#detail", string="Choose what kind of parent figure or siblings")
    form = page.select_one(ADD_FORM)
    assert form.select_one("select[name=first] option[selected]")["value"] == mum.public_id
    assert form.select_one("select[name=second] option[selected]")["value"] == friend.public_id
    assert form.select_one("input[name=kind][checked]")["value"] == "parent"
    assert page.select_one("figure.genogram svg[role=img]")  # the rest of the page is still there
    # The same person twice, and a link that already exists.
    same = client.submit(soup, ADD_FORM, {"first": mum.public_id, "kind": "partner", "second": mum.public_id})
    assert same.status_code == 400 and "Choose two different people" in text(
        BeautifulSoup(same.data, "html.parser")
    )
    again = client.submit(
        soup,
        ADD_FORM,
        {"first": "young-person", "kind": "sibling", "detail": "full", "second": mum.public_id},
    )
    assert again.status_code == 400
    assert "already linked" in text(BeautifulSoup(again.data, "html.parser").select_one("#error-summary"))
    empty = client.submit(soup, ADD_FORM, {})
    summary = text(BeautifulSoup(empty.data, "html.parser").select_one("#error-summary"))
    assert "Choose the first person" in summary and "Choose how they are linked" in summary
    pet = client.submit(soup, ADD_FORM, {"first": mum.public_id, "kind": "pet", "second": friend.public_id})
    assert "choose the pet as one of the two" in text(BeautifulSoup(pet.data, "html.parser"))
    dog = jay.people["dog"]
    pet = client.submit(
        soup, ADD_FORM, {"first": dog.public_id, "kind": "pet", "detail": "birth", "second": mum.public_id}
    )
    assert pet.status_code == 400 and "partners and pets need nothing here" in text(
        BeautifulSoup(pet.data, "html.parser")
    )
    assert len(links_of(db_session, jay)) == before


def test_a_coordinator_removes_a_link(app, db_session, jay, coordinator):
    client = signed_in(app, coordinator)
    soup = client.get_page("staff.family", public_id=jay.public_id)
    item = next(li for li in soup.select("ul.family-words > li") if "Sam is a foster carer" in text(li))
    form = item.find("form")
    link_id = form["action"].split("/")[-2]
    response = client.post(form["action"], data={"csrf_token": client.csrf_token(soup)})
    assert response.status_code == 303
    page = BeautifulSoup(client.get(response.headers["Location"]).data, "html.parser")
    assert "Link removed." in text(page.select_one("#flash-messages"))
    assert "Sam is a foster carer" not in text(page.select_one("ul.family-words"))
    assert link_id not in {link.public_id for link in links_of(db_session, jay)}
    assert db_session.scalar(
        select(func.count()).where(
            AuditEvent.action == "family.link_removed", AuditEvent.object_public_id == link_id
        )
    )


def test_staff_of_another_council_find_nothing(app, db_session, jay, other_organisation):
    stranger = factories.account(db_session, role=Role.COORDINATOR, organisation=other_organisation)
    db_session.commit()
    client = signed_in(app, stranger)
    home = client.get_page("staff.home")
    token = meta_csrf(home)
    link = links_of(db_session, jay)[0]
    assert client.get(f"/staff/young-people/{jay.public_id}/family").status_code == 404
    added = client.post(
        f"/staff/young-people/{jay.public_id}/family/links",
        data={"csrf_token": token, "first": "young-person", "kind": "partner", "second": "x"},
    )
    assert added.status_code == 404
    assert (
        client.post(f"/staff/family-links/{link.public_id}/remove", data={"csrf_token": token}).status_code
        == 404
    )
    assert len(links_of(db_session, jay)) == 7


@pytest.mark.parametrize("role", [Role.ADMIN, Role.IRO])
def test_admins_and_reviewing_officers_may_look_but_not_change(app, db_session, jay, organisation, role):
    account = factories.account(db_session, role=role, organisation=organisation)
    db_session.commit()
    client = signed_in(app, account)
    soup = client.get_page("staff.family", public_id=jay.public_id)
    assert soup.select_one("figure.genogram svg[role=img]") and len(soup.select("ul.family-words > li")) == 7
    assert soup.select_one(ADD_FORM) is None and not soup.select("ul.family-words form")
    assert "Only coordinators and social workers can change the family tree." in text(soup)
    token = meta_csrf(soup)
    mum, friend = jay.people["mum"], jay.people["friend"]
    added = client.post(
        f"/staff/young-people/{jay.public_id}/family/links",
        data={"csrf_token": token, "first": mum.public_id, "kind": "partner", "second": friend.public_id},
    )
    assert added.status_code == 403
    link = links_of(db_session, jay)[0]
    assert (
        client.post(f"/staff/family-links/{link.public_id}/remove", data={"csrf_token": token}).status_code
        == 403
    )
    assert len(links_of(db_session, jay)) == 7


def test_a_social_worker_may_change_links(app, db_session, jay, social_worker):
    client = signed_in(app, social_worker)
    soup = client.get_page("staff.family", public_id=jay.public_id)
    response = client.submit(
        soup,
        ADD_FORM,
        {"first": "young-person", "kind": "partner", "second": jay.people["friend"].public_id},
    )
    assert response.status_code == 303 and len(links_of(db_session, jay)) == 8


def test_a_family_of_40_people_takes_at_most_10_queries(app, db_session, organisation, coordinator):
    person = factories.young_person(db_session, organisation=organisation, chosen_name="Riley")
    people = [factories.network_member(db_session, person, name=f"Person {n}") for n in range(40)]
    for n, member in enumerate(people[:36]):  # four generations, each person with a parent above
        parent = None if n < 6 else people[n - 6]
        if parent is None:
            factories.family_link(db_session, person, member, None, detail=LinkDetail.STEP)
        else:
            factories.family_link(db_session, person, parent, member)
    for member in people[36:]:
        factories.family_link(db_session, person, None, member, LinkKind.SIBLING, LinkDetail.HALF)
    db_session.commit()
    client = signed_in(app, coordinator)
    client.get_page("staff.family", public_id=person.public_id)  # warm up: the first request loads more
    with count_queries(app.extensions["db"]) as queries:
        soup = client.get_page("staff.family", public_id=person.public_id)
    assert queries.count <= 10, queries.statements
    assert len(soup.select("ul.family-words > li")) == 40
    assert "41 people drawn" in text(soup.select_one("svg title"))
