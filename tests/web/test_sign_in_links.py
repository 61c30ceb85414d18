"""Supporters sign in with an e-mailed link: through the pages, with a real SMTP server on loopback.

The e-mail is sent once the answer has gone (when the WSGI server closes the response), so the time
taken never tells whether an address is known. ``finish()`` closes a response as a server would.
"""

from __future__ import annotations

import re
import smtplib
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.domain import outbox
from app.mailer import describe, parse_smtp_url, send_pending
from app.models import OutboxMessage, OutboxStatus, Role, utcnow
from tests import factories
from tests.mail import Inbox, MailServer

ADDRESS = "grandma.rose@example.org"
LINK = re.compile(r"http://127\.0\.0\.1:5000/sign-in/link/([A-Za-z0-9_-]+)")


@pytest.fixture
def mail_server(app):
    server = MailServer(Inbox())
    server.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{server.port}"
    app.config["MAIL_FROM"] = "Lifelong Links <no-reply@links.example.org>"
    yield server
    server.stop()


@pytest.fixture
def inbox(mail_server) -> Inbox:
    return mail_server.inbox


@pytest.fixture
def supporter(db_session):
    account = factories.account(db_session, role=Role.SUPPORTER, email=ADDRESS, display_name="Grandma Rose")
    db_session.commit()
    return account


def finish(response):
    """Close the response as the WSGI server does once it has sent it (this sends the e-mail)."""
    response.close()
    return response


def ask_for_link(client, address: str):
    soup = client.get_page("auth.email_link")
    return finish(client.submit(soup, "form[action='/sign-in/email']", {"email": address}))


def messages(db_session) -> list[OutboxMessage]:
    db_session.expire_all()
    found = list(db_session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    db_session.commit()  # ends the read, so the sender's own transactions are not kept waiting
    return found


def page_text(response) -> str:
    return BeautifulSoup(response.data, "html.parser").get_text(" ", strip=True)


# Asking for a link


def test_a_supporter_signs_in_with_the_link_from_their_e_mail(client, inbox, supporter):
    response = ask_for_link(client, ADDRESS)

    assert response.status_code == 303
    assert response.location == "/sign-in/email/sent"
    assert len(inbox.messages) == 1
    mail = inbox.messages[0]
    assert mail["To"] == ADDRESS
    assert mail["From"] == "Lifelong Links <no-reply@links.example.org>"
    assert mail["Subject"] == "Your link to sign in to Lifelong Links"
    assert "Hello Grandma Rose" in mail.get_content()
    assert "10 minutes" in mail.get_content()
    token = inbox.token()

    # Opening the link (as a mail scanner would, twice) uses nothing up.
    client.get_page("auth.link_landing", token=token)
    soup = client.get_page("auth.link_landing", token=token)
    assert soup.h1.get_text(strip=True) == "Sign in to Lifelong Links"
    assert soup.select_one("#sign-in-link-form button").get_text(strip=True) == "Sign me in"

    response = client.submit(soup, "#sign-in-link-form", {})
    assert response.status_code == 303
    assert response.location == "/supporting/"
    home = client.get("/supporting/")
    assert home.status_code == 200
    assert "Grandma Rose" in page_text(home)


def test_the_e_mail_is_in_the_supporters_language_and_names_them(client, db_session, inbox):
    factories.account(
        db_session, role=Role.SUPPORTER, email="sian@example.org", display_name="Siân Jôns", language="cy"
    )
    db_session.commit()

    ask_for_link(client, "sian@example.org")

    [mail] = inbox.messages
    assert mail["To"] == "sian@example.org"
    assert "Siân Jôns" in mail.get_content()
    assert LINK.search(mail.get_content())


def test_the_link_page_is_never_cached_and_holds_the_token_only_in_the_form(client, inbox, supporter):
    ask_for_link(client, ADDRESS)
    token = inbox.token()

    response = client.get(f"/sign-in/link/{token}")
    assert response.headers["Cache-Control"] == "no-store"
    form = BeautifulSoup(response.data, "html.parser").select_one("#sign-in-link-form")
    assert form["method"] == "post" and form["action"] == "/sign-in/link"
    assert form.find("input", attrs={"name": "token"})["value"] == token


def test_known_and_unknown_addresses_get_the_same_answer(client, inbox, supporter):
    known = ask_for_link(client, ADDRESS)
    unknown = ask_for_link(client, "nobody-we-know@example.org")

    assert (known.status_code, known.location, known.data) == (
        unknown.status_code,
        unknown.location,
        unknown.data,
    )
    known_page = client.get(known.location)
    unknown_page = client.get(unknown.location)
    assert known_page.status_code == unknown_page.status_code == 200
    assert page_text(known_page) == page_text(unknown_page)
    assert "If this address is in our records, we've sent a link. It works for 10 minutes." in page_text(
        known_page
    )
    assert [mail["To"] for mail in inbox.messages] == [ADDRESS]


def test_a_mistyped_address_is_explained_and_kept(client, inbox, supporter):
    soup = client.get_page("auth.email_link")
    response = client.submit(soup, "form[action='/sign-in/email']", {"email": "grandma.rose at example"})

    assert response.status_code == 400
    page = BeautifulSoup(response.data, "html.parser")
    assert page.select_one("#error-summary a[href='#email']") is not None
    assert "Check your e-mail address" in page.select_one("#error-summary").get_text()
    assert page.select_one("input#email")["value"] == "grandma.rose at example"
    assert page.select_one("input#email")["aria-invalid"] == "true"
    assert inbox.messages == []


def test_the_link_uses_our_address_not_the_host_the_request_named(client, inbox, supporter):
    soup = client.get_page("auth.email_link", headers={"Host": "evil.example"})
    finish(client.submit(soup, "form[action='/sign-in/email']", {"email": ADDRESS}, {"Host": "evil.example"}))

    body = inbox.messages[0].get_content()
    assert "evil.example" not in body
    assert LINK.search(body)


def test_the_fourth_request_for_one_address_in_ten_minutes_is_refused(client, inbox, supporter):
    for typed in (ADDRESS, ADDRESS.upper(), f"  {ADDRESS} "):
        assert ask_for_link(client, typed).status_code == 303

    refused = ask_for_link(client, ADDRESS)
    assert refused.status_code == 429
    assert "Please wait a moment" in page_text(refused)
    assert len(inbox.messages) == 3
    # Another address from the same computer is still fine: that limit counts per address.
    assert ask_for_link(client, "someone-else@example.org").status_code == 303


def test_one_computer_may_ask_five_times_a_minute(client, inbox, supporter):
    for n in range(5):
        assert ask_for_link(client, f"person-{n}@example.org").status_code == 303
    assert ask_for_link(client, "person-5@example.org").status_code == 429


# Links that no longer work


def test_a_used_link_sends_a_new_one(app, client, inbox, supporter):
    ask_for_link(client, ADDRESS)
    first = inbox.token()
    soup = client.get_page("auth.link_landing", token=first)
    assert client.submit(soup, "#sign-in-link-form", {}).status_code == 303

    # The link opened again later, here in another browser.
    other = type(client)(app.test_client())
    soup = other.get_page("auth.link_landing", token=first)
    assert soup.h1.get_text(strip=True) == "This link has been used or is too old"
    response = finish(other.submit(soup, "#sign-in-link-form", {}))
    assert response.status_code == 400
    assert "That link has been used or is too old" in page_text(response)
    assert "We've sent you a new one." in page_text(response)
    assert len(inbox.messages) == 2
    second = inbox.token()
    assert second != first

    soup = other.get_page("auth.link_landing", token=second)
    response = other.submit(soup, "#sign-in-link-form", {})
    assert (response.status_code, response.location) == (303, "/supporting/")


def test_an_old_link_cannot_flood_its_owners_inbox(app, client, inbox, supporter):
    ask_for_link(client, ADDRESS)
    first = inbox.token()
    client.submit(client.get_page("auth.link_landing", token=first), "#sign-in-link-form", {})

    other = type(client)(app.test_client())
    soup = other.get_page("auth.link_landing", token=first)
    statuses = [finish(other.submit(soup, "#sign-in-link-form", {})) for _ in range(4)]

    assert [response.status_code for response in statuses] == [400, 400, 400, 400]
    assert len(inbox.messages) == 1 + 3
    assert "Get a new link" in page_text(statuses[-1])


def test_a_made_up_link_gets_a_kind_page_and_no_e_mail(client, inbox, supporter):
    soup = client.get_page("auth.link_landing", token="not-a-real-token")
    response = finish(client.submit(soup, "#sign-in-link-form", {}))

    assert response.status_code == 400
    page = BeautifulSoup(response.data, "html.parser")
    assert page.find("a", href="/sign-in/email").get_text(strip=True) == "Get a new link"
    assert inbox.messages == []


def test_a_press_with_no_token_signs_no_one_in(client, inbox, supporter):
    soup = client.get_page("auth.link_landing", token="anything")
    response = client.submit(soup, "#sign-in-link-form", {"token": ""})

    assert response.status_code == 400
    assert client.get("/supporting/").location == "/sign-in"


# The outbox


def test_a_message_that_fails_is_retried_with_back_off_and_sent_when_the_server_is_back(
    app, client, db_session, mail_server, inbox, supporter
):
    mail_server.stop()
    ask_for_link(client, ADDRESS)  # tries to send at once, and fails

    [message] = messages(db_session)
    assert message.status is OutboxStatus.PENDING
    assert message.attempts == 1
    assert "Connection refused" in message.last_error
    first_retry = message.next_attempt_at
    assert timedelta(seconds=50) < first_retry - utcnow() <= timedelta(minutes=1)

    assert send_pending(app, now=first_retry - timedelta(seconds=1)) == 0  # not due yet
    assert messages(db_session)[0].attempts == 1

    assert send_pending(app, now=first_retry) == 0  # due, but the server is still down
    [message] = messages(db_session)
    assert message.attempts == 2
    assert message.next_attempt_at == first_retry + timedelta(minutes=2)

    mail_server.start()
    assert send_pending(app, now=message.next_attempt_at) == 1
    [message] = messages(db_session)
    assert message.status is OutboxStatus.SENT
    assert message.sent_at == first_retry + timedelta(minutes=2)
    assert message.last_error is None
    assert len(inbox.messages) == 1

    token = inbox.token()
    soup = client.get_page("auth.link_landing", token=token)
    assert soup.h1.get_text(strip=True) == "Sign in to Lifelong Links"


def test_a_message_is_given_up_after_eight_attempts(app, db_session, mail_server):
    mail_server.stop()
    factories.outbox_message(db_session, to_address="someone@example.org")
    db_session.commit()
    now = utcnow()
    waits = []
    for _ in range(8):
        assert send_pending(app, now=now) == 0
        [message] = messages(db_session)
        waits.append(message.next_attempt_at - now)
        now = message.next_attempt_at

    assert message.status is OutboxStatus.FAILED
    assert message.attempts == 8
    assert waits[:7] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 64)]
    assert send_pending(app, now=now + timedelta(days=1)) == 0
    assert messages(db_session)[0].attempts == 8


def test_back_off_stops_growing_at_six_hours():
    assert outbox.retry_delay(1) == timedelta(minutes=1)
    assert outbox.retry_delay(9) == timedelta(hours=4, minutes=16)
    assert outbox.retry_delay(10) == timedelta(hours=6)
    assert outbox.retry_delay(30) == timedelta(hours=6)


def test_cancelled_and_sent_messages_are_left_alone(app, db_session, inbox):
    factories.outbox_message(db_session, status=OutboxStatus.CANCELLED)
    factories.outbox_message(db_session, status=OutboxStatus.SENT)
    factories.outbox_message(db_session, subject="Due")
    db_session.commit()

    assert send_pending(app) == 1
    assert [mail["Subject"] for mail in inbox.messages] == ["Due"]
    assert send_pending(app) == 0


def test_a_claimed_message_is_not_claimed_twice(app, db_session):
    factories.outbox_message(db_session)
    db_session.commit()
    now = utcnow()

    assert len(outbox.claim(db_session, now)) == 1
    db_session.commit()
    assert outbox.claim(db_session, now) == []
    assert len(outbox.claim(db_session, now + outbox.CLAIM_LEASE)) == 1  # the sender died: retried
    db_session.commit()


def test_flask_outbox_send_sends_what_is_due(app, db_session, inbox):
    factories.outbox_message(db_session, to_address="one@example.org")
    factories.outbox_message(db_session, to_address="two@example.org")
    db_session.commit()

    result = app.test_cli_runner().invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert "Sent 2 e-mail(s)." in result.output
    assert sorted(mail["To"] for mail in inbox.messages) == ["one@example.org", "two@example.org"]


def test_smtp_urls():
    plain = parse_smtp_url("smtp://127.0.0.1:2525")
    assert (plain.scheme, plain.host, plain.port, plain.username) == ("smtp", "127.0.0.1", 2525, None)
    tls = parse_smtp_url("smtp+starttls://links%40example.org:p%3Ass@mail.example.org")
    assert (tls.port, tls.username, tls.password) == (587, "links@example.org", "p:ss")
    assert parse_smtp_url("smtps://u:p@mail.example.org").port == 465
    with pytest.raises(ValueError):
        parse_smtp_url("http://mail.example.org")


def test_errors_are_short_and_keep_no_secret():
    error = smtplib.SMTPAuthenticationError(535, b"5.7.8 bad password hunter2\r\nfor links")
    text = describe(error, "hunter2")
    assert text == "SMTPAuthenticationError: 535 5.7.8 bad password *** for links"
    assert len(describe(OSError("x" * 1000))) == 200
