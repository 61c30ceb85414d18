"""People and the plan, on a phone, end to end.

A coordinator adds eight people to Jay's network and checks each is safe; Jay says who may be contacted;
the five who said yes to taking part are put into a plan of five commitments at the family group
conference; the network agrees it, the social worker agrees it, the coordinator starts it; Jay reads
"who agreed to do what" in English and in Arabic (right to left) and sees their circles. Every page
visited passes axe; the circles and the family tree (genogram) drawings have accessible names.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from flask_babel import format_date
from playwright.sync_api import expect
from sqlalchemy import select

from app.models import Channel, ConsentKind, NetworkMember
from tests import factories
from tests.browser.axe import assert_accessible
from tests.browser.conftest import PHONE_CONTEXT, Watch, session_cookie

# Name, who they are to Jay, family side and circle, as the form words them; the first five take part.
PEOPLE = [
    ("Maureen", "Nan", "Mum's side", "1 — closest"),
    ("Dev", "Uncle", "Dad's side", "2 — close"),
    ("Rose", "Auntie", "Mum's side", "2 — close"),
    ("Sam", "Big sister", "Both sides", "1 — closest"),
    ("Mr Okafor", "Old football coach", "Not family (friend, carer, teacher…)", "3 — further out"),
    ("Lisa", "Mum", "Mum's side", "1 — closest"),
    ("Kieran", "Cousin", "Dad's side", "3 — further out"),
    ("Pat", "Old foster carer", "Not family (friend, carer, teacher…)", "Not placed yet"),
]
SUPPORTERS = ["Maureen", "Dev", "Rose", "Sam", "Mr Okafor"]


@pytest.fixture
def jay(app, live_server, db_session, organisation, coordinator, social_worker, young_person_account):
    app.config["BASE_URL"] = live_server.url
    person = factories.young_person(
        db_session,
        organisation=organisation,
        chosen_name="Jay",
        account_id=young_person_account.id,
        coordinator_id=coordinator.id,
        social_worker_id=social_worker.id,
    )
    # The council (parental responsibility) agreed at referral, in person.
    factories.consent_event(
        db_session, person, kind=ConsentKind.PR_REFERRAL, pr_holder="The council", channel=Channel.IN_PERSON
    )
    db_session.commit()
    return person


@contextmanager
def signed_in_phone(browser, app, db_session, base: str, account):
    """Another person's phone, signed in, watched for CSP breaches and JavaScript errors."""
    context = browser.new_context(**PHONE_CONTEXT)
    context.add_cookies([{"name": "session", "value": session_cookie(app, db_session, account), "url": base}])
    page = context.new_page()
    watch = Watch()

    def on_console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            watch.csp_violations.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert watch.csp_violations == [], "the page broke the Content Security Policy"
    assert watch.page_errors == [], "the page raised JavaScript errors"


def _add_people(page, base: str, person) -> None:
    """Through the forms, one at a time: add the person, then record that they are safe, and why."""
    home = f"{base}/staff/young-people/{person.public_id}"
    page.goto(home)
    assert_accessible(page, "on the young person's page, before anyone is added")
    for index, (name, relationship, side, circle) in enumerate(PEOPLE):
        page.get_by_role("link", name="Add someone").click()
        page.wait_for_url(f"{home}/people/new")
        if index == 0:
            assert_accessible(page, "on Add someone")
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label("Who they are to the young person").fill(relationship)
        page.get_by_label("Family side").select_option(label=side)
        page.get_by_label("Circle", exact=True).select_option(label=circle)
        page.get_by_role("button", name="Add", exact=True).click()
        page.wait_for_url(re.compile(re.escape(base) + r"/staff/people/[^/]+$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        safety = page.locator("form[action$='/safety']")
        if index == 0:
            expect(page.locator("#flash-messages")).to_contain_text(f"{name} is added")
            expect(page.locator("main")).to_contain_text("Not checked yet")
            assert_accessible(page, "on a person, not checked yet")
        safety.get_by_label("Safe to contact").check()
        safety.get_by_label("Why?").fill(f"Talked with {name} and with Jay's social worker: no concerns.")
        safety.get_by_role("button", name="Save the safety check").click()
        expect(page.locator("#flash-messages")).to_contain_text("The safety check is saved.")
        expect(page.locator("main .tag").first).to_have_text("Safe to contact")
        expect(page.locator("main")).to_contain_text("no concerns")
        if index == 0:
            assert_accessible(page, "on a person, checked safe")
        page.get_by_role("link", name="Back to Jay").click()
        page.wait_for_url(home)
    names = page.locator("main ul.list > li > a strong")
    expect(names).to_have_text([name for name, *_ in PEOPLE])
    expect(page.locator("main")).not_to_contain_text("not checked yet")
    assert_accessible(page, "on the young person's page, with eight people")


def _jay_says_who_may_be_contacted(page, base: str) -> None:
    """Jay agrees to take part and says yes to contacting the five people who will be in the plan."""
    page.goto(f"{base}/me/choices")
    page.get_by_role("button", name="Yes, I want to take part").click()
    expect(page.locator("#taking-part h2")).to_have_text("You're taking part")
    for name in SUPPORTERS:
        person = page.locator("fieldset.choice").filter(
            has=page.locator("legend strong", has_text=re.compile(rf"^{re.escape(name)}$"))
        )
        person.get_by_role("button", name="Yes, contact them").click()
        expect(page.locator("#flash-messages")).to_contain_text(f"Saved your choice about {name}.")
        expect(
            page.locator("fieldset.choice")
            .filter(has=page.locator("legend strong", has_text=re.compile(rf"^{re.escape(name)}$")))
            .locator(".muted")
        ).to_have_text("You said yes.")
    assert_accessible(page, "on My choices, five people cleared")


def _they_said_yes(db_session, person) -> None:
    """Each of the five told the coordinator on the phone that they will take part (their own yes is
    the supporter's screen, covered elsewhere)."""
    db_session.expire_all()
    members = {
        member.name: member
        for member in db_session.scalars(
            select(NetworkMember).where(NetworkMember.young_person_id == person.id)
        )
    }
    assert sorted(members) == sorted(name for name, *_ in PEOPLE)
    for name in SUPPORTERS:
        factories.consent_event(
            db_session,
            person,
            kind=ConsentKind.SUPPORTER_PARTICIPATION,
            scope=f"member:{members[name].public_id}",
            channel=Channel.PHONE,
            wording_key="supporter_participation",
        )
    db_session.commit()


def _commitments(app, today: date) -> list[dict]:
    christmas = date(today.year, 12, 25)
    fortnightly_from = today + timedelta(days=3)
    monthly_from = today + timedelta(days=10)
    work_experience = today + timedelta(days=60)
    with app.test_request_context():  # the date as the app writes it in English
        work_experience_words = format_date(work_experience, "long")
    return [
        {
            "kind": "Birthday call",
            "who": ["Maureen"],
            "words": "Nan rings Jay on the morning of his birthday.",
            "when": "Every year on the young person's birthday",
            "sentence": re.escape("Maureen will call you on your birthday, every year."),
        },
        {
            "kind": "Christmas card",
            "who": ["Rose", "Dev"],
            "words": "Auntie Rose and Uncle Dev send one card together.",
            "when": "Every year on a date (for example 25 December)",
            "starts_on": christmas,
            "before": 7,
            # Either order: the names come in the order the database gives them.
            "sentence": r"(Rose and Dev|Dev and Rose) will send you a Christmas card "
            r"every year on 25 December\.",
        },
        {
            "kind": "Phone or video call",
            "who": ["Sam"],
            "words": "Sam video-calls on a Sunday evening.",
            "when": "Every few weeks, from a date",
            "starts_on": fortnightly_from,
            "interval": 2,
            "after": 3,
            "sentence": re.escape("Sam will call or video-call you every 2 weeks."),
        },
        {
            "kind": "Outing",
            "who": ["Dev"],
            "words": "Uncle Dev takes Jay to a home match.",
            "when": "Every few months, from a date",
            "starts_on": monthly_from,
            "interval": 3,
            "after": 30,
            "sentence": re.escape("Dev will take you out every 3 months."),
        },
        {
            "kind": "Work experience",
            "who": ["Mr Okafor"],
            "words": "A week helping at the football club's summer camp.",
            "when": "Once, on a date",
            "starts_on": work_experience,
            "after": 7,
            "sentence": re.escape(
                f"Mr Okafor will help you find work experience on {work_experience_words}."
            ),
        },
    ]


def _build_the_plan(page, base: str, person, commitments: list[dict], held_on: date) -> None:
    page.goto(f"{base}/staff/young-people/{person.public_id}")
    page.get_by_role("link", name="The plan", exact=True).click()
    page.wait_for_url(f"{base}/staff/young-people/{person.public_id}/plan")
    expect(page.locator("main")).to_contain_text("No plan yet.")
    assert_accessible(page, "on the plan, before there is one")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.locator("main .lead .tag")).to_have_text("Draft")
    assert_accessible(page, "on an empty draft plan")

    conference = page.locator("form[action$='/conference']")
    conference.get_by_label("Date of the conference").fill(held_on.isoformat())
    conference.get_by_label("Place", exact=True).fill("Riverside Community Centre")
    conference.get_by_label("Who came").fill(
        "Jay; Maureen; Dev; Rose by video; Sam; Mr Okafor; the coordinator"
    )
    conference.get_by_label("Private family time took place").check()
    conference.get_by_role("button", name="Save the conference").click()
    expect(page.locator("#flash-messages")).to_contain_text("The conference is saved.")
    expect(page.get_by_label("Place", exact=True)).to_have_value("Riverside Community Centre")

    adding = page.locator("form[action$='/commitments']")
    # Only the five Jay cleared, checked safe, who said yes, can be chosen.
    expect(adding.locator("#supporters .option label")).to_have_text(SUPPORTERS)
    for number, commitment in enumerate(commitments, start=1):
        adding.get_by_label("What", exact=True).select_option(label=commitment["kind"])
        for name in commitment["who"]:
            adding.locator("#supporters").get_by_label(name, exact=True).check()
        adding.get_by_label("In plain words").fill(commitment["words"])
        adding.get_by_label("When", exact=True).select_option(label=commitment["when"])
        if "starts_on" in commitment:
            adding.get_by_label("Date (or first date)").fill(commitment["starts_on"].isoformat())
        if "interval" in commitment:
            adding.get_by_label("How many weeks or months apart").fill(str(commitment["interval"]))
        adding.get_by_label("Counts as on time from this many days before").fill(
            str(commitment.get("before", 0))
        )
        adding.get_by_label("…until this many days after").fill(str(commitment.get("after", 0)))
        adding.get_by_label("Who will check it is done").fill("Jay's coordinator")
        adding.get_by_role("button", name="Add to the plan").click()
        expect(page.locator("#flash-messages")).to_contain_text("Added to the plan.")
        expect(page.locator("main ul.list > li > strong")).to_have_count(number)
        # The form is empty again for the next one.
        expect(adding.locator("#supporters input:checked")).to_have_count(0)
    lines = page.locator("main ul.list > li > strong")
    expect(lines).to_have_text([re.compile(rf"^{c['sentence']}$") for c in commitments])
    assert_accessible(page, "on the draft plan with five commitments")


def _jay_sees_no_draft(page, base: str) -> None:
    """A draft is still being made with Jay: it is not shown as their plan."""
    page.goto(f"{base}/me/plan")
    expect(page.locator("main .empty-state")).to_contain_text("You don't have a plan yet.")
    expect(page.locator("main ul.plan")).to_have_count(0)
    assert_accessible(page, "on My plan, while the plan is a draft")


def _network_agrees(page, base: str, person) -> None:
    page.goto(f"{base}/staff/young-people/{person.public_id}/plan")
    page.get_by_role("button", name="The network agreed it at the conference").click()
    expect(page.locator("main .lead .tag")).to_have_text("Agreed at the conference")
    expect(page.get_by_role("button", name="I agree this plan as the social worker")).to_be_visible()
    assert_accessible(page, "on the plan agreed at the conference")


def _social_worker_agrees(page, base: str, person, social_worker) -> None:
    page.goto(f"{base}/staff/young-people/{person.public_id}/plan")
    expect(page.locator("main .lead .tag")).to_have_text("Agreed at the conference")
    assert_accessible(page, "on the plan, as the social worker")
    page.get_by_role("button", name="I agree this plan as the social worker").click()
    expect(page.locator("#flash-messages")).to_contain_text("The plan is updated.")
    expect(page.locator("main .lead .tag")).to_have_text("Agreed by the social worker")
    expect(page.locator("main .lead")).to_contain_text(f"agreed by {social_worker.display_name}")
    assert_accessible(page, "on the plan agreed by the social worker")


def _coordinator_starts_it(page, base: str, person, review_on: date) -> None:
    page.goto(f"{base}/staff/young-people/{person.public_id}/plan")
    expect(page.locator("main .lead .tag")).to_have_text("Agreed by the social worker")
    expect(page.get_by_role("button", name="I agree this plan as the social worker")).to_have_count(0)
    page.get_by_label("Review the plan on").fill(review_on.isoformat())
    page.get_by_role("button", name="Start the plan").click()
    expect(page.locator("main .lead .tag")).to_have_text("Active")
    expect(
        page.get_by_role("button", name="Carry the plan forward with changes (new version)")
    ).to_be_visible()
    assert_accessible(page, "on the active plan")


def _jay_reads_the_plan(page, base: str, commitments: list[dict], social_worker) -> None:
    page.goto(f"{base}/me/plan")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("main .lead")).to_have_text("Who agreed to do what.")
    expect(page.locator("main")).to_contain_text(
        f"Agreed by your social worker, {social_worker.display_name}"
    )
    expect(page.locator("main")).to_contain_text("We will look at it together again on")
    lines = page.locator("main ul.plan .plan-line")
    expect(lines).to_have_count(len(commitments))
    shown = [line.strip() for line in lines.all_inner_texts()]
    for commitment in commitments:
        matching = [line for line in shown if re.fullmatch(commitment["sentence"], line)]
        assert len(matching) == 1, f"no line for {commitment['kind']} among {shown}"
    for commitment in commitments:
        expect(page.locator("main ul.plan")).to_contain_text(commitment["words"])
    expect(page.locator("main ul.plan > li").filter(has_text="Next:")).to_have_count(len(commitments))
    assert_accessible(page, "on My plan (en)")

    _switch_language(page, "ar")
    page.wait_for_url(f"{base}/me/plan")
    _right_to_left(page)
    lines = page.locator("main ul.plan .plan-line")
    expect(lines).to_have_count(len(commitments))
    # The words may be translated; the people's names are not.
    for commitment in commitments:
        item = page.locator("main ul.plan > li").filter(has_text=commitment["words"])
        for name in commitment["who"]:
            expect(item.locator(".plan-line")).to_contain_text(name)
    assert_accessible(page, "on My plan (ar)")


def _switch_language(page, language: str) -> None:
    page.locator(f"form.language-switch button[value='{language}']").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def _right_to_left(page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")


def _jay_sees_the_circles(page, base: str, language: str) -> None:
    page.goto(f"{base}/me/people")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    drawing = page.locator("figure.circles svg[role=img]")
    expect(drawing).to_be_visible()
    title = drawing.locator("title")
    expect(title).to_have_count(1)
    expect(drawing).to_have_attribute("aria-labelledby", title.get_attribute("id"))
    accessible_name = title.text_content().strip()
    assert accessible_name, "the circles drawing has no accessible name"
    expect(drawing).to_have_accessible_name(accessible_name)
    if language == "en":
        assert accessible_name == "Your circles: 8 people. They are all listed below."
    # Colour-independent legend, and the list that says everything the drawing does.
    expect(page.locator("figure.circles figcaption .legend li")).to_have_count(3)
    people = page.locator("main ul.people-list > li > strong")
    expect(people).to_have_count(len(PEOPLE))
    assert sorted(people.all_inner_texts()) == sorted(name for name, *_ in PEOPLE)
    expect(drawing.locator("g.person")).to_have_count(len(PEOPLE))
    if language == "en":
        # Closest first, and who is taking part.
        expect(people.first).to_have_text(re.compile("^(Maureen|Sam|Lisa)$"))
        nan = page.locator("main ul.people-list > li").filter(has_text="Maureen")
        expect(nan).to_contain_text("Nan — Mum's side")
        expect(nan).to_contain_text("Taking part")
        expect(page.locator("main ul.people-list > li").filter(has_text="Kieran")).to_contain_text(
            "Not taking part yet"
        )
    expect(drawing.locator(".marker--on")).to_have_count(len(SUPPORTERS))
    assert_accessible(page, f"on My people ({language})")


def _family_tree(page, base: str, person) -> None:
    """The genogram: a few links added with the form (no dragging), then the drawing and the words."""
    url = f"{base}/staff/young-people/{person.public_id}/family"
    response = page.goto(url)
    if response is None or response.status == 404:
        pytest.skip("the family tree page (/staff/young-people/<id>/family) is not built yet")
    assert response.ok, f"the family tree page answered {response.status}"
    assert_accessible(page, "on the family tree, no links yet")
    links = [
        ("Lisa — Mum", "A parent figure and their child", "Birth parent", "Jay (the young person)"),
        ("Maureen — Nan", "A parent figure and their child", "Birth parent", "Lisa — Mum"),
        ("Sam — Big sister", "Brothers or sisters (siblings)", "Half-siblings", "Jay (the young person)"),
    ]
    for first, kind, detail, second in links:
        adding = page.locator("form[action$='/family/links']")
        adding.get_by_label("First person", exact=True).select_option(label=first)
        adding.get_by_label(kind).check()
        adding.get_by_label("What kind of parent figure or siblings?").select_option(label=detail)
        adding.get_by_label("Second person", exact=True).select_option(label=second)
        adding.get_by_role("button", name="Add the link").click()
        expect(page.locator("#flash-messages")).to_contain_text("Link added.")
    drawing = page.locator("figure.genogram svg[role=img]")
    expect(drawing).to_be_attached()
    title = drawing.locator(":scope > title")
    expect(title).to_have_count(1)
    expect(drawing).to_have_attribute("aria-labelledby", title.get_attribute("id"))
    accessible_name = title.text_content().strip()
    assert "Jay" in accessible_name, f"the family tree's name does not say whose it is: {accessible_name!r}"
    expect(drawing).to_have_accessible_name(accessible_name)
    words = page.locator("main ul.family-words > li")
    expect(words).to_have_count(len(links))
    expect(words.filter(has_text="Lisa is a birth parent of Jay (the young person).")).to_have_count(1)
    expect(words.filter(has_text="Sam and Jay (the young person) are half-siblings.")).to_have_count(1)
    assert_accessible(page, "on the family tree with three links")


def test_network_of_eight_plan_of_five_agreed_and_read_by_the_young_person(
    page, browser, live_server, app, db_session, jay, coordinator, social_worker, young_person_account
):
    base = live_server.url
    today = date.today()
    page.context.add_cookies(
        [{"name": "session", "value": session_cookie(app, db_session, coordinator), "url": base}]
    )
    _add_people(page, base, jay)

    with signed_in_phone(browser, app, db_session, base, young_person_account) as jays_phone:
        _jay_says_who_may_be_contacted(jays_phone, base)
        _they_said_yes(db_session, jay)

        commitments = _commitments(app, today)
        _build_the_plan(page, base, jay, commitments, held_on=today - timedelta(days=2))
        _jay_sees_no_draft(jays_phone, base)
        _network_agrees(page, base, jay)

        with signed_in_phone(browser, app, db_session, base, social_worker) as social_workers_phone:
            _social_worker_agrees(social_workers_phone, base, jay, social_worker)

        _coordinator_starts_it(page, base, jay, review_on=today + timedelta(days=180))

        _jay_reads_the_plan(jays_phone, base, commitments, social_worker)
        _jay_sees_the_circles(jays_phone, base, "ar")
        _switch_language(jays_phone, "en")
        _jay_sees_the_circles(jays_phone, base, "en")

    _family_tree(page, base, jay)
