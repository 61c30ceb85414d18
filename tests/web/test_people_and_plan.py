"""People and the plan over HTTP: the young person's own pages first, then the staff who build the network
and the plan with them.

Everyone has their own test client (their own phone or laptop): the young person, the coordinator, the
social worker, supporters, and staff of another council.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.domain import schedules
from app.models import (
    CommitmentKind,
    ConsentKind,
    ContactLogEntry,
    Decision,
    FamilySide,
    MemberKind,
    NetworkMember,
    NetworkSnapshot,
    Objective,
    OccurrenceStatus,
    OutboxMessage,
    OutboxStatus,
    Place,
    Plan,
    PlanStatus,
    Review,
    ReviewKind,
    Role,
    SafetyStatus,
    ScheduleKind,
    SnapshotOccasion,
    YoungPerson,
    utcnow,
)
from tests import factories
from tests.conftest import sign_in
from tests.helpers import PageClient, count_queries, phone_of, text

NOT_A_SUPPORTER = "Only people the young person agreed to contact, checked safe, who said yes to taking part."
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.data, "html.parser")


def long_date(day: date) -> str:
    return format_date(day, "long", locale="en_GB")


def today() -> date:
    return schedules.today_in("Europe/London", utcnow())


def textarea(soup: BeautifulSoup, name: str) -> str:
    """What a browser shows in a textarea (it drops one newline straight after the opening tag)."""
    return soup.select_one(f"textarea#{name}").get_text().removeprefix("\r\n").removeprefix("\n")


def errors(soup: BeautifulSoup) -> list[str]:
    return [text(item) for item in soup.select("#error-summary li")]


def flashes(soup: BeautifulSoup) -> list[str]:
    return [text(item) for item in soup.select("#flash-messages p")]


@pytest.fixture
def jay(db_session, organisation, coordinator, social_worker, young_person_account):
    """Jay (care order) is taking part: parental responsibility consent and Jay's own agreement."""
    person = factories.young_person(
        db_session,
        organisation=organisation,
        chosen_name="Jay",
        account_id=young_person_account.id,
        coordinator_id=coordinator.id,
        social_worker_id=social_worker.id,
    )
    factories.consent_to_contact(db_session, person)
    db_session.commit()
    return person


@pytest.fixture
def me(app, young_person_account, jay) -> PageClient:
    return phone_of(app, young_person_account)


@pytest.fixture
def staff(app, coordinator, jay) -> PageClient:
    return phone_of(app, coordinator)


def supporter(db_session, young_person, name: str, **values) -> NetworkMember:
    """Safe, the young person said OK to contact them, and they said yes to taking part."""
    return factories.agreed_supporter(db_session, young_person, name=name, **values)


def agreed_plan(db_session, jay, social_worker, status=PlanStatus.ACTIVE, **values) -> Plan:
    values.setdefault("conference_on", today() - timedelta(days=30))
    if status in (PlanStatus.AGREED_BY_SOCIAL_WORKER, PlanStatus.ACTIVE):
        values.setdefault("agreed_by_id", social_worker.id)
        values.setdefault("agreed_on", today() - timedelta(days=20))
    return factories.plan(db_session, jay, status=status, **values)


# 1. My plan: who agreed to do what


def test_the_young_person_reads_who_agreed_to_do_what_with_next_dates_and_the_social_workers_agreement(
    db_session, jay, social_worker, me
):
    now = today()
    birthday = now + timedelta(days=20)
    if (birthday.month, birthday.day) == (2, 29):
        birthday += timedelta(days=1)
    jay.date_of_birth = date(birthday.year - 15, birthday.month, birthday.day)
    nan = supporter(db_session, jay, "Nan")
    dev = supporter(db_session, jay, "Uncle Dev")
    plan = agreed_plan(db_session, jay, social_worker, review_due_on=now + timedelta(days=90))
    christmas = date(now.year, 12, 25) if date(now.year, 12, 25) >= now else date(now.year + 1, 12, 25)
    made = [
        (
            factories.commitment(db_session, plan, supporters=[nan], description="On the day itself"),
            "Nan will call you on your birthday, every year.",
            f"Next: {long_date(birthday)}",
            birthday,
        ),
        (
            factories.commitment(
                db_session,
                plan,
                supporters=[dev],
                kind=CommitmentKind.OUTING,
                description="A match every school holiday",
                schedule=ScheduleKind.EVERY_N_WEEKS,
                interval=2,
                starts_on=now - timedelta(days=14),
            ),
            "Uncle Dev will take you out every 2 weeks.",
            "Today",
            now,
        ),
        (
            factories.commitment(
                db_session,
                plan,
                supporters=[nan, dev],
                kind=CommitmentKind.CHRISTMAS_CARD,
                description="From both of them",
                schedule=ScheduleKind.YEARLY_DATE,
                starts_on=date(now.year - 1, 12, 25),
            ),
            "Nan and Uncle Dev will send you a Christmas card every year on 25 December.",
            "Today" if christmas == now else f"Next: {long_date(christmas)}",
            christmas,
        ),
        (
            factories.commitment(
                db_session,
                plan,
                supporters=[dev],
                kind=CommitmentKind.VISIT,
                description="Tea at the café",
                schedule=ScheduleKind.ONCE,
                starts_on=now - timedelta(days=5),
            ),
            f"Uncle Dev will visit you on {long_date(now - timedelta(days=5))}.",
            "Nothing more planned",
            None,
        ),
    ]
    visit = made[3][0]
    factories.occurrence(db_session, visit, due_on=now - timedelta(days=5), status=OccurrenceStatus.KEPT)
    db_session.commit()

    soup = me.get_page("youth.plan")
    main = soup.select_one("main")
    assert "Who agreed to do what." in text(main)
    assert (
        f"Agreed by your social worker, {social_worker.display_name}, on "
        f"{long_date(now - timedelta(days=20))}." in text(main)
    )
    assert f"We will look at it together again on {long_date(now + timedelta(days=90))}." in text(main)

    lines = soup.select("ul.plan > li")
    expected = sorted(made, key=lambda row: (row[3] is None, row[3] or now))
    assert [text(line.select_one(".plan-line")) for line in lines] == [row[1] for row in expected]
    for line, (commitment, _sentence, coming, _due) in zip(lines, expected, strict=True):
        assert coming in text(line)
        assert commitment.description in text(line.select_one(".hint"))
    assert f"Last time: {long_date(now - timedelta(days=5))}" in text(lines[-1])
    assert lines[0].select_one(".tag") is not None and text(lines[0].select_one(".tag")) == "Today"


def test_a_plan_agreed_at_the_conference_says_the_social_worker_will_look_at_it(db_session, jay, me):
    nan = supporter(db_session, jay, "Nan")
    plan = factories.plan(db_session, jay, status=PlanStatus.AGREED_AT_CONFERENCE, conference_on=today())
    factories.commitment(db_session, plan, supporters=[nan])
    db_session.commit()
    main = text(me.get_page("youth.plan").select_one("main"))
    assert "Nan will call you on your birthday, every year." in main
    assert "Your social worker will look at it next." in main
    assert "Agreed by your social worker" not in main


def test_drafts_are_not_shown_to_the_young_person(db_session, jay, social_worker, me):
    nan = supporter(db_session, jay, "Nan")
    dev = supporter(db_session, jay, "Dev")
    first = factories.plan(db_session, jay)  # a draft, still being made at the conference
    factories.commitment(db_session, first, supporters=[nan], description="Secret draft words")
    db_session.commit()

    main = text(me.get_page("youth.plan").select_one("main"))
    assert "You don't have a plan yet" in main
    assert "Nan" not in main and "Secret draft words" not in main

    first.status = PlanStatus.ACTIVE
    first.agreed_by_id, first.agreed_on = social_worker.id, today()
    second = factories.plan(db_session, jay, version=2, supersedes_id=first.id)  # carried forward, a draft
    factories.commitment(db_session, second, supporters=[nan])
    factories.commitment(
        db_session, second, supporters=[dev], kind=CommitmentKind.LETTER, description="Not agreed yet"
    )
    db_session.commit()
    soup = me.get_page("youth.plan")
    assert [text(line) for line in soup.select(".plan-line")] == [
        "Nan will call you on your birthday, every year."
    ]
    assert "Dev" not in text(soup.select_one("main")) and "Not agreed yet" not in text(soup)


# 2. My people


def test_my_people_draws_circles_with_a_title_a_legend_and_a_text_list_of_everyone_shown(
    db_session, jay, coordinator, me
):
    supporter(db_session, jay, "Nan", relationship_label="Nan", family_side=FamilySide.MOTHERS, circle=1)
    factories.network_member(
        db_session,
        jay,
        name="Auntie Rose",
        relationship_label="aunt",
        family_side=FamilySide.FATHERS,
        circle=3,
    )
    factories.network_member(
        db_session, jay, name="Biscuit", relationship_label="Nan's dog", kind=MemberKind.PET, circle=1
    )
    factories.network_member(db_session, jay, name="Grandad", relationship_label="grandad", deceased=True)
    factories.network_member(
        db_session, jay, name="Mrs Okafor", relationship_label="old teacher", circle=None
    )
    gary = factories.network_member(
        db_session,
        jay,
        name="Gary",
        relationship_label="mum's ex",
        safety_status=SafetyStatus.DO_NOT_CONTACT,
        shown_to_young_person=False,
    )
    dad = factories.network_member(
        db_session,
        jay,
        name="Dad",
        relationship_label="dad",
        safety_status=SafetyStatus.DO_NOT_CONTACT,
        shown_to_young_person=True,
    )
    db_session.commit()

    soup = me.get_page("youth.people")
    svg = soup.select_one("figure.circles svg")
    assert svg["role"] == "img"
    title = svg.find("title")
    assert svg["aria-labelledby"] == title["id"]
    assert text(title) == "Your circles: 6 people. They are all listed below."
    assert [text(label) for label in svg.select("g.person text")] == [
        "Nan",
        "Biscuit",
        "Grandad",
        "Dad",
        "Auntie Rose",
        "Mrs Okafor",
    ]
    legend = [text(item) for item in soup.select("figcaption .legend li")]
    assert legend == [
        "Filled with a tick: taking part",
        "Empty: not taking part yet",
        "Square: a pet",
    ]
    assert all(item.select_one("svg")["aria-hidden"] == "true" for item in soup.select(".legend li"))
    assert len(svg.select(".marker-tick")) == 1  # only Nan is taking part
    assert len(svg.select("g.person rect")) == 1  # the dog is a square

    listed = [text(item) for item in soup.select("ul.people-list li")]
    assert listed == [
        "Nan · Nan — Mum's side Taking part",
        "Biscuit · Nan's dog Pet",
        "Grandad · grandad Not taking part yet · Remembered (died)",
        "Dad · dad Not taking part yet",
        "Auntie Rose · aunt — Dad's side Not taking part yet",
        "Mrs Okafor · old teacher Not taking part yet",
    ]
    assert "Gary" not in text(soup) and gary.public_id not in str(soup)
    assert dad.name in text(soup.select_one("ul.people-list"))

    # The coordinator decides to show Gary; he is then listed (and still never contacted).
    gary.shown_to_young_person = True
    db_session.commit()
    soup = me.get_page("youth.people")
    assert "Gary · mum's ex Not taking part yet" in [text(i) for i in soup.select("ul.people-list li")]
    assert "7 people" in text(soup.select_one("svg title"))


def test_my_people_with_nobody_yet_says_so_and_offers_a_suggestion(me):
    soup = me.get_page("youth.people")
    assert soup.select_one("svg") is None
    assert "No one here yet." in text(soup.select_one("main"))
    assert soup.select_one("main a[href='/me/people/suggest']") is not None


def test_names_are_escaped_in_the_drawing_and_the_list(db_session, jay, me):
    factories.network_member(db_session, jay, name=HOSTILE[:120], relationship_label="<b>aunt</b>")
    db_session.commit()
    response = me.get("/me/people")
    assert response.status_code == 200
    assert b"<script>" not in response.data and b"<img src=x" not in response.data
    soup = soup_of(response)
    assert soup.select("main script") == [] and soup.select("main img") == []
    assert "<b>aunt</b>" in text(soup.select_one("ul.people-list"))


# 3. Suggest someone


def test_a_suggestion_with_no_name_keeps_what_was_typed_and_says_what_to_fix(db_session, jay, me):
    soup = me.get_page("youth.suggest")
    remembered = f"She lived by the park. {HOSTILE}"
    response = me.submit(soup, "form[action='/me/people/suggest']", {"name": "   ", "remembered": remembered})
    assert response.status_code == 400
    assert b"<script>alert" not in response.data
    page = soup_of(response)
    assert errors(page) == ["Tell us a name, or who they are"]
    assert page.select_one("#error-summary a")["href"] == "#name"
    assert textarea(page, "remembered") == remembered
    assert page.select("main script") == [] and page.select("main img") == []

    too_long = "A" * 121
    response = me.submit(soup, "form[action='/me/people/suggest']", {"name": too_long, "remembered": ""})
    assert response.status_code == 400
    assert soup_of(response).select_one("input#name")["value"] == too_long
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(NetworkMember)) == 0
    assert db_session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_suggestion_goes_to_the_coordinator_without_the_young_persons_words_in_the_email(
    app, db_session, jay, coordinator, me
):
    name, remembered = "My big sister Kayla", "She had a red bike and lived on Elm Street"
    soup = me.get_page("youth.suggest")
    response = me.submit(soup, "form[action='/me/people/suggest']", {"name": name, "remembered": remembered})
    assert response.status_code == 303 and response.location == "/me/people"

    db_session.expire_all()
    member = db_session.scalars(select(NetworkMember)).one()
    assert (member.young_person_id, member.name, member.remembered) == (jay.id, name, remembered)
    assert (member.safety_status, member.suggested_by_young_person) == (SafetyStatus.UNCHECKED, True)
    [alert] = db_session.scalars(select(OutboxMessage))
    assert (alert.to_address, alert.to_account_id, alert.status) == (
        coordinator.email,
        coordinator.id,
        OutboxStatus.PENDING,
    )
    for words in (name, remembered, "Kayla", "Elm Street"):
        assert words not in alert.subject and words not in alert.body_text
        assert words not in (alert.body_html or "")
    assert "Jay" in alert.body_text
    db_session.commit()

    soup = me.get_page("youth.people")
    assert "Thank you. Your coordinator will talk with you about it." in flashes(soup)
    assert f"{name} · Someone you'd like to find Not taking part yet" in [
        text(item) for item in soup.select("ul.people-list li")
    ]

    page = phone_of(app, coordinator).get_page("staff.person", public_id=member.public_id)
    suggested = text(page.select_one("main"))
    assert "Suggested by Jay" in suggested and remembered in suggested and "Not checked yet" in suggested


def test_hostile_suggestions_are_stored_as_typed_and_shown_as_text(app, db_session, jay, coordinator, me):
    soup = me.get_page("youth.suggest")
    response = me.submit(
        soup, "form[action='/me/people/suggest']", {"name": HOSTILE[:120], "remembered": HOSTILE}
    )
    assert response.status_code == 303
    db_session.expire_all()
    member = db_session.scalars(select(NetworkMember)).one()
    assert member.remembered == HOSTILE
    for client, endpoint, values in (
        (me, "youth.people", {}),
        (phone_of(app, coordinator), "staff.person", {"public_id": member.public_id}),
        (phone_of(app, coordinator), "staff.young_person", {"public_id": jay.public_id}),
    ):
        response = client.get(client.url(endpoint, **values))
        assert response.status_code == 200
        assert b'<script>alert("x")' not in response.data and b"<img src=x" not in response.data
        assert HOSTILE[:40] in text(soup_of(response).select_one("main"))


# 4. What I want from Lifelong Links


def test_wishes_are_added_changed_and_ticked_off(db_session, jay, me):
    soup = me.get_page("youth.wishes")
    assert "Nothing here yet." in text(soup.select_one("main"))
    response = me.submit(soup, "form[action='/me/wishes']", {"text": "  "})
    assert response.status_code == 400
    assert errors(soup_of(response)) == ["Write what you would like"]

    response = me.submit(soup, "form[action='/me/wishes']", {"text": "find out about Dad's side"})
    assert response.status_code == 303 and response.location == "/me/wishes"
    db_session.expire_all()
    wish = db_session.scalars(select(Objective)).one()
    assert (wish.young_person_id, wish.text, wish.done_at) == (jay.id, "find out about Dad's side", None)

    page = me.get_page("youth.wish", public_id=wish.public_id)
    assert page.select_one("input#text")["value"] == "find out about Dad's side"
    response = me.submit(
        page, f"form[action='/me/wishes/{wish.public_id}']", {"text": "see my sister at Christmas"}
    )
    assert response.status_code == 303
    response = me.submit(page, f"form[action='/me/wishes/{wish.public_id}']", {"text": ""})
    assert response.status_code == 400
    assert errors(soup_of(response)) == ["Write what you would like"]

    soup = me.get_page("youth.wishes")
    open_items = soup.select("main ul.wishes")[0]
    assert "see my sister at Christmas" in text(open_items)
    response = me.submit(soup, f"form[action='/me/wishes/{wish.public_id}/done']", {})
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Objective, wish.id).done_at is not None

    soup = me.get_page("youth.wishes")
    done = soup.find("h2", string="Done").find_next("ul")
    assert "✓ see my sister at Christmas" in text(done)
    response = me.submit(soup, f"form[action='/me/wishes/{wish.public_id}/done']", {})  # "Not done after all"
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Objective, wish.id).done_at is None


def test_another_young_persons_wish_is_not_found(app, db_session, organisation, jay, me):
    app.config["WTF_CSRF_ENABLED"] = False
    other = factories.young_person(db_session, organisation=organisation, chosen_name="Mo")
    theirs = factories.objective(db_session, other, text="Mo's own wish")
    db_session.commit()
    assert me.get(f"/me/wishes/{theirs.public_id}").status_code == 404
    assert me.post(f"/me/wishes/{theirs.public_id}", data={"text": "changed"}).status_code == 404
    assert me.post(f"/me/wishes/{theirs.public_id}/done", data={"done": "yes"}).status_code == 404
    db_session.expire_all()
    stored = db_session.get(Objective, theirs.id)
    assert (stored.text, stored.done_at) == ("Mo's own wish", None)
    assert "Mo's own wish" not in text(soup_of(me.get("/me/wishes")))


# 5. Staff: the network


def test_the_coordinator_adds_a_person_and_checks_they_are_safe(db_session, jay, coordinator, staff):
    soup = staff.get_page("staff.add_person", public_id=jay.public_id)
    action = f"form[action='/staff/young-people/{jay.public_id}/people/new']"
    response = staff.submit(soup, action, {"name": "", "relationship_label": "Nan", "kind": "person"})
    assert response.status_code == 400
    page = soup_of(response)
    assert errors(page) == ["Enter their name"]
    assert page.select_one("input#relationship_label")["value"] == "Nan"

    response = staff.submit(
        soup,
        action,
        {
            "name": "Maureen",
            "relationship_label": "Nan",
            "family_side": "mothers",
            "circle": "1",
            "kind": "person",
            "email": "maureen@example.org",
            "phone": "07700 900456",
        },
    )
    assert response.status_code == 303
    db_session.expire_all()
    nan = db_session.scalars(select(NetworkMember)).one()
    assert response.location == f"/staff/people/{nan.public_id}"
    assert (nan.name, nan.family_side, nan.circle, nan.email, nan.safety_status) == (
        "Maureen",
        FamilySide.MOTHERS,
        1,
        "maureen@example.org",
        SafetyStatus.UNCHECKED,
    )

    soup = staff.get_page("staff.person", public_id=nan.public_id)
    assert "Not checked yet" in text(soup.select_one("main"))
    safety = f"form[action='/staff/people/{nan.public_id}/safety']"
    response = staff.submit(soup, safety, {"safety_status": "safe", "safety_reason": " "})
    assert response.status_code == 400
    assert errors(soup_of(response)) == ["Say why you decided this"]
    db_session.expire_all()
    assert db_session.get(NetworkMember, nan.id).safety_status is SafetyStatus.UNCHECKED

    response = staff.submit(
        soup, safety, {"safety_status": "safe", "safety_reason": "Checks came back clear"}
    )
    assert response.status_code == 303
    db_session.expire_all()
    stored = db_session.get(NetworkMember, nan.id)
    assert (stored.safety_status, stored.safety_reason, stored.safety_decided_by_id) == (
        SafetyStatus.SAFE,
        "Checks came back clear",
        coordinator.id,
    )
    soup = staff.get_page("staff.person", public_id=nan.public_id)
    card = text(soup.select_one("main"))
    assert "Safe to contact" in card and "The safety check is saved." in flashes(soup)
    assert (
        f"{coordinator.display_name}, {long_date(stored.safety_decided_at.date())}: Checks came back clear"
        in card
    )


def test_the_details_form_shows_what_is_stored_even_after_another_form_on_the_page_fails(
    db_session, jay, staff
):
    grandad = factories.network_member(
        db_session, jay, name="Grandad", circle=None, deceased=True, family_side=FamilySide.FATHERS
    )
    db_session.commit()

    def details(page):
        form = page.select_one(f"form[action='/staff/people/{grandad.public_id}']")
        return (
            form.select_one("input#name")["value"],
            form.select_one("select#circle option[selected]")["value"],
            form.select_one("select#family_side option[selected]")["value"],
            form.select_one("input#deceased").has_attr("checked"),
        )

    soup = staff.get_page("staff.person", public_id=grandad.public_id)
    assert details(soup) == ("Grandad", "", "fathers", True)  # "not placed yet", not circle 1
    response = staff.submit(
        soup, f"form[action='/staff/people/{grandad.public_id}/safety']", {"safety_status": "safe"}
    )
    assert response.status_code == 400
    assert details(soup_of(response)) == ("Grandad", "", "fathers", True)

    response = staff.submit(
        soup,
        f"form[action='/staff/people/{grandad.public_id}']",
        {"name": "Grandad Joe", "kind": "person", "family_side": "fathers", "circle": "", "deceased": "y"},
    )
    assert response.status_code == 303
    db_session.expire_all()
    stored = db_session.get(NetworkMember, grandad.id)
    assert (stored.name, stored.circle, stored.deceased) == ("Grandad Joe", None, True)


def test_do_not_contact_people_are_hidden_from_the_young_person_unless_the_coordinator_shows_them(
    app, db_session, jay, staff, me
):
    gary = factories.network_member(db_session, jay, name="Gary", relationship_label="mum's ex")
    db_session.commit()
    soup = staff.get_page("staff.person", public_id=gary.public_id)
    safety = f"form[action='/staff/people/{gary.public_id}/safety']"
    assert soup.select_one("input#shown_to_young_person") is not None  # the coordinator's choice

    response = staff.submit(
        soup, safety, {"safety_status": "do_not_contact", "safety_reason": "Risk of harm"}
    )
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(NetworkMember, gary.id).shown_to_young_person is False  # box left unticked
    assert "Gary" not in text(me.get_page("youth.people"))
    assert "Gary" not in text(me.get_page("youth.choices"))
    assert me.get(f"/me/people/{gary.public_id}/worried").status_code == 404

    response = staff.submit(
        soup,
        safety,
        {
            "safety_status": "do_not_contact",
            "safety_reason": "Jay knows about him",
            "shown_to_young_person": "y",
        },
    )
    assert response.status_code == 303
    assert "Gary · mum's ex" in text(me.get_page("youth.people").select_one("ul.people-list"))


def test_a_social_worker_marks_someone_do_not_contact(app, db_session, jay, social_worker):
    dad = factories.network_member(db_session, jay, name="Dad")
    db_session.commit()
    worker = phone_of(app, social_worker)
    soup = worker.get_page("staff.person", public_id=dad.public_id)
    assert soup.select_one("input#shown_to_young_person") is None  # only the coordinator decides that
    response = worker.submit(
        soup,
        f"form[action='/staff/people/{dad.public_id}/safety']",
        {"safety_status": "do_not_contact", "safety_reason": "Court order"},
    )
    assert response.status_code == 303
    db_session.expire_all()
    stored = db_session.get(NetworkMember, dad.id)
    assert (stored.safety_status, stored.safety_decided_by_id) == (
        SafetyStatus.DO_NOT_CONTACT,
        social_worker.id,
    )


def test_do_not_contact_people_are_never_listed_to_supporters(app, db_session, jay):
    nan_account = factories.account(db_session, role=Role.SUPPORTER, display_name="Maureen")
    supporter(db_session, jay, "Maureen", account_id=nan_account.id)
    factories.network_member(
        db_session,
        jay,
        name="Gary Hidden",
        safety_status=SafetyStatus.DO_NOT_CONTACT,
        shown_to_young_person=True,
    )
    gary_account = factories.account(db_session, role=Role.SUPPORTER, display_name="Gary Himself")
    gary = factories.network_member(
        db_session,
        jay,
        name="Gary Himself",
        account_id=gary_account.id,
        safety_status=SafetyStatus.DO_NOT_CONTACT,
    )
    factories.consent_event(
        db_session, jay, kind=ConsentKind.CONTACT_PERSON, scope=f"member:{gary.public_id}"
    )
    db_session.commit()

    maureen = phone_of(app, nan_account)
    home = maureen.get_page("supporters.home")
    assert "Thank you for taking part." in text(home)
    assert "Gary" not in text(home)
    assert maureen.get("/me/people").status_code == 403
    # Gary himself, do not contact, learns nothing about Jay.
    his = text(phone_of(app, gary_account).get_page("supporters.home").select_one(f"#place-{gary.public_id}"))
    assert his == "Jay There's nothing to show here right now."


def test_the_contact_log_refuses_a_date_in_the_future(db_session, jay, coordinator, staff):
    nan = factories.network_member(db_session, jay, name="Nan")
    db_session.commit()
    soup = staff.get_page("staff.person", public_id=nan.public_id)
    form = f"form[action='/staff/people/{nan.public_id}/contact-log']"
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = staff.submit(soup, form, {"contacted_on": tomorrow, "method": "phone", "outcome": "Rang her"})
    assert response.status_code == 400
    page = soup_of(response)
    assert errors(page) == ["The date can't be in the future"]
    assert page.select_one("input#contacted_on")["value"] == tomorrow
    assert textarea(page, "outcome") == "Rang her"

    yesterday = date.today() - timedelta(days=1)
    response = staff.submit(
        soup,
        form,
        {"contacted_on": yesterday.isoformat(), "method": "phone", "outcome": "Rang her, she'd love to"},
    )
    assert response.status_code == 303
    db_session.expire_all()
    entry = db_session.scalars(select(ContactLogEntry)).one()
    assert (entry.contacted_on, entry.by_account_id, entry.outcome) == (
        yesterday,
        coordinator.id,
        "Rang her, she'd love to",
    )
    log = text(staff.get_page("staff.person", public_id=nan.public_id).select_one("main"))
    assert f"{long_date(yesterday)} · phone · {coordinator.display_name} Rang her, she'd love to" in log


def test_an_iro_reads_a_person_but_changes_nothing(app, db_session, jay, iro):
    app.config["WTF_CSRF_ENABLED"] = False
    nan = factories.network_member(db_session, jay, name="Nan", safety_status=SafetyStatus.UNCHECKED)
    db_session.commit()
    client = phone_of(app, iro)
    soup = client.get_page("staff.person", public_id=nan.public_id)
    assert soup.select("main form") == []
    for url, data in (
        (f"/staff/people/{nan.public_id}", {"name": "Changed", "kind": "person"}),
        (f"/staff/people/{nan.public_id}/safety", {"safety_status": "safe", "safety_reason": "ok"}),
        (
            f"/staff/people/{nan.public_id}/contact-log",
            {"contacted_on": "2026-01-01", "method": "phone", "outcome": "x"},
        ),
        (f"/staff/young-people/{jay.public_id}/people/new", {"name": "Someone", "kind": "person"}),
    ):
        assert client.post(url, data=data).status_code == 403, url
    db_session.expire_all()
    stored = db_session.get(NetworkMember, nan.id)
    assert (stored.name, stored.safety_status) == ("Nan", SafetyStatus.UNCHECKED)
    assert db_session.scalar(select(func.count()).select_from(NetworkMember)) == 1


# 6. Staff: the plan builder, end to end


def test_the_plan_is_built_at_the_conference_agreed_by_the_social_worker_and_started(
    app, db_session, jay, coordinator, social_worker, staff, me
):
    nan = supporter(db_session, jay, "Nan")
    dev = supporter(db_session, jay, "Dev")
    rose = factories.network_member(db_session, jay, name="Rose")  # safe, but nobody asked Jay yet
    db_session.commit()

    soup = staff.get_page("staff.plan", public_id=jay.public_id)
    assert "No plan yet." in text(soup.select_one("main"))
    response = staff.submit(soup, f"form[action='/staff/young-people/{jay.public_id}/plan']", {})
    assert response.status_code == 303
    db_session.expire_all()
    plan = db_session.scalars(select(Plan)).one()
    assert (plan.version, plan.status) == (1, PlanStatus.DRAFT)

    soup = staff.get_page("staff.plan", public_id=jay.public_id)
    assert [o["value"] for o in soup.select("#supporters input[type=checkbox]")] == [
        nan.public_id,
        dev.public_id,
    ]
    conference = f"form[action='/staff/plans/{plan.public_id}/conference']"
    future = (date.today() + timedelta(days=3)).isoformat()
    response = staff.submit(
        soup, conference, {"held_on": future, "place": "Riverside", "attendees": "Jay, Nan, Dev"}
    )
    assert response.status_code == 400
    assert "The date can't be in the future" in errors(soup_of(response))
    held_on = date.today() - timedelta(days=1)
    response = staff.submit(
        soup,
        conference,
        {
            "held_on": held_on.isoformat(),
            "place": "Riverside",
            "attendees": "Jay, Nan, Dev",
            "private_family_time": "y",
        },
    )
    assert response.status_code == 303

    add = f"form[action='/staff/plans/{plan.public_id}/commitments']"
    chosen_rose = {
        "kind": "visit",
        "supporters": [rose.public_id],
        "description": "Rose visits in the summer holidays",
        "schedule": "yearly_date",
        "starts_on": f"{date.today().year}-08-01",
        "window_days_before": "0",
        "window_days_after": "30",
        "checked_by": "Priya",
    }
    response = staff.submit(soup, add, chosen_rose)
    assert response.status_code == 400
    page = soup_of(response)
    assert errors(page) == [NOT_A_SUPPORTER]
    assert page.select_one("#error-summary a")["href"] == "#supporters"
    assert textarea(page, "description") == "Rose visits in the summer holidays"
    assert page.select_one("input#window_days_after")["value"] == "30"
    assert page.select_one("input#checked_by")["value"] == "Priya"
    assert page.select_one("select#schedule option[selected]")["value"] == "yearly_date"

    response = staff.submit(soup, add, {**chosen_rose, "supporters": [nan.public_id, rose.public_id]})
    assert response.status_code == 400
    assert errors(soup_of(response)) == [NOT_A_SUPPORTER]
    db_session.expire_all()
    assert db_session.get(Plan, plan.id).commitments == []

    response = staff.submit(
        soup,
        add,
        {
            "kind": "birthday_call",
            "supporters": [nan.public_id],
            "description": "Nan rings on Jay's birthday",
            "schedule": "yearly_birthday",
            "window_days_before": "0",
            "window_days_after": "0",
        },
    )
    assert response.status_code == 303
    response = staff.submit(
        soup,
        add,
        {
            "kind": "outing",
            "supporters": [dev.public_id, nan.public_id],
            "description": "A match every school holiday",
            "schedule": "every_n_months",
            "starts_on": date.today().isoformat(),
            "interval": "3",
            "window_days_before": "0",
            "window_days_after": "30",
        },
    )
    assert response.status_code == 303
    soup = staff.get_page("staff.plan", public_id=jay.public_id)
    assert [text(line) for line in soup.select("main .card li strong")] == [
        "Nan will call you on your birthday, every year.",
        "Nan and Dev will take you out every 3 months.",  # in the order they are in the network
    ]
    assert "Version 1 · Draft" in text(soup.select_one(".lead"))

    agree = f"form[action='/staff/plans/{plan.public_id}/agree']"
    response = staff.submit(soup, agree, {})  # the network agreed it at the conference
    assert response.status_code == 303
    soup = staff.get_page("staff.plan", public_id=jay.public_id)
    assert "Agreed at the conference" in text(soup.select_one(".lead"))
    assert soup.select_one(f"form[action='/staff/plans/{plan.public_id}/commitments']") is None
    assert "Everyone agreed this at your family meeting." in text(me.get_page("youth.plan"))

    response = staff.submit(soup, agree, {})  # the coordinator cannot agree as the social worker
    assert response.status_code == 303
    page = staff.get_page("staff.plan", public_id=jay.public_id)
    assert "Only a social worker can agree the plan." in flashes(page)
    db_session.expire_all()
    assert db_session.get(Plan, plan.id).status is PlanStatus.AGREED_AT_CONFERENCE

    worker = phone_of(app, social_worker)
    soup = worker.get_page("staff.plan", public_id=jay.public_id)
    assert worker.submit(soup, agree, {}).status_code == 303
    db_session.expire_all()
    stored = db_session.get(Plan, plan.id)
    assert (stored.status, stored.agreed_by_id, stored.agreed_on) == (
        PlanStatus.AGREED_BY_SOCIAL_WORKER,
        social_worker.id,
        date.today(),
    )

    soup = staff.get_page("staff.plan", public_id=jay.public_id)
    review_on = date.today() + timedelta(days=180)
    assert staff.submit(soup, agree, {"review_due_on": review_on.isoformat()}).status_code == 303
    db_session.expire_all()
    stored = db_session.get(Plan, plan.id)
    assert (stored.status, stored.review_due_on) == (PlanStatus.ACTIVE, review_on)
    assert db_session.get(YoungPerson, jay.id).status.value == "plan_agreed"
    snapshot = db_session.scalars(select(NetworkSnapshot)).one()
    assert (snapshot.occasion, snapshot.taken_on, snapshot.people, snapshot.taking_part) == (
        SnapshotOccasion.CONFERENCE,
        held_on,
        3,
        2,
    )

    mine = me.get_page("youth.plan")
    assert sorted(text(line) for line in mine.select(".plan-line")) == [
        "Nan and Dev will take you out every 3 months.",
        "Nan will call you on your birthday, every year.",
    ]
    assert (
        f"Agreed by your social worker, {social_worker.display_name}, on {long_date(date.today())}."
        in text(mine.select_one("main"))
    )
    assert f"We will look at it together again on {long_date(review_on)}." in text(mine)

    # Carried forward at a review: version 2 is a draft copy; version 1 stays in force until it starts.
    soup = staff.get_page("staff.plan", public_id=jay.public_id)
    response = staff.submit(soup, f"form[action='/staff/young-people/{jay.public_id}/plan']", {})
    assert response.status_code == 303
    soup = staff.get_page("staff.plan", public_id=jay.public_id)
    assert "Version 2 · Draft" in text(soup.select_one(".lead"))
    assert "Version 1 · Active · 2 commitments" in text(
        soup.find("h2", string="Earlier versions").find_next("ul")
    )
    assert len(soup.select("main .card li strong")) == 2
    db_session.expire_all()
    assert [(p.version, p.status) for p in db_session.scalars(select(Plan).order_by(Plan.version))] == [
        (1, PlanStatus.ACTIVE),
        (2, PlanStatus.DRAFT),
    ]


def test_commitments_in_a_draft_are_changed_and_taken_out(app, db_session, jay, staff):
    nan = supporter(db_session, jay, "Nan")
    dev = supporter(db_session, jay, "Dev")
    rose = factories.network_member(db_session, jay, name="Rose")
    plan = factories.plan(db_session, jay)
    call = factories.commitment(db_session, plan, supporters=[nan], description="Nan rings")
    card = factories.commitment(
        db_session, plan, supporters=[dev], kind=CommitmentKind.BIRTHDAY_CARD, description="A card"
    )
    db_session.commit()

    soup = staff.get_page("staff.commitment", public_id=call.public_id)
    assert [o["value"] for o in soup.select("#supporters input[checked]")] == [nan.public_id]
    form = f"form[action='/staff/commitments/{call.public_id}']"
    changed = {
        "kind": "call",
        "supporters": [rose.public_id],
        "description": "Video call every fortnight",
        "schedule": "every_n_weeks",
        "starts_on": date.today().isoformat(),
        "interval": "2",
        "window_days_before": "1",
        "window_days_after": "1",
    }
    response = staff.submit(soup, form, changed)
    assert response.status_code == 400
    page = soup_of(response)
    assert errors(page) == [NOT_A_SUPPORTER]
    assert textarea(page, "description") == "Video call every fortnight"

    response = staff.submit(soup, form, {**changed, "starts_on": "", "supporters": [nan.public_id]})
    assert response.status_code == 400
    assert "Choose the date (or the first date)." in text(soup_of(response).select_one("main"))

    response = staff.submit(soup, form, {**changed, "supporters": [nan.public_id, dev.public_id]})
    assert response.status_code == 303
    soup = staff.get_page("staff.plan", public_id=jay.public_id)
    assert "Nan and Dev will call or video-call you every 2 weeks." in [
        text(line) for line in soup.select("main .card li strong")
    ]

    response = staff.submit(soup, f"form[action='/staff/commitments/{card.public_id}/remove']", {})
    assert response.status_code == 303
    db_session.expire_all()
    assert [c.description for c in db_session.get(Plan, plan.id).commitments] == [
        "Video call every fortnight"
    ]


def test_an_agreed_plan_cannot_be_changed_over_http(app, db_session, jay, social_worker, staff):
    app.config["WTF_CSRF_ENABLED"] = False
    nan = supporter(db_session, jay, "Nan")
    plan = agreed_plan(db_session, jay, social_worker)
    call = factories.commitment(db_session, plan, supporters=[nan], description="Nan rings")
    db_session.commit()
    values = {
        "kind": "letter",
        "supporters": [nan.public_id],
        "description": "Changed",
        "schedule": "yearly_birthday",
        "window_days_before": "0",
        "window_days_after": "0",
    }
    for url, data in (
        (f"/staff/plans/{plan.public_id}/commitments", values),
        (f"/staff/commitments/{call.public_id}", values),
        (f"/staff/commitments/{call.public_id}/remove", {}),
    ):
        response = staff.post(url, data=data)
        assert (response.status_code, response.location) == (303, f"/staff/young-people/{jay.public_id}/plan")
    page = staff.get_page("staff.plan", public_id=jay.public_id)
    assert "This version is agreed. Start a new version to change it." in flashes(page)
    db_session.expire_all()
    assert [(c.kind, c.description) for c in db_session.get(Plan, plan.id).commitments] == [
        (CommitmentKind.BIRTHDAY_CALL, "Nan rings")
    ]


# 7. Staff: places and reviews


def test_places_in_the_young_persons_story(app, db_session, jay, staff):
    nan = factories.network_member(db_session, jay, name="Nan")
    factories.network_member(db_session, jay, name="Dev")
    db_session.commit()
    soup = staff.get_page("staff.places", public_id=jay.public_id)
    assert "No places yet." in text(soup.select_one("main"))
    form = f"form[action='/staff/young-people/{jay.public_id}/places']"
    response = staff.submit(soup, form, {"name": "Nan's flat", "from_year": "2018", "to_year": "2014"})
    assert response.status_code == 400
    page = soup_of(response)
    assert errors(page) == ["The second year can't be before the first"]
    assert page.select_one("input#name")["value"] == "Nan's flat"

    response = staff.submit(
        soup,
        form,
        {
            "name": "Nan's flat",
            "from_year": "2014",
            "to_year": "2018",
            "note": "Riverside",
            "people": [nan.public_id],
        },
    )
    assert response.status_code == 303
    soup = staff.get_page("staff.places", public_id=jay.public_id)
    assert text(soup.select_one("ol.places li")).startswith(
        "Nan's flat · 2014–2018 Who was there: Nan Riverside"
    )

    db_session.expire_all()
    place = db_session.scalars(select(Place)).one()
    response = staff.submit(soup, f"form[action='/staff/places/{place.public_id}/remove']", {})
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Place)) == 0
    assert db_session.get(NetworkMember, nan.id) is not None


def test_reviews_show_what_was_due_kept_and_missed_and_count_the_network(
    app, db_session, jay, social_worker, staff
):
    nan = supporter(db_session, jay, "Nan")
    factories.network_member(db_session, jay, name="Rose")
    plan = agreed_plan(db_session, jay, social_worker, conference_on=date.today() - timedelta(days=200))
    call = factories.commitment(db_session, plan, supporters=[nan])
    for days, status in (
        (150, OccurrenceStatus.KEPT),
        (100, OccurrenceStatus.KEPT),
        (50, OccurrenceStatus.MISSED),
    ):
        factories.occurrence(db_session, call, due_on=date.today() - timedelta(days=days), status=status)
    db_session.commit()

    soup = staff.get_page("staff.reviews_page", public_id=jay.public_id)
    form = f"form[action='/staff/young-people/{jay.public_id}/reviews']"
    response = staff.submit(soup, form, {"kind": "conference_review", "due_on": ""})
    assert response.status_code == 400
    assert errors(soup_of(response)) == ["Enter the date"]
    response = staff.submit(soup, form, {"kind": "conference_review", "due_on": date.today().isoformat()})
    assert response.status_code == 303
    db_session.expire_all()
    review = db_session.scalars(select(Review)).one()
    assert (review.kind, review.due_on) == (ReviewKind.CONFERENCE_REVIEW, date.today())

    soup = staff.get_page("staff.review", public_id=review.public_id)
    [row] = soup.select("main table tbody tr")
    assert [text(cell) for cell in row.select("th, td")] == [
        "Nan will call you on your birthday, every year.",
        "3",
        "2",
        "1",
    ]
    response = staff.submit(
        soup,
        f"form[action='/staff/reviews/{review.public_id}']",
        {"held_on": date.today().isoformat(), "notes": "Nan has rung every time but one."},
    )
    assert response.status_code == 303
    db_session.expire_all()
    held = db_session.get(Review, review.id)
    assert (held.held_on, held.plan_id) == (date.today(), plan.id)

    soup = staff.get_page("staff.reviews_page", public_id=jay.public_id)
    [row] = soup.select("main table tbody tr")
    assert [text(cell) for cell in row.select("th, td")][1:] == ["2", "1"]
    assert text(row.select_one("th")).startswith("Review, ")


# 8. Who may reach these pages


@pytest.fixture
def world(db_session, jay, social_worker):
    nan = supporter(db_session, jay, "Nan")
    plan = factories.plan(db_session, jay)
    return {
        "young_person": jay,
        "member": nan,
        "plan": plan,
        "commitment": factories.commitment(db_session, plan, supporters=[nan]),
        "place": factories.place(db_session, jay, people=[nan]),
        "review": factories.review(db_session, jay),
    }


STAFF_PAGES = [
    ("GET", "/staff/young-people/{young_person}/people/new"),
    ("POST", "/staff/young-people/{young_person}/people/new"),
    ("GET", "/staff/people/{member}"),
    ("POST", "/staff/people/{member}"),
    ("POST", "/staff/people/{member}/safety"),
    ("POST", "/staff/people/{member}/contact-log"),
    ("GET", "/staff/young-people/{young_person}/plan"),
    ("POST", "/staff/young-people/{young_person}/plan"),
    ("POST", "/staff/plans/{plan}/conference"),
    ("POST", "/staff/plans/{plan}/commitments"),
    ("GET", "/staff/commitments/{commitment}"),
    ("POST", "/staff/commitments/{commitment}"),
    ("POST", "/staff/commitments/{commitment}/remove"),
    ("POST", "/staff/plans/{plan}/agree"),
    ("GET", "/staff/young-people/{young_person}/places"),
    ("POST", "/staff/young-people/{young_person}/places"),
    ("POST", "/staff/places/{place}/remove"),
    ("GET", "/staff/young-people/{young_person}/reviews"),
    ("POST", "/staff/young-people/{young_person}/reviews"),
    ("GET", "/staff/reviews/{review}"),
    ("POST", "/staff/reviews/{review}"),
]


def urls(world) -> list[tuple[str, str]]:
    ids = {name: record.public_id for name, record in world.items()}
    return [(method, path.format(**ids)) for method, path in STAFF_PAGES]


def test_staff_of_another_council_find_nothing(app, db_session, world, other_organisation):
    app.config["WTF_CSRF_ENABLED"] = False
    db_session.commit()
    for role in (Role.COORDINATOR, Role.SOCIAL_WORKER):
        outsider = factories.account(db_session, role=role, organisation=other_organisation)
        db_session.commit()
        client = phone_of(app, outsider)
        wrong = [
            f"{method} {url}: {status}"
            for method, url in urls(world)
            if (status := client.open(url, method=method, data={}).status_code) != 404
        ]
        assert wrong == []
    db_session.expire_all()
    assert db_session.get(Plan, world["plan"].id).commitments[0].id == world["commitment"].id
    assert db_session.scalar(select(func.count()).select_from(NetworkMember)) == 1
    assert db_session.get(Review, world["review"].id).held_on is None


def test_supporters_and_young_people_are_refused_staff_pages(
    app, db_session, world, jay, young_person_account
):
    app.config["WTF_CSRF_ENABLED"] = False
    nan_account = factories.account(db_session, role=Role.SUPPORTER, display_name="Nan")
    world["member"].account_id = nan_account.id
    db_session.commit()
    for account in (young_person_account, nan_account):
        client = phone_of(app, account)
        wrong = [
            f"{method} {url}: {status}"
            for method, url in urls(world)
            if (status := client.open(url, method=method, data={}).status_code) != 403
        ]
        assert wrong == [], account.role
    anonymous = app.test_client()
    assert {anonymous.open(url, method=method).status_code for method, url in urls(world)} == {303}


def test_supporters_and_staff_are_refused_the_young_persons_pages(app, db_session, world, coordinator):
    app.config["WTF_CSRF_ENABLED"] = False
    nan_account = factories.account(db_session, role=Role.SUPPORTER)
    db_session.commit()
    wish = factories.objective(db_session, world["young_person"])
    db_session.commit()
    pages = [
        ("GET", "/me/people"),
        ("GET", "/me/people/suggest"),
        ("POST", "/me/people/suggest"),
        ("GET", "/me/plan"),
        ("GET", "/me/wishes"),
        ("POST", "/me/wishes"),
        ("GET", f"/me/wishes/{wish.public_id}"),
        ("POST", f"/me/wishes/{wish.public_id}/done"),
    ]
    for account in (nan_account, coordinator):
        client = phone_of(app, account)
        assert [client.open(url, method=method).status_code for method, url in pages] == [403] * len(pages)


# 9. Page budgets


def test_the_young_persons_plan_and_people_pages_stay_within_10_queries(
    app, db_session, jay, social_worker, me
):
    people = [
        supporter(db_session, jay, f"Person {n}", circle=[1, 2, 3, None][n % 4])
        if n < 30
        else factories.network_member(db_session, jay, name=f"Person {n}", circle=2)
        for n in range(40)
    ]
    plan = agreed_plan(db_session, jay, social_worker, review_due_on=today() + timedelta(days=60))
    schedules_ = [
        {"schedule": ScheduleKind.YEARLY_BIRTHDAY},
        {"schedule": ScheduleKind.EVERY_N_WEEKS, "interval": 2, "starts_on": today() - timedelta(days=30)},
        {"schedule": ScheduleKind.YEARLY_DATE, "starts_on": date(2025, 12, 25)},
        {"schedule": ScheduleKind.ONCE, "starts_on": today() + timedelta(days=7)},
    ]
    for n in range(50):
        commitment = factories.commitment(
            db_session,
            plan,
            supporters=[people[n % 30], people[(n + 1) % 30]],
            kind=list(CommitmentKind)[n % len(CommitmentKind)],
            description=f"Commitment {n}",
            **schedules_[n % 4],
        )
        factories.occurrence(
            db_session, commitment, due_on=today() - timedelta(days=n + 1), status=OccurrenceStatus.KEPT
        )
    for member in people[:20]:
        factories.consent_event(
            db_session,
            jay,
            kind=ConsentKind.SUPPORTER_PARTICIPATION,
            decision=Decision.WITHDRAWN,
            scope=f"member:{member.public_id}",
        )
    db_session.commit()
    engine = app.extensions["db"]

    for url, check in (
        ("/me/plan", lambda soup: len(soup.select(".plan-line")) == 50),
        ("/me/people", lambda soup: len(soup.select("ul.people-list li")) == 40),
    ):
        me.get(url)  # warm: first-request work is not what we measure
        with count_queries(engine) as counted:
            response = me.get(url)
        assert response.status_code == 200
        assert counted.count <= 10, f"{url}: {counted.count} queries\n" + "\n".join(counted.statements)
        assert check(soup_of(response)), url
    assert re.search(r"Your circles: 40 people", response.get_data(as_text=True))


def test_the_young_person_never_reads_the_name_of_someone_hidden_from_them(app, db_session, organisation):
    from app.models import SafetyStatus
    from app.plan_words import sentence

    young_person = factories.young_person(db_session, organisation=organisation)
    gary = factories.network_member(
        db_session,
        young_person,
        name="Gary",
        safety_status=SafetyStatus.DO_NOT_CONTACT,
        shown_to_young_person=False,
    )
    nan = factories.network_member(db_session, young_person, name="Nan")
    plan = factories.plan(db_session, young_person)
    both = factories.commitment(db_session, plan, supporters=[nan, gary])
    only_gary = factories.commitment(db_session, plan, supporters=[gary])
    db_session.commit()
    with app.test_request_context():
        assert sentence(both, for_young_person=True) == "Nan will call you on your birthday, every year."
        assert (
            sentence(only_gary, for_young_person=True)
            == "Someone will call you on your birthday, every year."
        )
        assert "Gary" in sentence(only_gary)  # staff see who it was


def test_the_young_persons_home_tells_them_there_is_news_until_they_answer(app, db_session, organisation):
    from datetime import date as day

    from app.models import CaseStatus, PlanStatus

    account = factories.account(db_session, role=Role.YOUNG_PERSON, organisation=organisation)
    young_person = factories.young_person(
        db_session, organisation=organisation, account_id=account.id, status=CaseStatus.PLAN_AGREED
    )
    nan = factories.network_member(db_session, young_person, name="Nan")
    plan = factories.plan(db_session, young_person, status=PlanStatus.ACTIVE)
    call = factories.commitment(db_session, plan, supporters=[nan])
    done = factories.confirmation(db_session, factories.occurrence(db_session, call, due_on=day.today()))
    db_session.commit()
    client = app.test_client()
    sign_in(client, account)
    assert "News from your people (1)" in client.get("/me/").get_data(as_text=True)
    app.config["WTF_CSRF_ENABLED"] = False
    answered = client.post(f"/me/confirmations/{done.public_id}/answer", data={"happened": "yes"})
    assert answered.status_code == 303
    assert "News from your people" not in client.get("/me/").get_data(as_text=True)
