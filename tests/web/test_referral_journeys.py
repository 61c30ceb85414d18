"""Referrals end to end over HTTP: a care leaver refers themselves, workers refer, coordinators triage.

The self-referrer's phone is the ``Phone`` of the sign-in journeys: a cookie jar plus the in-repo
software authenticator, so the passkey at the end is a real WebAuthn registration. Policies are the
shipped examples stored on each organisation (``policies/``).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from babel.dates import format_date
from bs4 import BeautifulSoup, Tag
from sqlalchemy import func, select

from app.domain import referrals
from app.models import (
    Account,
    AuditEvent,
    Base,
    CaseStatus,
    LegalStatus,
    Referral,
    ReferralStatus,
    Role,
)
from tests import factories
from tests.helpers import PageClient, check_page, phone_of
from tests.web.test_sign_in_journeys import ORIGIN, Phone

HOSTILE = "<script>alert(1)</script>"
PERSONAL_TABLES = {
    "accounts",
    "young_people",
    "referrals",
    "objectives",
    "passkeys",
    "user_sessions",
    "audit_events",
    "outbox_messages",
}
BARKING = "barking-and-dagenham"
TOO_YOUNG_FOR_DURHAM = "Lifelong Links here is for young people aged 15 years and 9 months or older."


@pytest.fixture
def app(app):
    app.config.update(BASE_URL=ORIGIN, RP_ID="localhost")
    return app


@pytest.fixture
def barking(db_session):
    organisation = factories.organisation_with_policy(
        db_session, BARKING, name="Barking and Dagenham Lifelong Links", slug=BARKING
    )
    db_session.commit()
    return organisation


@pytest.fixture
def durham(db_session):
    organisation = factories.organisation_with_policy(
        db_session, "durham", name="Durham Lifelong Links", slug="durham"
    )
    db_session.commit()
    return organisation


def member_of(db_session, organisation, role: Role, name: str | None = None) -> Account:
    values = {"display_name": name} if name else {}
    account = factories.account(db_session, role=role, organisation=organisation, **values)
    db_session.commit()
    return account


def row_counts(db_session) -> dict[str, int]:
    db_session.expire_all()  # see what the requests committed
    return {
        table.name: db_session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {name: after[name] - before[name] for name in before if after[name] != before[name]}


def born_aged(organisation, years: int, days_short: int = 0) -> str:
    today = referrals.today_for(organisation)
    try:
        born = today.replace(year=today.year - years)
    except ValueError:
        born = date(today.year - years, 3, 1)
    return (born + timedelta(days=days_short)).isoformat()


def text(node) -> str:
    """The words a person reads in a response, a page or a part of one."""
    if not isinstance(node, Tag):
        node = BeautifulSoup(node.data, "html.parser")
    return node.get_text(" ", strip=True)


def page(response, status: int) -> BeautifulSoup:
    assert response.status_code == status, (response.status_code, response.data[:300])
    soup = BeautifulSoup(response.data, "html.parser")
    check_page(soup)
    return soup


def error_summary(soup: BeautifulSoup) -> list[tuple[str, str]]:
    summary = soup.select_one(".error-summary")
    assert summary is not None, "no error summary"
    return [(link.get_text(strip=True), link["href"]) for link in summary.select("li a")]


def pending_answers(phone: Phone):
    with phone.client.session_transaction() as cookie:
        return cookie.get("self_referral")


# The self-referrer's phone


def answer_questions(device: Phone, slug: str, **answers):
    device.page(f"/refer/{slug}")
    return device.client.post(f"/refer/{slug}", data={"csrf_token": device.csrf, **answers})


def give_contact(device: Phone, slug: str, **contact):
    device.page(f"/refer/{slug}/contact")
    return device.client.post(f"/refer/{slug}/contact", data={"csrf_token": device.csrf, **contact})


def refer_myself(app, organisation, name: str = "Sam", hopes: str = "") -> Phone:
    """A care leaver of 20 goes through every step and makes their passkey."""
    phone = Phone(app)
    slug = organisation.slug
    answered = answer_questions(phone, slug, born=born_aged(organisation, 20), care_experienced="yes")
    assert answered.status_code == 303
    assert give_contact(phone, slug, name=name, email="sam@example.org", hopes=hopes).status_code == 303
    finish = phone.create_passkey(
        f"/refer/{slug}/passkey", f"/refer/{slug}/passkey/options", f"/refer/{slug}/passkey/finish"
    )
    assert finish.status_code == 200, finish.data
    return phone


def test_a_care_leaver_refers_themselves_and_nothing_is_stored_until_the_passkey_exists(
    app, db_session, barking, durham
):
    start = row_counts(db_session)
    phone = Phone(app)

    councils = phone.page("/refer/")
    check_page(councils)
    assert [a.get_text(strip=True) for a in councils.select("main ul.list a")] == [barking.name]

    questions = phone.page(f"/refer/{BARKING}")
    check_page(questions)
    assert {box["name"] for box in questions.select("input[type=checkbox]")} == {"family_abroad", "uasc"}
    answered = phone.client.post(
        f"/refer/{BARKING}",
        data={
            "csrf_token": phone.csrf,
            "born": born_aged(barking, 20),
            "care_experienced": "yes",
            "family_abroad": "y",
        },
    )
    assert answered.status_code == 303 and answered.headers["Location"] == f"/refer/{BARKING}/contact"

    answer = phone.page(f"/refer/{BARKING}/contact")
    check_page(answer)
    assert answer.h1.get_text(strip=True) == "Lifelong Links can help you"
    reply_by = referrals.reply_by(barking, referrals.today_for(barking))
    assert f"get in touch by {format_date(reply_by, 'long', locale='en_GB')}" in text(answer)
    assert "British Red Cross" in text(answer)  # the family-tracing signpost

    contact = phone.client.post(
        f"/refer/{BARKING}/contact",
        data={
            "csrf_token": phone.csrf,
            "name": "Sam",
            "email": " sam@example.org ",
            "phone": "07700 900123",
            "hopes": "find my brother",
        },
    )
    assert contact.status_code == 303 and contact.headers["Location"] == f"/refer/{BARKING}/passkey"
    assert "Last step, Sam." in text(phone.page(f"/refer/{BARKING}/passkey"))
    assert row_counts(db_session) == start  # the answers live in the signed cookie only

    options = phone.post_json(f"/refer/{BARKING}/passkey/options")
    assert options.status_code == 200
    assert changed(start, row_counts(db_session)) == {"webauthn_challenges": 1}

    answer_json = phone.authenticator.create(options.get_data(as_text=True), ORIGIN)
    finish = phone.post_json(f"/refer/{BARKING}/passkey/finish", body=answer_json)

    assert finish.status_code == 200 and finish.get_json() == {"redirect": "/me/?welcome=1"}
    after = changed(start, row_counts(db_session))
    # One of each (the challenge is used up), and the audit trail says what happened.
    assert after == {
        "accounts": 1,
        "young_people": 1,
        "objectives": 1,
        "referrals": 1,
        "passkeys": 1,
        "user_sessions": 1,
        "audit_events": after["audit_events"],
    }
    assert "referral.self" in set(db_session.scalars(select(AuditEvent.action)))
    assert pending_answers(phone) is None  # dropped from the cookie once saved
    referral = db_session.scalar(select(Referral))
    person = referral.young_person
    assert (person.chosen_name, person.status, person.legal_status) == (
        "Sam",
        CaseStatus.REFERRED,
        LegalStatus.SELF_REFERRED,
    )
    assert person.account.passkeys[0].account_id == person.account_id
    assert (referral.contact_email, referral.contact_phone) == ("sam@example.org", "07700 900123")
    assert (referral.result, referral.signposts, referral.family_abroad) == (
        "eligible",
        ["red_cross_family_tracing"],
        True,
    )
    assert [objective.text for objective in person.objectives] == ["find my brother"]

    home = phone.page("/me/?welcome=1")
    check_page(home)
    assert f"Your request is with {barking.name}" in text(home)
    assert f"will get in touch by {format_date(reply_by, 'long', locale='en_GB')}" in text(home)


def test_the_coordinator_sees_a_self_referral_in_the_queue_with_how_to_reach_them(app, db_session, barking):
    refer_myself(app, barking, name="Sam", hopes="find my brother")
    coordinator = phone_of(app, member_of(db_session, barking, Role.COORDINATOR))

    queue = coordinator.get_page("staff.referrals_list")
    item = queue.select_one(".referral-queue li")
    assert "Sam" in text(item) and "Eligible" in text(item) and "Asked for themselves" in text(item)
    referral = coordinator.get_page("staff.referral", public_id=db_session.scalar(select(Referral)).public_id)
    facts = text(referral.select_one("dl.facts"))
    assert "sam@example.org" in facts and "find my brother" in facts
    assert referral.select_one("form[action$='/accept']") is not None


def test_a_failed_passkey_stores_no_one(app, db_session, barking):
    phone = Phone(app)
    answer_questions(phone, BARKING, born=born_aged(barking, 22), care_experienced="yes")
    give_contact(phone, BARKING, name="Kit", phone="07700 900124")
    before = row_counts(db_session)
    phone.page(f"/refer/{BARKING}/passkey")
    options = phone.post_json(f"/refer/{BARKING}/passkey/options")

    unverified = phone.authenticator.create(options.get_data(as_text=True), ORIGIN, user_verified=False)
    finish = phone.post_json(f"/refer/{BARKING}/passkey/finish", body=unverified)

    assert finish.status_code == 400 and finish.get_json()["error"]
    assert changed(before, row_counts(db_session)) == {"audit_events": 1}  # the challenge is used up
    assert db_session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == (
        "referral.passkey_failed"
    )
    assert pending_answers(phone) is not None  # they can try again without typing it all again


@pytest.mark.parametrize(
    ("answers", "heading", "words"),
    [
        (
            {"years": 30, "care_experienced": "yes"},
            "Lifelong Links here can't help this time",
            "Lifelong Links here is for young people younger than 25 years.",
        ),
        (
            {"years": 21, "care_experienced": "no"},
            "Lifelong Links here can't help this time",
            "Lifelong Links here is for young people who are in care or have left care.",
        ),
        ({"years": 17, "care_experienced": "yes"}, "Talk to your social worker", "your social worker asks"),
        (
            {"years": 18, "days_short": 1, "care_experienced": "yes"},
            "Talk to your social worker",
            "your social worker asks",
        ),
    ],
)
def test_someone_who_cannot_refer_themselves_is_told_why_and_nothing_is_stored(
    app, db_session, barking, answers, heading, words
):
    answers = dict(answers)
    born = born_aged(barking, answers.pop("years"), answers.pop("days_short", 0))
    phone = Phone(app)
    before = row_counts(db_session)

    response = answer_questions(phone, BARKING, born=born, **answers)

    soup = page(response, 200)
    assert soup.h1.get_text(strip=True) == heading
    assert words in text(soup)
    assert "We have not saved anything about you." in text(soup)
    assert row_counts(db_session) == before
    assert set(before) >= PERSONAL_TABLES  # the tables that matter most are among those compared
    assert pending_answers(phone) is None
    # Nothing carried over: the next step sends them back to the questions.
    assert phone.client.get(f"/refer/{BARKING}/contact").headers["Location"] == f"/refer/{BARKING}"


def test_answers_that_change_to_not_eligible_drop_what_was_kept(app, db_session, barking):
    phone = Phone(app)
    answer_questions(phone, BARKING, born=born_aged(barking, 20), care_experienced="yes")
    assert pending_answers(phone)["born"] == born_aged(barking, 20)

    answer_questions(phone, BARKING, born=born_aged(barking, 20), care_experienced="no")

    assert pending_answers(phone) is None


def test_the_questions_list_every_problem_and_keep_what_was_typed(app, db_session, barking):
    phone = Phone(app)
    empty = page(answer_questions(phone, BARKING), 400)
    assert error_summary(empty) == [
        ("Enter your date of birth", "#born"),
        ("Choose yes or no", "#care_experienced"),
    ]

    hostile = answer_questions(phone, BARKING, born=HOSTILE, care_experienced="yes")

    soup = page(hostile, 400)
    assert error_summary(soup) == [("Enter your date of birth like this: 2004-03-21", "#born")]
    assert soup.select_one("input[name=born]")["value"] == HOSTILE
    assert soup.select_one("input[name=care_experienced][value=yes]").has_attr("checked")
    assert HOSTILE.encode() not in hostile.data and b"&lt;script&gt;alert(1)&lt;/script&gt;" in hostile.data

    future = page(answer_questions(phone, BARKING, born="2999-01-01", care_experienced="no"), 400)
    assert [message for message, _ in error_summary(future)] == [
        "Enter your date of birth like this: 2004-03-21"
    ]
    tomorrow = date.today() + timedelta(days=1)
    tomorrow_page = page(
        answer_questions(phone, BARKING, born=tomorrow.isoformat(), care_experienced="no"), 400
    )
    in_a_new_year = tomorrow.year != date.today().year  # then it is a year that cannot be a birth year
    expected = (
        "Enter your date of birth like this: 2004-03-21" if in_a_new_year else "Check your date of birth"
    )
    assert error_summary(tomorrow_page) == [(expected, "#born")]
    assert tomorrow_page.select_one("input[name=care_experienced][value=no]").has_attr("checked")
    assert pending_answers(phone) is None


def test_the_contact_form_needs_an_email_or_a_phone_and_keeps_what_was_typed(app, db_session, barking):
    phone = Phone(app)
    answer_questions(phone, BARKING, born=born_aged(barking, 19), care_experienced="yes")
    before = row_counts(db_session)

    neither = give_contact(phone, BARKING, name=HOSTILE, hopes=f"{HOSTILE} my sister")

    soup = page(neither, 400)
    assert error_summary(soup) == [("Give us an e-mail address or a phone number, or both", "#email")]
    assert soup.select_one("input[name=name]")["value"] == HOSTILE
    # (a newline straight after <textarea> is not part of its value)
    assert soup.select_one("textarea[name=hopes]").get_text().removeprefix("\r\n") == f"{HOSTILE} my sister"
    assert HOSTILE.encode() not in neither.data

    wrong = page(give_contact(phone, BARKING, name="", email="sam at home", phone="call me"), 400)
    assert [message for message, _ in error_summary(wrong)] == [
        "Tell us what to call you",
        "Check the e-mail address",
        "Check the phone number: use numbers and spaces",
    ]
    assert wrong.select_one("input[name=email]")["value"] == "sam at home"
    assert wrong.select_one("input[name=phone]")["value"] == "call me"
    assert "contact" not in pending_answers(phone)
    assert row_counts(db_session) == before

    assert give_contact(phone, BARKING, name="Sam", phone="+44 7700 900123").status_code == 303
    assert pending_answers(phone)["contact"] == {
        "name": "Sam",
        "email": None,
        "phone": "+44 7700 900123",
        "hopes": None,
    }
    # Going back to change the details shows what they gave.
    again = phone.page(f"/refer/{BARKING}/contact")
    assert again.select_one("input[name=phone]")["value"] == "+44 7700 900123"

    assert give_contact(phone, BARKING, name=HOSTILE, phone="07700 900123").status_code == 303
    last_step = phone.client.get(f"/refer/{BARKING}/passkey")
    assert f"Last step, {HOSTILE}." in text(last_step) and HOSTILE.encode() not in last_step.data


def test_the_later_steps_send_you_back_when_answers_are_missing(app, db_session, barking):
    other = factories.organisation_with_policy(db_session, BARKING, name="Riverside Lifelong Links")
    db_session.commit()
    phone = Phone(app)

    assert phone.client.get(f"/refer/{BARKING}/contact").headers["Location"] == f"/refer/{BARKING}"
    assert phone.client.get(f"/refer/{BARKING}/passkey").headers["Location"] == f"/refer/{BARKING}/contact"
    phone.page(f"/refer/{BARKING}")
    lost = phone.post_json(f"/refer/{BARKING}/passkey/options")
    assert lost.status_code == 400 and "start again" in lost.get_json()["error"]

    answer_questions(phone, BARKING, born=born_aged(barking, 20), care_experienced="yes")
    assert phone.client.get(f"/refer/{BARKING}/contact").status_code == 200
    assert phone.client.get(f"/refer/{BARKING}/passkey").headers["Location"] == f"/refer/{BARKING}/contact"
    # Answers given for one council are not taken to another.
    moved = phone.client.get(f"/refer/{other.slug}/contact")
    assert moved.status_code == 303 and moved.headers["Location"] == f"/refer/{other.slug}"


def test_councils_that_take_no_self_referrals_are_not_listed_and_not_found(
    app, db_session, barking, durham, organisation
):
    phone = Phone(app)
    listed = phone.page("/refer/")
    assert durham.name not in text(listed) and organisation.name not in text(listed)
    for slug in (durham.slug, organisation.slug, "no-such-council"):
        for url in (f"/refer/{slug}", f"/refer/{slug}/contact", f"/refer/{slug}/passkey"):
            assert phone.client.get(url).status_code == 404, url
        posted = phone.client.post(f"/refer/{slug}", data={"csrf_token": phone.csrf, "born": "2004-01-01"})
        assert posted.status_code == 404


def test_no_council_open_says_who_can_help(app, db_session, durham):
    listed = Phone(app).page("/refer/")
    assert listed.select("main ul.list a") == []
    assert "Your personal adviser from the leaving care team can ask for you." in text(listed)


def test_the_public_form_is_rate_limited(app, db_session, barking):
    app.config["RATE_LIMIT_REFERRAL"] = "3 per minute"
    phone = Phone(app)

    statuses = [answer_questions(phone, BARKING, born="").status_code for _ in range(4)]

    assert statuses == [400, 400, 400, 429]
    assert phone.client.get(f"/refer/{BARKING}").status_code == 200  # reading is not limited
    assert phone.client.get("/refer/").status_code == 200


# Staff referrals


def refer(client: PageClient, **data):
    form = client.get_page("staff.new_referral")
    values = {
        "chosen_name": "Leo",
        "where": "in_care",
        "legal_status": "section_20",
        "plan": "long_term_care",
        "reason": "Asks about his dad's family",
    }
    return client.submit(form, "form[action='/staff/referrals/new']", {**values, **data})


def saved_referral(response) -> str:
    assert response.status_code == 303, response.data[:500]
    location = response.headers["Location"]
    assert location.startswith("/staff/referrals/")
    return location.rsplit("/", 1)[1]


def test_a_social_worker_refers_leo_and_sees_durhams_answer_at_once(app, db_session, durham):
    worker = member_of(db_session, durham, Role.SOCIAL_WORKER, name="Ola Okafor")
    client = phone_of(app, worker)

    public_id = saved_referral(
        refer(
            client,
            born=born_aged(durham, 13),
            legal_name="Leonardo Reyes",
            in_care_since="2024-11-04",
            pr_holder="His mum, Carla",
        )
    )

    shown = client.get_page("staff.referral", public_id=public_id)
    assert "Referral saved. Here is what the policy says." in text(shown)
    answer = text(shown.select_one(".answer"))
    assert "The policy says: Not eligible" in answer and TOO_YOUNG_FOR_DURHAM in answer
    assert "Leonardo Reyes" in text(shown) and "His mum, Carla" in text(shown)
    # A social worker refers but does not triage.
    assert shown.select_one("form[action$='/accept']") is None
    assert shown.select_one("form[action$='/close']") is None
    made = client.get_page("staff.referrals_list")
    assert "Leo" in text(made) and "Not eligible" in text(made) and "Waiting for triage" in text(made)
    referral = db_session.scalar(select(Referral).where(Referral.public_id == public_id))
    assert referral.young_person.social_worker_id == worker.id
    assert referral.reasons == [["too_young", {"years": 15, "months": 9}]]


def test_the_staff_form_lists_every_problem_and_keeps_what_was_typed(app, db_session, durham):
    client = phone_of(app, member_of(db_session, durham, Role.COORDINATOR))
    before = row_counts(db_session)

    response = refer(
        client, chosen_name="", reason="", born="14/05/2013", legal_name=HOSTILE, in_care_since=""
    )

    soup = page(response, 400)
    assert error_summary(soup) == [
        ("Enter the date like this: 2004-03-21", "#born"),
        ("Enter the name they like to be called", "#chosen_name"),
        ("Say why you are referring them", "#reason"),
    ]
    assert soup.select_one("input[name=born]")["value"] == "14/05/2013"
    assert soup.select_one("input[name=legal_name]")["value"] == HOSTILE
    assert soup.select_one("select[name=legal_status] option[selected]")["value"] == "section_20"
    assert HOSTILE.encode() not in response.data
    assert row_counts(db_session) == before

    dates = page(refer(client, born="2013-05-14", in_care_since="2012-01-01"), 400)
    assert error_summary(dates) == [
        ("The date they came into care must be after their birth and not in the future", "#in_care_since")
    ]


def test_only_those_who_refer_see_the_referral_form(app, db_session, durham):
    for role in (Role.ADMIN, Role.IRO):
        client = phone_of(app, member_of(db_session, durham, role))
        assert client.get("/staff/referrals/new").status_code == 403
        listed = client.get_page("staff.referrals_list")
        assert listed.select_one("a[href='/staff/referrals/new']") is None


def conversation_for(app, db_session, organisation, referrer: Account) -> str:
    """An 11-year-old referred to Barking and Dagenham: younger than usual, so a conversation."""
    client = phone_of(app, referrer)
    return saved_referral(
        refer(client, chosen_name="Mo", born=born_aged(organisation, 11), legal_status="care_order")
    )


def referral_page(client: PageClient, public_id: str) -> BeautifulSoup:
    return client.get_page("staff.referral", public_id=public_id)


def post_form(client: PageClient, public_id: str, action: str, data: dict):
    return client.submit(referral_page(client, public_id), f"form[action$='/{action}']", data)


def test_a_conversation_is_decided_then_accepted_by_triage(app, db_session, barking):
    coordinator = member_of(db_session, barking, Role.COORDINATOR, name="Cat Coordinator")
    colleague = member_of(db_session, barking, Role.COORDINATOR, name="Abe Coordinator")
    public_id = conversation_for(app, db_session, barking, coordinator)
    client = phone_of(app, coordinator)

    shown = referral_page(client, public_id)
    assert "The policy says: Needs a conversation" in text(shown)
    assert "usually for young people aged 12 years or older" in text(shown)
    assert shown.select_one("form[action$='/accept']") is None
    assert "To accept it, first decide after a conversation" in text(shown)

    no_reason = post_form(client, public_id, "override", {"decision": "eligible", "override_reason": " "})
    assert error_summary(page(no_reason, 400)) == [("Say why you decided this", "#override_reason")]
    decided = post_form(
        client,
        public_id,
        "override",
        {"decision": "eligible", "override_reason": "Mo and his carer are ready."},
    )
    assert decided.status_code == 303

    shown = referral_page(client, public_id)
    assert "Decided after a conversation" in text(shown) and "Mo and his carer are ready." in text(shown)
    assert shown.select_one("form[action$='/override']") is None
    options = [option["value"] for option in shown.select("select[name=coordinator] option")]
    assert options == [colleague.public_id, coordinator.public_id]  # by name

    accepted = post_form(client, public_id, "accept", {"coordinator": colleague.public_id})
    assert accepted.status_code == 303
    shown = referral_page(client, public_id)
    assert "Accepted by Cat Coordinator" in text(shown) and "Coordinator: Abe Coordinator" in text(shown)
    assert shown.select_one("form[action$='/close']") is None
    referral = db_session.scalar(select(Referral).where(Referral.public_id == public_id))
    assert referral.status is ReferralStatus.ACCEPTED and referral.override_result == "eligible"
    assert referral.young_person.status is CaseStatus.CONSENT_PENDING
    assert referral.young_person.coordinator_id == colleague.id
    assert "No new referrals" in text(client.get_page("staff.referrals_list"))


def test_accepting_needs_one_of_the_services_own_coordinators(app, db_session, barking, durham):
    coordinator = member_of(db_session, barking, Role.COORDINATOR)
    elsewhere = member_of(db_session, durham, Role.COORDINATOR)
    worker = member_of(db_session, barking, Role.SOCIAL_WORKER)
    client = phone_of(app, coordinator)
    public_id = saved_referral(refer(client, born=born_aged(barking, 14), legal_status="care_order"))

    for wrong in (elsewhere.public_id, worker.public_id, "nobody"):
        response = post_form(client, public_id, "accept", {"coordinator": wrong})
        assert response.status_code == 400

    referral = db_session.scalar(select(Referral).where(Referral.public_id == public_id))
    assert referral.status is ReferralStatus.NEW and referral.young_person.coordinator_id is None


def test_who_may_decide_and_when(app, db_session, barking):
    coordinator = member_of(db_session, barking, Role.COORDINATOR)
    worker = member_of(db_session, barking, Role.SOCIAL_WORKER)
    admin = member_of(db_session, barking, Role.ADMIN)
    conversation = conversation_for(app, db_session, barking, worker)
    eligible = saved_referral(
        refer(phone_of(app, worker), born=born_aged(barking, 14), legal_status="care_order")
    )
    coordinators, workers, admins = (phone_of(app, a) for a in (coordinator, worker, admin))
    decide = {"decision": "eligible", "override_reason": "We talked"}
    accept = {"coordinator": coordinator.public_id}
    close = {"close_reason": "Not now"}

    def post(client: PageClient, public_id: str, action: str, data: dict) -> int:
        token = client.csrf_token(referral_page(client, public_id))
        url = f"/staff/referrals/{public_id}/{action}"
        return client.post(url, data={**data, "csrf_token": token}).status_code

    # 403: the role may not do this at all.
    assert post(workers, eligible, "accept", accept) == 403
    assert post(workers, eligible, "close", close) == 403
    assert post(admins, conversation, "override", decide) == 403
    assert post(admins, eligible, "accept", accept) == 403
    assert post(admins, eligible, "close", close) == 403
    # 409: not in this state.
    assert post(coordinators, eligible, "override", decide) == 409  # only a conversation is decided
    assert post(coordinators, conversation, "accept", accept) == 409  # not decided yet
    # A social worker may decide the conversation about the child they referred.
    assert post(workers, conversation, "override", decide) == 303
    assert post(coordinators, eligible, "close", close) == 303
    assert post(coordinators, eligible, "close", close) == 409  # already closed
    assert post(coordinators, eligible, "accept", accept) == 409
    assert post(coordinators, conversation, "close", close) == 303
    assert post(coordinators, conversation, "accept", accept) == 409

    stored = db_session.scalar(select(Referral).where(Referral.public_id == eligible))
    assert stored.status is ReferralStatus.CLOSED and stored.close_reason == "Not now"
    decided = db_session.scalar(select(Referral).where(Referral.public_id == conversation))
    assert decided.override_result == "eligible" and decided.overridden_by_id == worker.id
    assert decided.status is ReferralStatus.CLOSED and decided.young_person.coordinator_id is None


def test_the_referrer_reads_why_a_referral_was_closed(app, db_session, durham):
    worker = member_of(db_session, durham, Role.SOCIAL_WORKER)
    coordinator = member_of(db_session, durham, Role.COORDINATOR, name="Cat Coordinator")
    public_id = saved_referral(refer(phone_of(app, worker), born=born_aged(durham, 13)))
    client = phone_of(app, coordinator)

    queue = client.get_page("staff.referrals_list")
    assert "Leo" in text(queue.select_one(".referral-queue")) and "Not eligible" in text(queue)
    empty = post_form(client, public_id, "close", {"close_reason": ""})
    assert error_summary(page(empty, 400)) == [("Say why you are closing the referral", "#close_reason")]
    reason = "Leo is 13; we will look again when he is 15 and 9 months. Meanwhile, life story work."
    assert post_form(client, public_id, "close", {"close_reason": reason}).status_code == 303

    seen = referral_page(phone_of(app, worker), public_id)
    assert "Closed by Cat Coordinator" in text(seen) and reason in text(seen)
    made = phone_of(app, worker).get_page("staff.referrals_list")
    assert "Closed" in text(made)
    referral = db_session.scalar(select(Referral).where(Referral.public_id == public_id))
    assert referral.young_person.status is CaseStatus.CLOSED and referral.young_person.closed_at is not None


def test_a_self_referrer_reads_why_their_request_was_closed(app, db_session, barking):
    phone = refer_myself(app, barking)
    coordinator = phone_of(app, member_of(db_session, barking, Role.COORDINATOR))
    referral = db_session.scalar(select(Referral))
    shown = referral_page(coordinator, referral.public_id)
    assert "the young person may read this" in text(shown)

    reason = f"We can't start now. Your personal adviser can help. {HOSTILE}"
    assert post_form(coordinator, referral.public_id, "close", {"close_reason": reason}).status_code == 303

    response = phone.client.get("/me/")
    home = page(response, 200)
    assert "About your request" in text(home) and reason in text(home.select_one("blockquote"))
    assert "Your request is with" not in text(home)
    assert HOSTILE.encode() not in response.data


def test_other_services_referrals_are_not_found(app, db_session, barking, durham):
    public_id = conversation_for(app, db_session, barking, member_of(db_session, barking, Role.COORDINATOR))
    stranger = phone_of(app, member_of(db_session, durham, Role.COORDINATOR))

    assert stranger.get(f"/staff/referrals/{public_id}").status_code == 404
    app.config["WTF_CSRF_ENABLED"] = False
    for action, data in (
        ("override", {"decision": "eligible", "override_reason": "x"}),
        ("close", {"close_reason": "x"}),
    ):
        assert stranger.post(f"/staff/referrals/{public_id}/{action}", data=data).status_code == 404
    assert "No new referrals" in text(stranger.get_page("staff.referrals_list"))


# Trying the policy


def try_policy(client: PageClient, **data):
    form = client.get_page("staff.try_policy")
    values = {"where": "in_care", "legal_status": "care_order", "plan": "long_term_care"}
    return client.submit(form, "form[action='/staff/eligibility']", {**values, **data})


def test_an_admin_tries_the_policy_and_nothing_is_saved(app, db_session, durham):
    client = phone_of(app, member_of(db_session, durham, Role.ADMIN))
    before = row_counts(db_session)

    too_young = page(try_policy(client, born=born_aged(durham, 15, days_short=1), on=""), 200)
    on_the_day = page(try_policy(client, born="2010-01-01", on="2025-10-01"), 200)

    assert "The policy says: Not eligible" in text(too_young) and TOO_YOUNG_FOR_DURHAM in text(too_young)
    assert "The policy says: Eligible" in text(on_the_day)
    assert on_the_day.select_one("input[name=on]")["value"] == "2025-10-01"
    assert "Policy: durham." in text(on_the_day)
    assert row_counts(db_session) == before


def test_trying_a_policy_shows_signposts_and_form_problems(app, db_session, barking):
    client = phone_of(app, member_of(db_session, barking, Role.COORDINATOR))

    self_referral = page(
        try_policy(client, born=born_aged(barking, 14), self_referral="y", uasc="y"),
        200,
    )
    assert "The policy says: Not eligible" in text(self_referral)
    assert "You can't ask for it yourself" in text(self_referral)
    signposts = [li.get_text(strip=True) for li in self_referral.select(".answer h3 + ul li")]
    assert len(signposts) == 2 and "immigration" in signposts[0].lower()

    broken = page(try_policy(client, born="", on="soon"), 400)
    assert [message for message, _ in error_summary(broken)] == [
        "Enter the date of birth",
        "Enter the date like this: 2004-03-21",
    ]
    assert broken.select_one(".answer") is None


def test_a_service_without_a_policy_is_told_so(app, db_session, organisation):
    client = phone_of(app, member_of(db_session, organisation, Role.MANAGER))
    shown = page(try_policy(client, born="2012-01-01"), 200)
    assert "Your service has no eligibility policy yet" in text(shown)
    assert "The policy says: Needs a conversation" in text(shown)


def test_social_workers_do_not_try_the_policy(app, db_session, durham):
    client = phone_of(app, member_of(db_session, durham, Role.SOCIAL_WORKER))
    assert client.get("/staff/eligibility").status_code == 403
    app.config["WTF_CSRF_ENABLED"] = False
    assert (
        client.post("/staff/eligibility", data={"born": "2012-01-01", "where": "in_care"}).status_code == 403
    )
