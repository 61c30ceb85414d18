"""Signing in, end to end over HTTP with the in-repo software authenticator.

The browser journeys (tests/browser) repeat the main ones with Chromium's virtual authenticator.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.domain import invitations
from app.models import (
    Account,
    AuditEvent,
    OutboxMessage,
    Passkey,
    Role,
    SafetyStatus,
    UserSession,
    YoungPerson,
    utcnow,
)
from tests import factories
from tests.authenticator import SoftAuthenticator
from tests.conftest import sign_in

ORIGIN = "http://localhost:5000"


@pytest.fixture
def app(app):
    app.config.update(BASE_URL=ORIGIN, RP_ID="localhost")
    return app


class Phone:
    """A person's phone: a cookie jar (the test client) and a passkey store (the authenticator)."""

    def __init__(self, app, authenticator: SoftAuthenticator | None = None):
        self.client = app.test_client()
        self.authenticator = authenticator or SoftAuthenticator()
        self.csrf = None

    def page(self, url: str, status: int = 200) -> BeautifulSoup:
        response = self.client.get(url)
        assert response.status_code == status, (url, response.status_code)
        soup = BeautifulSoup(response.data, "html.parser")
        meta = soup.find("meta", attrs={"name": "csrf-token"})
        if meta:
            self.csrf = meta["content"]
        return soup

    def post_json(self, url: str, body: str | None = None, data: dict | None = None):
        headers = {"X-CSRFToken": self.csrf}
        if body is not None:
            return self.client.post(url, data=body, headers={**headers, "Content-Type": "application/json"})
        return self.client.post(url, data=data or {}, headers=headers)

    def create_passkey(self, page_url: str, options_url: str, finish_url: str, **form):
        self.page(page_url)
        options = self.post_json(options_url, data=form)
        assert options.status_code == 200, options.data
        answer = self.authenticator.create(options.get_data(as_text=True), ORIGIN)
        return self.post_json(finish_url, body=answer)

    def sign_out(self, everywhere: bool = False):
        self.page("/account/passkeys")  # a fresh page, so a fresh CSRF token for this session
        return self.client.post(
            "/sign-out/everywhere" if everywhere else "/sign-out", data={"csrf_token": self.csrf}
        )

    def sign_in_with_passkey(self, **authenticator_options):
        self.page("/sign-in")
        options = self.post_json("/sign-in/options")
        answer = self.authenticator.get(options.get_data(as_text=True), ORIGIN, **authenticator_options)
        return self.post_json("/sign-in/finish", body=answer)


def _young_person_invitation(db_session, organisation, coordinator):
    person = factories.young_person(db_session, organisation=organisation, chosen_name="Jay")
    _invitation, token = invitations.invite_young_person(db_session, coordinator, person, utcnow())
    db_session.commit()
    return person, f"/invitation/{token}"


def test_young_person_invited_creates_a_passkey_signs_out_and_back_in(
    app, db_session, organisation, coordinator
):
    person, link = _young_person_invitation(db_session, organisation, coordinator)
    phone = Phone(app)
    soup = phone.page(link)
    assert "Welcome to Lifelong Links" in soup.get_text()
    phone.page(link)  # opening it twice (a mail scanner, a second look) uses nothing up

    finish = phone.create_passkey(link, f"{link}/options", f"{link}/finish", display_name="J")
    assert finish.status_code == 200 and finish.get_json() == {"redirect": "/me/"}
    assert "Hello, J" in phone.page("/me/").get_text()

    db_session.expire_all()
    account = db_session.get(YoungPerson, person.id).account
    assert account.display_name == "J" and account.role is Role.YOUNG_PERSON
    assert len(account.passkeys) == 1 and account.passkeys[0].device_type == "single_device"

    assert phone.sign_out().status_code == 303
    assert phone.client.get("/me/").status_code == 303

    signed_in = phone.sign_in_with_passkey()
    assert signed_in.get_json() == {"redirect": "/me/"}
    assert phone.client.get("/me/").status_code == 200
    # The invitation worked once.
    assert Phone(app).client.get(link).status_code == 410


def test_invitation_refuses_a_second_use_and_expires(app, db_session, organisation, coordinator):
    _person, link = _young_person_invitation(db_session, organisation, coordinator)
    Phone(app).create_passkey(link, f"{link}/options", f"{link}/finish", display_name="Jay")
    late = Phone(app)
    assert late.client.get(link).status_code == 410
    invitation = db_session.scalar(select(invitations.Invitation))
    assert invitations.find_open(db_session, link.rsplit("/", 1)[1], utcnow()) is None
    assert invitation.used_at is not None

    person = factories.young_person(db_session, organisation=organisation)
    _, token = invitations.invite_young_person(db_session, coordinator, person, utcnow())
    assert invitations.find_open(db_session, token, utcnow() + timedelta(days=7, seconds=1)) is None
    assert invitations.find_open(db_session, token, utcnow() + timedelta(days=6)) is not None


def test_staff_invited_by_an_admin_sign_in_with_passkeys(app, db_session, organisation, admin):
    sign_in(client := app.test_client(), admin)
    page = BeautifulSoup(client.get("/staff/colleagues/invite").data, "html.parser")
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    response = client.post(
        "/staff/colleagues/invite",
        data={"csrf_token": token, "name": "Tom Bell", "email": "tom@example.org", "role": "social_worker"},
    )
    assert response.status_code == 200
    link = re.search(
        r'href="http://localhost:5000(/invitation/[^"]+)"', response.get_data(as_text=True)
    ).group(1)
    assert "<svg" in response.get_data(as_text=True)  # the QR code

    phone = Phone(app)
    finish = phone.create_passkey(link, f"{link}/options", f"{link}/finish", display_name="Tom Bell")
    assert finish.get_json() == {"redirect": "/staff/"}
    tom = db_session.scalar(select(Account).where(Account.email == "tom@example.org"))
    assert tom.role is Role.SOCIAL_WORKER and tom.organisation_id == organisation.id
    assert phone.client.get("/staff/").status_code == 200


def test_only_admins_invite_staff(app, db_session, coordinator):
    sign_in(client := app.test_client(), coordinator)
    assert client.get("/staff/colleagues/invite").status_code == 403


def test_org_create_prints_a_link_for_the_first_admin(app, db_session, tmp_path):
    from app.config import ROOT

    policy = ROOT / "policies" / "barking-and-dagenham.toml"
    broken = tmp_path / "broken.toml"
    broken.write_text("example = true\n[in_care]\nmin_age = { years = 12, months = 14 }\n")
    result = app.test_cli_runner().invoke(
        args=[
            "org",
            "create",
            "--name",
            "Riverside Lifelong Links",
            "--slug",
            "riverside",
            "--email",
            "ll@riverside.example.org",
            "--policy",
            str(policy),
            "--admin-name",
            "Ada Admin",
        ]
    )
    assert result.exit_code == 0, result.output
    link = re.search(r"http://localhost:5000(/invitation/\S+)", result.output).group(1)
    phone = Phone(app)
    assert phone.create_passkey(link, f"{link}/options", f"{link}/finish", display_name="Ada").get_json() == {
        "redirect": "/staff/"
    }
    db_session.expire_all()
    ada = db_session.scalar(select(Account).where(Account.display_name == "Ada"))
    assert ada.role is Role.ADMIN and ada.organisation.policy_name == "barking-and-dagenham"
    assert ada.organisation.policy["in_care"]["min_age"] == 12
    again = app.test_cli_runner().invoke(
        args=[
            "org",
            "create",
            "--name",
            "X",
            "--slug",
            "riverside",
            "--email",
            "x@example.org",
            "--policy",
            str(policy),
            "--admin-name",
            "X",
        ]
    )
    assert again.exit_code != 0 and "already exists" in again.output
    invalid = app.test_cli_runner().invoke(
        args=[
            "org",
            "create",
            "--name",
            "Y",
            "--slug",
            "y",
            "--email",
            "y@example.org",
            "--policy",
            str(broken),
            "--admin-name",
            "Y",
        ]
    )
    assert invalid.exit_code != 0 and "broken.toml, line 3" in invalid.output and "months" in invalid.output


def _cleared_member(db_session, organisation, **values):
    person = factories.young_person(db_session, organisation=organisation, chosen_name="Jay")
    member = factories.network_member(db_session, person, name="Maureen", **values)
    factories.consent_to_contact(db_session, person, member)
    db_session.commit()
    return person, member


def _invite_supporter(client, member, email="maureen@example.com"):
    page = BeautifulSoup(
        client.get(f"/staff/young-people/{member.young_person.public_id}").data, "html.parser"
    )
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    return client.post(
        f"/staff/people/{member.public_id}/invitation", data={"csrf_token": token, "email": email}
    )


def test_supporter_invitation_names_the_coordinator_and_asks_for_the_code(
    app, db_session, organisation, coordinator
):
    _person, member = _cleared_member(db_session, organisation)
    sign_in(staff := app.test_client(), coordinator)
    response = _invite_supporter(staff, member)
    assert response.status_code == 200
    code = BeautifulSoup(response.data, "html.parser").select_one(".code").get_text(strip=True)
    email = db_session.scalar(select(OutboxMessage))
    assert coordinator.display_name in email.subject and code in email.body_text
    link = re.search(r"http://localhost:5000(/invitation/\S+)", email.body_text).group(1)

    phone = Phone(app)
    soup = phone.page(link)
    form_token = soup.find("input", attrs={"name": "csrf_token"})["value"]
    wrong = phone.client.post(f"{link}/code", data={"csrf_token": form_token, "code": "ZZZZZZ"})
    assert wrong.status_code == 400 and b"error-summary" in wrong.data and b"ZZZZZZ" in wrong.data
    right = phone.client.post(f"{link}/code", data={"csrf_token": form_token, "code": code.lower()})
    assert right.status_code == 303 and right.headers["Location"] == "/supporting/"
    home = phone.client.get("/supporting/").get_data(as_text=True)
    assert "Jay" in home and "Maureen" in home
    db_session.expire_all()
    assert db_session.get(type(member), member.id).account.role is Role.SUPPORTER


def test_supporter_invitation_locks_after_five_wrong_codes(app, db_session, organisation, coordinator):
    _person, member = _cleared_member(db_session, organisation)
    _invitation, token, _code = invitations.invite_supporter(
        db_session, coordinator, member, "m@example.com", utcnow()
    )
    db_session.commit()
    phone = Phone(app)
    soup = phone.page(f"/invitation/{token}")
    csrf = soup.find("input", attrs={"name": "csrf_token"})["value"]
    for _ in range(5):
        phone.client.post(f"/invitation/{token}/code", data={"csrf_token": csrf, "code": "WRONG1"})
    assert phone.client.get(f"/invitation/{token}").status_code == 410


@pytest.mark.parametrize("safety", [SafetyStatus.UNCHECKED, SafetyStatus.DO_NOT_CONTACT])
def test_a_person_not_cleared_cannot_be_invited(app, db_session, organisation, coordinator, safety):
    _person, member = _cleared_member(db_session, organisation, safety_status=safety)
    sign_in(staff := app.test_client(), coordinator)
    response = _invite_supporter(staff, member)
    assert response.status_code == 403
    assert db_session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    with pytest.raises(invitations.InvitationRefused, match="not_cleared"):
        invitations.invite_supporter(db_session, coordinator, member, "x@example.com", utcnow())


def _young_person_with_passkey(app, db_session, organisation, coordinator):
    _person, link = _young_person_invitation(db_session, organisation, coordinator)
    phone = Phone(app)
    phone.create_passkey(link, f"{link}/options", f"{link}/finish", display_name="Jay")
    db_session.expire_all()
    return phone, db_session.scalar(select(Account).where(Account.display_name == "Jay"))


def test_lost_phone_recovery_link_registers_a_new_passkey_then_offers_sign_out_everywhere(
    app, db_session, organisation, coordinator
):
    old_phone, account = _young_person_with_passkey(app, db_session, organisation, coordinator)
    person = db_session.scalar(select(YoungPerson).where(YoungPerson.account_id == account.id))
    sign_in(staff := app.test_client(), coordinator)
    page = BeautifulSoup(staff.get(f"/staff/young-people/{person.public_id}").data, "html.parser")
    csrf = page.find("input", attrs={"name": "csrf_token"})["value"]
    response = staff.post(f"/staff/young-people/{person.public_id}/recovery", data={"csrf_token": csrf})
    link = re.search(
        r'href="http://localhost:5000(/invitation/[^"]+)"', response.get_data(as_text=True)
    ).group(1)

    new_phone = Phone(app)
    finish = new_phone.create_passkey(link, f"{link}/options", f"{link}/finish", display_name="Jay")
    assert finish.get_json() == {"redirect": "/account/passkeys?recovered=1"}
    page = new_phone.page("/account/passkeys?recovered=1")
    assert "Sign out on all my devices" in page.get_text()
    db_session.expire_all()
    assert len(db_session.get(Account, account.id).passkeys) == 2

    assert old_phone.client.get("/me/").status_code == 200
    new_phone.sign_out(everywhere=True)
    assert old_phone.client.get("/me/").status_code == 303  # the lost phone is signed out
    assert new_phone.client.get("/me/").status_code == 303


def test_recovery_links_last_ten_minutes(db_session, organisation, coordinator, young_person_account):
    now = utcnow()
    _invitation, token = invitations.issue_recovery(db_session, coordinator, young_person_account, now)
    assert invitations.find_open(db_session, token, now + timedelta(minutes=9)) is not None
    assert invitations.find_open(db_session, token, now + timedelta(minutes=10, seconds=1)) is None


def test_managing_passkeys_rename_add_remove_with_fresh_sign_in(app, db_session, organisation, coordinator):
    phone, account = _young_person_with_passkey(app, db_session, organisation, coordinator)
    first = account.passkeys[0]
    phone.page("/account/passkeys")
    phone.client.post(
        f"/account/passkeys/{first.public_id}/rename", data={"csrf_token": phone.csrf, "name": "Old phone"}
    )
    assert "Old phone" in phone.page("/account/passkeys").get_text()

    # Removing the only passkey asks first.
    warn = phone.client.post(f"/account/passkeys/{first.public_id}/remove", data={"csrf_token": phone.csrf})
    assert warn.status_code == 409 and "Remove your last passkey?" in warn.get_data(as_text=True)

    second_device = SoftAuthenticator()
    options = phone.post_json("/account/passkeys/options").get_data(as_text=True)
    added = phone.post_json("/account/passkeys/finish", body=second_device.create(options, ORIGIN))
    assert added.get_json() == {"redirect": "/account/passkeys"}
    db_session.expire_all()
    assert len(db_session.get(Account, account.id).passkeys) == 2
    # Told on the account itself (young people often have no e-mail address)…
    assert "A passkey was added." in phone.page("/account/passkeys").select_one("#recent-changes").get_text()

    # After five minutes a change needs a fresh passkey check.
    db_session.execute(UserSession.__table__.update().values(fresh_until=utcnow() - timedelta(seconds=1)))
    db_session.commit()
    stale = phone.client.post(f"/account/passkeys/{first.public_id}/remove", data={"csrf_token": phone.csrf})
    assert stale.status_code == 303 and "/account/confirm" in stale.headers["Location"]
    phone.page("/account/confirm")
    options = phone.post_json("/account/confirm/options")
    confirm = phone.post_json(
        "/account/confirm/finish", body=phone.authenticator.get(options.get_data(as_text=True), ORIGIN)
    )
    assert confirm.status_code == 200
    removed = phone.client.post(
        f"/account/passkeys/{first.public_id}/remove", data={"csrf_token": phone.csrf}
    )
    assert removed.status_code == 303
    db_session.expire_all()
    assert [p.name for p in db_session.get(Account, account.id).passkeys] == ["Passkey 2"]
    assert (
        "A passkey was removed." in phone.page("/account/passkeys").select_one("#recent-changes").get_text()
    )


def test_passkey_changes_are_e_mailed_when_the_account_has_an_address(
    app, db_session, organisation, coordinator
):
    phone, account = _young_person_with_passkey(app, db_session, organisation, coordinator)
    account.email = "jay@example.org"
    db_session.commit()
    phone.page("/account/passkeys")
    options = phone.post_json("/account/passkeys/options").get_data(as_text=True)
    phone.post_json("/account/passkeys/finish", body=SoftAuthenticator().create(options, ORIGIN))
    db_session.expire_all()
    email = db_session.scalar(select(OutboxMessage))
    assert email.to_address == "jay@example.org" and "passkey was added" in email.subject


def test_someone_elses_passkey_cannot_be_renamed_or_removed(app, db_session, organisation, coordinator):
    phone, _account = _young_person_with_passkey(app, db_session, organisation, coordinator)
    other = factories.passkey(db_session, factories.account(db_session, organisation=organisation))
    db_session.commit()
    phone.page("/account/passkeys")
    for action in ("rename", "remove"):
        response = phone.client.post(
            f"/account/passkeys/{other.public_id}/{action}", data={"csrf_token": phone.csrf, "name": "x"}
        )
        assert response.status_code == 404


def test_a_copied_cookie_stops_working_after_sign_out(app, db_session, young_person_account):
    sign_in(client := app.test_client(), young_person_account)
    assert client.get("/me/").status_code == 200
    stolen = client.get_cookie("session").value
    page = BeautifulSoup(client.get("/me/").data, "html.parser")
    client.post("/sign-out", data={"csrf_token": page.find("input", attrs={"name": "csrf_token"})["value"]})
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/me/")
    assert response.status_code == 303 and response.headers["Location"].endswith("/sign-in")


def test_sign_out_clears_the_browser_and_ends_the_server_session(app, db_session, young_person_account):
    sign_in(client := app.test_client(), young_person_account)
    page = BeautifulSoup(client.get("/me/").data, "html.parser")
    response = client.post(
        "/sign-out", data={"csrf_token": page.find("input", attrs={"name": "csrf_token"})["value"]}
    )
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    db_session.expire_all()
    assert db_session.scalar(select(UserSession)).revoked_at is not None


def test_sign_in_failures_and_changes_are_audited_without_secrets(
    app, db_session, organisation, coordinator, caplog
):
    caplog.set_level(logging.DEBUG)
    phone, _account = _young_person_with_passkey(app, db_session, organisation, coordinator)
    phone.sign_out()
    refused = phone.sign_in_with_passkey(user_verified=False)
    assert refused.status_code == 400
    assert refused.get_json() == {"error": "Your phone didn't confirm it's you. Try again."}
    phone.sign_in_with_passkey()
    db_session.expire_all()
    actions = db_session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert {
        "invitation.young_person.created",
        "account.created",
        "passkey.added",
        "sign_in",
        "sign_out",
        "sign_in.failed",
    } <= set(actions)
    secrets_seen = [
        invitation.token_hash for invitation in db_session.scalars(select(invitations.Invitation))
    ]
    for record in caplog.records:
        assert "/invitation/" not in record.getMessage()
        assert not any(secret in record.getMessage() for secret in secrets_seen)
    assert db_session.scalar(select(func.count()).select_from(Passkey)) == 1


def test_coordinator_makes_an_invitation_with_a_qr_code_on_screen(app, db_session, organisation, coordinator):
    person = factories.young_person(db_session, organisation=organisation, chosen_name="Jay")
    db_session.commit()
    sign_in(staff := app.test_client(), coordinator)
    page = BeautifulSoup(staff.get(f"/staff/young-people/{person.public_id}").data, "html.parser")
    form = page.find("form", action=f"/staff/young-people/{person.public_id}/invitation")
    response = staff.post(form["action"], data={"csrf_token": form.find("input")["value"]})
    assert response.status_code == 200
    shown = BeautifulSoup(response.data, "html.parser")
    link = shown.select_one(".link-box a")["href"]
    assert link.startswith("http://localhost:5000/invitation/")
    qr = shown.select_one("svg.qr")
    assert qr["role"] == "img" and qr["aria-label"] and qr.find("path")
    # The link on screen is the one that works, and making a new one ends the old one.
    assert Phone(app).client.get(link.removeprefix(ORIGIN)).status_code == 200
    again = staff.post(form["action"], data={"csrf_token": form.find("input")["value"]})
    newer = BeautifulSoup(again.data, "html.parser").select_one(".link-box a")["href"]
    assert Phone(app).client.get(link.removeprefix(ORIGIN)).status_code == 410
    assert Phone(app).client.get(newer.removeprefix(ORIGIN)).status_code == 200
