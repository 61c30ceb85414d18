"""Consent, end to end over HTTP: the young person decides, and every other page obeys on its next request.

Several people use the app at once here, each with their own test client (their own phone): the young
person, their supporters, their coordinator, and staff of another council.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from babel.dates import format_date
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.domain import invitations
from app.mailer import send_pending
from app.models import (
    AuditEvent,
    Channel,
    ConsentEvent,
    ConsentKind,
    Decision,
    LegalStatus,
    OutboxMessage,
    OutboxStatus,
    Role,
    utcnow,
)
from app.models.auth import Invitation
from tests import factories
from tests.helpers import PageClient, count_queries, phone_of, text
from tests.mail import Inbox, MailServer

NEUTRAL = "There's nothing to show here right now."
THANK_YOU = "Thank you for taking part."
INVITATION_LINK = re.compile(r"/invitation/([A-Za-z0-9_-]+)")


# People and their phones


def page_text(response) -> str:
    return text(BeautifulSoup(response.data, "html.parser"))


def scope(member) -> str:
    return f"member:{member.public_id}"


@pytest.fixture
def jay(db_session, organisation, coordinator, young_person_account):
    """A young person under a care order, with their own account and a named coordinator.
    Parental responsibility consent is recorded; Jay has not decided yet."""
    person = factories.young_person(
        db_session,
        organisation=organisation,
        chosen_name="Jay",
        account_id=young_person_account.id,
        coordinator_id=coordinator.id,
    )
    db_session.commit()
    return person


def supporter(db_session, young_person, name: str):
    """A person in the network who has a supporter's account (not yet asked to take part)."""
    account = factories.account(
        db_session, role=Role.SUPPORTER, display_name=name, email=f"{name.lower()}@example.org"
    )
    member = factories.network_member(db_session, young_person, name=name, account_id=account.id)
    return account, member


def said_yes(db_session, young_person, *members) -> None:
    for member in members:
        factories.consent_event(
            db_session, young_person, kind=ConsentKind.SUPPORTER_PARTICIPATION, scope=scope(member)
        )


@pytest.fixture
def circle(db_session, jay):
    """Jay is taking part; Maureen and Dev are OK to contact and have both said yes to taking part."""
    maureen_account, maureen = supporter(db_session, jay, "Maureen")
    dev_account, dev = supporter(db_session, jay, "Dev")
    factories.consent_to_contact(db_session, jay, maureen, dev)
    said_yes(db_session, jay, maureen, dev)
    db_session.commit()
    return {"maureen": (maureen_account, maureen), "dev": (dev_account, dev)}


def card(client: PageClient, member):
    """The supporter's card about the young person this membership is for."""
    found = client.get_page("supporters.home").select_one(f"#place-{member.public_id}")
    assert found is not None, "the supporter's home has no card for this young person"
    return found


def stop_taking_part(client: PageClient):
    confirm = client.get_page("youth.stop_confirm")
    response = client.submit(confirm, "form[action='/me/choices/stop']", {})
    assert response.status_code == 303 and response.location == "/me/choices"
    return response


def agree(client: PageClient):
    response = client.submit(client.get_page("youth.choices"), "form[action='/me/choices/agree']", {})
    assert response.status_code == 303 and response.location == "/me/choices"
    return response


def choose_for(client: PageClient, member, choice: str):
    soup = client.get_page("youth.choices")
    response = client.submit(soup, f"#person-{member.public_id} form", {"choice": choice})
    assert response.status_code == 303
    return response


def long_date(moment) -> str:
    """A date, or a stored UTC time, as an English page writes it (for people with no time zone set)."""
    if isinstance(moment, datetime):
        moment = (moment.astimezone(UTC) if moment.tzinfo else moment).date()
    return format_date(moment, "long", locale="en_GB")


# 1. The young person's own choices


def test_young_person_agrees_stops_and_starts_again_and_reads_their_history(
    app, db_session, jay, coordinator, young_person_account
):
    factories.consent_event(
        db_session, jay, kind=ConsentKind.PR_REFERRAL, pr_holder="The council", channel=Channel.IN_PERSON
    )
    db_session.commit()
    me = phone_of(app, young_person_account)

    soup = me.get_page("youth.choices")
    section = soup.select_one("#taking-part")
    assert "Do you want to take part?" in text(section)
    assert soup.select("input[checked]") == [], "no pre-ticked boxes"
    who = section.select_one(".who-can-see")
    assert "Who can see this?" in text(who)
    assert f"Your coordinator, {coordinator.display_name}" in text(who)
    assert len(soup.select("form[action='/me/choices/agree'] button")) == 1

    agree(me)  # one POST from the choices page
    soup = me.get_page("youth.choices")
    assert "You're taking part" in text(soup.select_one("#taking-part"))
    assert soup.select_one("#taking-part a[href='/me/choices/stop']") is not None

    confirm = me.get_page("youth.stop_confirm")
    assert f"Your coordinator, {coordinator.display_name}" in text(confirm.select_one(".who-can-see"))
    assert confirm.select_one("a[href='/me/choices']") is not None  # the way back, nothing changed
    stop_taking_part(me)
    soup = me.get_page("youth.choices")
    paused = text(soup.select_one("#taking-part"))
    assert "You've stopped for now" in paused and "Nobody is being contacted" in paused

    agree(me)  # "Start again"
    soup = me.get_page("youth.choices")
    assert "You're taking part" in text(soup.select_one("#taking-part"))

    told = [text(item).split(": ", 1)[1] for item in soup.select("#history li")]
    assert told == [
        "You said yes to taking part.",
        "You stopped for now.",
        "You said yes to taking part.",
        "The council agreed to your referral.",
    ]

    db_session.expire_all()
    events = list(
        db_session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.kind == ConsentKind.YOUNG_PERSON_AGREEMENT)
            .order_by(ConsentEvent.id)
        )
    )
    assert [e.decision for e in events] == [Decision.GIVEN, Decision.WITHDRAWN, Decision.GIVEN]
    assert {e.actor_account_id for e in events} == {young_person_account.id}
    assert all(e.channel is Channel.APP and not e.recorded_by_staff for e in events)
    assert [e.wording_key for e in events] == [
        "young_person_agreement",
        "young_person_withdrawal",
        "young_person_agreement",
    ]
    assert all(len(e.wording_sha256) == 64 and e.wording_language == "en" for e in events)
    audited = db_session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action.like("consent.young_person_agreement.%"))
    )
    assert audited == 3


# 2. Withdrawal takes effect on the next request


def test_withdrawal_hides_the_young_person_from_supporters_on_their_next_request_and_re_agreeing_restores(
    app, db_session, jay, circle, young_person_account
):
    maureen_account, maureen = circle["maureen"]
    maureen_phone = phone_of(app, maureen_account)
    me = phone_of(app, young_person_account)
    assert THANK_YOU in text(card(maureen_phone, maureen))

    stop_taking_part(me)

    shown = text(card(maureen_phone, maureen))
    assert NEUTRAL in shown
    assert THANK_YOU not in shown
    for reason in ("stop", "paused", "withdr", "consent", "decided"):
        assert reason not in shown.lower(), f"the supporter is told why ({reason!r})"
    assert "Jay" in shown  # only the chosen name, which they already knew

    agree(me)
    assert THANK_YOU in text(card(maureen_phone, maureen))


def test_not_now_for_one_person_removes_only_that_persons_view(
    app, db_session, jay, circle, young_person_account
):
    (maureen_account, maureen), (dev_account, dev) = circle["maureen"], circle["dev"]
    maureen_phone, dev_phone = phone_of(app, maureen_account), phone_of(app, dev_account)
    me = phone_of(app, young_person_account)

    choose_for(me, maureen, "not_now")

    assert NEUTRAL in text(card(maureen_phone, maureen))
    assert THANK_YOU in text(card(dev_phone, dev))
    soup = me.get_page("youth.choices")
    assert "You said not now." in text(soup.select_one(f"#person-{maureen.public_id}"))
    assert "You're taking part" in text(soup.select_one("#taking-part"))

    choose_for(me, maureen, "yes")
    assert THANK_YOU in text(card(maureen_phone, maureen))


# 3. Messages about the young person stop


@pytest.fixture
def inbox(app):
    server = MailServer(Inbox())
    server.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{server.port}"
    app.config["MAIL_FROM"] = "Lifelong Links <no-reply@links.example.org>"
    yield server.inbox
    server.stop()


def test_messages_about_a_young_person_who_stopped_are_cancelled_not_sent(
    app, db_session, jay, circle, young_person_account, inbox
):
    # While Jay takes part, messages about Jay are sent.
    factories.outbox_message(
        db_session, to_address="dev@example.org", subject="Jay's plan", young_person_id=jay.id
    )
    db_session.commit()
    assert send_pending(app) == 1
    assert [mail["To"] for mail in inbox.messages] == ["dev@example.org"]
    inbox.messages.clear()

    about_jay = factories.outbox_message(
        db_session,
        to_address="maureen@example.org",
        subject="Jay's birthday is tomorrow",
        young_person_id=jay.id,
    )
    unrelated = factories.outbox_message(
        db_session, to_address="someone.else@example.org", subject="A passkey was added"
    )
    db_session.commit()

    stop_taking_part(phone_of(app, young_person_account))

    assert send_pending(app) == 1
    assert [mail["To"] for mail in inbox.messages] == ["someone.else@example.org"]
    db_session.expire_all()
    assert db_session.get(OutboxMessage, about_jay.id).status is OutboxStatus.CANCELLED
    assert db_session.get(OutboxMessage, unrelated.id).status is OutboxStatus.SENT
    db_session.commit()

    # Starting again does not send what was due while they had stopped.
    agree(phone_of(app, young_person_account))
    assert send_pending(app) == 0
    assert len(inbox.messages) == 1


# 4. Invitations


def invite(coordinator_phone: PageClient, young_person, member, email: str):
    """Invite through the form on the staff page, or (where the page offers none) post as a crafted
    request would: the refusal must not depend on the form being hidden."""
    soup = coordinator_phone.get_page("staff.young_person", public_id=young_person.public_id)
    action = f"/staff/people/{member.public_id}/invitation"
    if soup.select_one(f"form[action='{action}']") is not None:
        return coordinator_phone.submit(soup, f"form[action='{action}']", {"email": email})
    token = soup.find("meta", attrs={"name": "csrf-token"})["content"]
    return coordinator_phone.post(action, data={"csrf_token": token, "email": email})


def counts(db_session) -> tuple[int, int]:
    db_session.expire_all()
    found = (
        db_session.scalar(select(func.count()).select_from(Invitation)),
        db_session.scalar(select(func.count()).select_from(OutboxMessage)),
    )
    db_session.commit()
    return found


@pytest.mark.parametrize("withdrawal", ["stops taking part", "says not now to that person"])
def test_an_invitation_not_yet_accepted_stops_working_after_a_withdrawal(
    app, db_session, jay, coordinator, young_person_account, withdrawal
):
    sue = factories.network_member(db_session, jay, name="Sue")
    factories.consent_to_contact(db_session, jay, sue)
    db_session.commit()
    response = invite(phone_of(app, coordinator), jay, sue, "sue@example.org")
    assert response.status_code == 200
    token = INVITATION_LINK.search(response.get_data(as_text=True)).group(1)
    stranger = PageClient(app.test_client())
    assert stranger.get(f"/invitation/{token}").status_code == 200

    me = phone_of(app, young_person_account)
    if withdrawal == "stops taking part":
        stop_taking_part(me)
    else:
        choose_for(me, sue, "not_now")

    assert stranger.get(f"/invitation/{token}").status_code == 410
    assert stranger.post(f"/invitation/{token}/code", data={"code": "ABCD"}).status_code in (400, 410)
    db_session.expire_all()
    assert db_session.scalar(select(Invitation)).used_at is None
    db_session.commit()

    # Saying yes again restores what was there, including the invitation.
    if withdrawal == "stops taking part":
        agree(me)
    else:
        choose_for(me, sue, "yes")
    assert stranger.get(f"/invitation/{token}").status_code == 200


@pytest.mark.parametrize("choice", [None, "not_now", "never"])
def test_staff_cannot_invite_anyone_the_young_person_has_not_agreed_to(
    app, db_session, jay, coordinator, young_person_account, choice
):
    kim = factories.network_member(db_session, jay, name="Kim")
    factories.consent_to_contact(db_session, jay)
    db_session.commit()
    if choice is not None:
        choose_for(phone_of(app, young_person_account), kim, choice)
    before = counts(db_session)

    response = invite(phone_of(app, coordinator), jay, kim, "kim@example.org")

    assert response.status_code == 403
    assert "Kim" in page_text(response)
    assert "/invitation/" not in response.get_data(as_text=True)
    assert counts(db_session) == before


# 5. Staff


def test_staff_see_that_the_young_person_paused_and_when(
    app, db_session, jay, circle, coordinator, young_person_account
):
    staff = phone_of(app, coordinator)
    assert "Taking part." in text(
        staff.get_page("staff.young_person", public_id=jay.public_id).select_one("#consent")
    )

    stop_taking_part(phone_of(app, young_person_account))

    db_session.expire_all()
    withdrawn = db_session.scalar(select(ConsentEvent).where(ConsentEvent.decision == Decision.WITHDRAWN))
    db_session.commit()
    soup = staff.get_page("staff.young_person", public_id=jay.public_id)
    assert text(soup.select_one("#consent .status")) == (
        f"Paused by the young person on {long_date(withdrawn.created_at)}."
    )


def test_staff_record_parental_responsibility_consent(app, db_session, organisation, coordinator):
    person = factories.young_person(db_session, organisation=organisation, chosen_name="Ava")
    db_session.commit()
    staff = phone_of(app, coordinator)
    soup = staff.get_page("staff.young_person", public_id=person.public_id)
    assert "Parental responsibility consent has not been recorded." in text(soup.select_one("#consent"))
    form = f"form[action='/staff/young-people/{person.public_id}/consent/parental-responsibility']"

    response = staff.submit(soup, form, {})
    assert response.status_code == 400
    errors = BeautifulSoup(response.data, "html.parser")
    summary = text(errors.select_one(".error-summary"))
    for message in ("Enter who holds parental responsibility", "Enter the date", "Choose their decision"):
        assert message in summary
    assert errors.select_one(".error-summary a[href='#pr_holder']") is not None
    assert errors.select_one(f"{form}").find_parent("details").has_attr("open")

    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    typed = {"pr_holder": "Carol Smith (mother)", "pr_channel": "phone", "pr_date": tomorrow}
    response = staff.submit(soup, form, {**typed, "pr_decision": "given"})
    assert response.status_code == 400
    errors = BeautifulSoup(response.data, "html.parser")
    assert "The date can't be in the future" in text(errors.select_one(".error-summary"))
    assert errors.select_one("#pr_holder")["value"] == "Carol Smith (mother)"
    assert errors.select_one("#pr_date")["value"] == tomorrow
    assert errors.select_one("#pr_channel option[selected]")["value"] == "phone"
    assert errors.select_one("input[name=pr_decision][value=given]").has_attr("checked")
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(ConsentEvent)) == 0
    db_session.commit()

    given_on = date.today() - timedelta(days=3)
    response = staff.submit(soup, form, {**typed, "pr_date": given_on.isoformat(), "pr_decision": "given"})
    assert response.status_code == 303
    soup = staff.get_page("staff.young_person", public_id=person.public_id)
    consent_card = text(soup.select_one("#consent"))
    assert f"Parental responsibility: Carol Smith (mother), agreed on {long_date(given_on)}." in consent_card
    [entry] = soup.select("#consent-history li")
    assert "Parental responsibility consent" in text(entry) and "yes" in text(entry)

    db_session.expire_all()
    event = db_session.scalar(select(ConsentEvent))
    assert (event.kind, event.decision, event.channel) == (
        ConsentKind.PR_REFERRAL,
        Decision.GIVEN,
        Channel.PHONE,
    )
    assert event.pr_holder == "Carol Smith (mother)" and event.decided_on == given_on
    assert event.actor_account_id == coordinator.id


def test_staff_record_a_young_persons_agreement_only_as_given_in_person(
    app, db_session, jay, coordinator, young_person_account
):
    factories.consent_event(
        db_session, jay, kind=ConsentKind.PR_REFERRAL, pr_holder="The council", channel=Channel.IN_PERSON
    )
    db_session.commit()
    staff = phone_of(app, coordinator)
    soup = staff.get_page("staff.young_person", public_id=jay.public_id)
    form = f"form[action='/staff/young-people/{jay.public_id}/consent/in-person']"
    assert not soup.select_one(f"{form} input[name=in_person]").has_attr("checked")

    response = staff.submit(soup, form, {"yp_decision": "given"})
    assert response.status_code == 400
    errors = BeautifulSoup(response.data, "html.parser")
    assert "Only record what the young person told you themselves" in text(
        errors.select_one(".error-summary")
    )
    db_session.expire_all()
    assert (
        db_session.scalar(
            select(func.count())
            .select_from(ConsentEvent)
            .where(ConsentEvent.kind == ConsentKind.YOUNG_PERSON_AGREEMENT)
        )
        == 0
    )
    db_session.commit()

    response = staff.submit(soup, form, {"yp_decision": "given", "in_person": "y"})
    assert response.status_code == 303
    soup = staff.get_page("staff.young_person", public_id=jay.public_id)
    assert "Taking part." in text(soup.select_one("#consent"))
    entry = soup.select("#consent-history li")[0]
    assert "Young person's agreement" in text(entry)
    assert "recorded by staff, given in person" in text(entry)

    db_session.expire_all()
    event = db_session.scalar(
        select(ConsentEvent).where(ConsentEvent.kind == ConsentKind.YOUNG_PERSON_AGREEMENT)
    )
    assert event.recorded_by_staff and event.channel is Channel.IN_PERSON
    assert event.actor_account_id == coordinator.id
    db_session.commit()
    # The young person reads it back in their own words.
    soup = phone_of(app, young_person_account).get_page("youth.choices")
    assert "You said yes to taking part (you told a member of staff, who saved it)." in text(
        soup.select_one("#history")
    )


def test_staff_of_another_organisation_see_and_change_nothing(
    app, db_session, jay, circle, other_organisation
):
    outsider = factories.account(db_session, role=Role.COORDINATOR, organisation=other_organisation)
    db_session.commit()
    staff = phone_of(app, outsider)
    token = staff.get_page("staff.home").find("meta", attrs={"name": "csrf-token"})["content"]

    assert staff.get(f"/staff/young-people/{jay.public_id}").status_code == 404
    pr = staff.post(
        f"/staff/young-people/{jay.public_id}/consent/parental-responsibility",
        data={
            "csrf_token": token,
            "pr_holder": "Someone",
            "pr_channel": "phone",
            "pr_date": date.today().isoformat(),
            "pr_decision": "withdrawn",
        },
    )
    assert pr.status_code == 404
    in_person = staff.post(
        f"/staff/young-people/{jay.public_id}/consent/in-person",
        data={"csrf_token": token, "yp_decision": "withdrawn", "in_person": "y"},
    )
    assert in_person.status_code == 404
    assert "Jay" not in page_text(pr) + page_text(in_person)
    db_session.expire_all()
    assert (
        db_session.scalar(
            select(func.count()).select_from(ConsentEvent).where(ConsentEvent.actor_account_id == outsider.id)
        )
        == 0
    )


# 6. "I'm worried about someone"


def test_worried_about_someone_pauses_them_at_once_and_alerts_the_coordinator(
    app, db_session, jay, circle, coordinator, young_person_account
):
    (maureen_account, maureen), (dev_account, dev) = circle["maureen"], circle["dev"]
    maureen_phone, dev_phone = phone_of(app, maureen_account), phone_of(app, dev_account)
    assert THANK_YOU in text(card(maureen_phone, maureen))
    me = phone_of(app, young_person_account)
    note = "She keeps asking where I live now"

    soup = me.get_page("youth.worried", public_id=maureen.public_id)
    assert soup.select_one("textarea#note").get_text() == ""
    response = me.submit(soup, f"form[action='/me/people/{maureen.public_id}/worried']", {"note": note})
    assert response.status_code == 303

    assert NEUTRAL in text(card(maureen_phone, maureen))
    assert THANK_YOU in text(card(dev_phone, dev))

    db_session.expire_all()
    [alert] = db_session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == coordinator.email))
    assert alert.status is OutboxStatus.PENDING
    assert "Jay" in alert.body_text
    assert note not in alert.body_text and note not in alert.subject
    assert "Maureen" not in alert.body_text + alert.subject  # who it is about stays in the app too
    db_session.commit()

    soup = phone_of(app, coordinator).get_page("staff.young_person", public_id=jay.public_id)
    entry = soup.select("#consent-history li")[0]
    assert "Maureen" in text(entry) and "worried" in text(entry)
    assert text(entry.select_one("blockquote")) == note
    history = text(me.get_page("youth.choices").select_one("#history"))
    assert "You said you were worried about Maureen, so contact stopped." in history


# 7. The supporter's own choice


def test_a_supporter_chooses_on_first_sign_in_and_a_no_is_respected(
    app, db_session, jay, coordinator, young_person_account
):
    maureen_account, maureen = supporter(db_session, jay, "Maureen")
    dev_account, dev = supporter(db_session, jay, "Dev")
    factories.consent_to_contact(db_session, jay, maureen, dev)
    db_session.commit()
    maureen_phone, dev_phone = phone_of(app, maureen_account), phone_of(app, dev_account)

    place = card(maureen_phone, maureen)
    assert "Will you take part?" in text(place)
    assert "Taking part means keeping the promises" in text(place)
    assert "Jay and their coordinator will see your answer." in text(place)
    assert place.select("input[checked]") == []
    soup = maureen_phone.get_page("supporters.home")
    form = f"#place-{maureen.public_id} form"
    assert maureen_phone.submit(soup, form, {"choice": "yes"}).status_code == 303
    assert THANK_YOU in text(card(maureen_phone, maureen))

    message = "I'm working abroad this year, maybe next year"
    soup = dev_phone.get_page("supporters.home")
    response = dev_phone.submit(soup, f"#place-{dev.public_id} form", {"choice": "no", "message": message})
    assert response.status_code == 303
    place = text(card(dev_phone, dev))
    assert "If you change your mind" in place
    assert THANK_YOU not in place and "Will you take part?" not in place

    staff = phone_of(app, coordinator)
    soup = staff.get_page("staff.young_person", public_id=jay.public_id)
    entry = soup.select("#consent-history li")[0]
    assert "Dev" in text(entry) and "Taking part (supporter)" in text(entry)
    assert text(entry.select_one("blockquote")) == message

    db_session.expire_all()
    with pytest.raises(invitations.InvitationRefused) as refused:
        invitations.invite_supporter(db_session, coordinator, dev, "dev.new@example.org", utcnow())
    assert refused.value.reason == "no_consent"
    db_session.rollback()
    assert invite(staff, jay, dev, "dev.new@example.org").status_code == 403


# 8. Turning 18


def eighteen_years_ago(today: date) -> date:
    try:
        return today.replace(year=today.year - 18)
    except ValueError:  # 29 February: their birthday is kept on the 28th
        return today.replace(year=today.year - 18, day=28)


def test_on_their_18th_birthday_they_are_asked_once_and_nothing_changes_meanwhile(
    app, db_session, organisation, coordinator, young_person_account
):
    person = factories.young_person(
        db_session,
        organisation=organisation,
        chosen_name="Jay",
        account_id=young_person_account.id,
        coordinator_id=coordinator.id,
        legal_status=LegalStatus.CARE_ORDER,
        date_of_birth=eighteen_years_ago(date.today()),
    )
    maureen_account, maureen = supporter(db_session, person, "Maureen")
    factories.consent_to_contact(db_session, person, maureen)
    said_yes(db_session, person, maureen)
    db_session.commit()
    me, maureen_phone = phone_of(app, young_person_account), phone_of(app, maureen_account)

    soup = me.get_page("youth.choices")
    adult = soup.select_one("#adult")
    assert adult is not None and "You're 18 now" in text(adult)
    assert THANK_YOU in text(card(maureen_phone, maureen))  # nothing changes while they decide

    response = me.submit(soup, "#adult form[action='/me/choices/adult']", {})
    assert response.status_code == 303
    soup = me.get_page("youth.choices")
    assert soup.select_one("#adult") is None
    assert "You said you'd carry on, as an adult." in text(soup.select_one("#history"))
    assert THANK_YOU in text(card(maureen_phone, maureen))
    staff = phone_of(app, coordinator).get_page("staff.young_person", public_id=person.public_id)
    assert "Parental responsibility consent is not needed" in text(staff.select_one("#consent"))


# 9. Query budget


def test_the_choices_and_staff_pages_read_the_ledger_in_a_few_queries(
    app, db_session, jay, coordinator, young_person_account
):
    members = [factories.network_member(db_session, jay, name=f"Person {n}") for n in range(40)]
    factories.consent_to_contact(db_session, jay, *members)
    said_yes(db_session, jay, *members[:20])
    decisions = [Decision.WITHDRAWN, Decision.GIVEN, Decision.DECLINED]
    for n in range(200 - 62):
        member = members[n % 40]
        factories.consent_event(
            db_session, jay, kind=ConsentKind.CONTACT_PERSON, scope=scope(member), decision=decisions[n % 3]
        )
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(ConsentEvent)) == 200
    db_session.commit()
    me, staff = phone_of(app, young_person_account), phone_of(app, coordinator)
    engine = app.extensions["db"]

    for client, url in ((me, "/me/choices"), (staff, f"/staff/young-people/{jay.public_id}")):
        client.get(url)  # warm: first-request work is not what we measure
        with count_queries(engine) as counted:
            response = client.get(url)
        assert response.status_code == 200
        assert counted.count <= 10, f"{url}: {counted.count} queries\n" + "\n".join(counted.statements)
        assert "Person 39" in page_text(response)
