"""Web push: turning it on in the browser, and reminders sent, encrypted, to a push endpoint on loopback.

The test plays the browser: it makes the subscription's key pair and auth secret as a browser would,
and decrypts what the "push service" (a small HTTP server here) received, as the browser would.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select

from app.domain import push, reminders
from app.models import (
    ConsentKind,
    Decision,
    OutboxChannel,
    OutboxMessage,
    OutboxStatus,
    PushSubscription,
    ReminderSettings,
    utcnow,
)
from tests import factories
from tests.conftest import sign_in
from tests.web.test_reminders_web import london_today, make_world


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_bytes(key) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


@pytest.fixture
def vapid(app):
    key = ec.generate_private_key(ec.SECP256R1())
    app.config["VAPID_PRIVATE_KEY"] = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    app.config["VAPID_PUBLIC_KEY"] = b64url(public_bytes(key))
    app.config["VAPID_SUBJECT"] = "mailto:push@links.example.org"
    return key


class PushService:
    """A push endpoint on loopback: keeps each request and answers with ``status``."""

    def __init__(self):
        self.received: list[dict] = []
        self.status = 201
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def push_service():
    service = PushService()
    yield service
    service.close()


class Browser:
    """What PushManager.subscribe makes: a P-256 key pair and a 16-byte auth secret."""

    def __init__(self, endpoint: str):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = endpoint

    def subscription(self) -> dict:
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": b64url(public_bytes(self.key)), "auth": b64url(self.auth)},
        }

    def decrypt(self, body: bytes) -> dict:
        return json.loads(
            http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")
        )


def subscribe(db_session, account, browser: Browser) -> PushSubscription:
    keys = browser.subscription()["keys"]
    subscription = factories.push_subscription(
        db_session, account, endpoint=browser.endpoint, p256dh=keys["p256dh"], auth=keys["auth"]
    )
    db_session.commit()
    return subscription


def push_world(db_session, push_service, **settings):
    world = make_world(db_session)
    settings = {"by_email": False, "by_push": True, "days_before": [3, 0], **settings}
    factories.reminder_settings(db_session, world.nan, **settings)
    browser = Browser(f"{push_service.url}/push/nan-phone")
    subscription = subscribe(db_session, world.nan, browser)
    return world, browser, subscription


def pushes(db_session) -> list[OutboxMessage]:
    db_session.expire_all()
    found = list(db_session.scalars(select(OutboxMessage).where(OutboxMessage.channel == OutboxChannel.PUSH)))
    db_session.commit()
    return found


# Sending


def test_a_reminder_arrives_encrypted_for_the_browser_and_signed_with_our_key(
    app, db_session, vapid, push_service
):
    world, browser, _subscription = push_world(db_session, push_service)

    result = reminders.run(app)

    assert (result.emails, result.pushes, result.pushed) == (0, 1, 1)
    [request] = push_service.received
    assert request["path"] == "/push/nan-phone"
    headers = {name.lower(): value for name, value in request["headers"].items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert headers["ttl"] == str(push.TIME_TO_LIVE)
    message = browser.decrypt(request["body"])
    assert message["title"] == "Lifelong Links reminder"
    assert message["body"].startswith("Visit for Sam: in 3 days, on ")
    assert message["url"] == "/supporting/"
    assert "Samantha" not in json.dumps(message)
    # VAPID: a JWT for this push service, signed with our private key, and our public key with it.
    scheme, _, credentials = headers["authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in credentials.split(","))
    assert fields["k"] == app.config["VAPID_PUBLIC_KEY"]
    claims = json.loads(unb64url(fields["t"].split(".")[1]))
    assert claims["aud"] == push_service.url and claims["sub"] == "mailto:push@links.example.org"
    [queued] = pushes(db_session)
    assert queued.status is OutboxStatus.SENT and queued.young_person_id == world.young_person.id


def test_running_twice_pushes_once(app, db_session, vapid, push_service):
    push_world(db_session, push_service)

    reminders.run(app)
    reminders.run(app)

    assert len(push_service.received) == 1
    assert len(pushes(db_session)) == 1


def test_each_of_the_supporters_browsers_gets_it_in_their_language(app, db_session, vapid, push_service):
    world, browser, _ = push_world(db_session, push_service)
    world.nan.language = "cy"
    tablet = Browser(f"{push_service.url}/push/nan-tablet")
    subscribe(db_session, world.nan, tablet)

    reminders.run(app)

    by_path = {request["path"]: request["body"] for request in push_service.received}
    assert sorted(by_path) == ["/push/nan-phone", "/push/nan-tablet"]
    assert "Sam" in browser.decrypt(by_path["/push/nan-phone"])["body"]
    assert "Sam" in tablet.decrypt(by_path["/push/nan-tablet"])["body"]


def test_a_subscription_the_push_service_forgot_is_deleted(app, db_session, vapid, push_service):
    push_world(db_session, push_service)
    push_service.status = 410

    assert reminders.run(app).pushed == 0

    db_session.expire_all()
    assert db_session.scalars(select(PushSubscription)).all() == []
    [queued] = pushes(db_session)
    assert queued.status is OutboxStatus.CANCELLED


def test_a_failure_is_recorded_on_the_subscription_and_tried_again(app, db_session, vapid, push_service):
    _world, _browser, subscription = push_world(db_session, push_service)
    push_service.status = 503

    assert reminders.run(app).pushed == 0
    db_session.expire_all()
    assert db_session.get(PushSubscription, subscription.id).failed_at is not None
    [queued] = pushes(db_session)
    assert (queued.status, queued.attempts) == (OutboxStatus.PENDING, 1)
    assert "503" in queued.last_error

    # The back-off has passed and the push service is back.
    push_service.status = 201
    assert push.send_pending(app, utcnow() + timedelta(minutes=15)) == 1
    db_session.expire_all()
    assert db_session.get(PushSubscription, subscription.id).failed_at is None
    assert pushes(db_session)[0].status is OutboxStatus.SENT
    assert len(push_service.received) == 2


def test_a_withdrawal_stops_queued_push_messages(app, db_session, vapid, push_service):
    world, _browser, _ = push_world(db_session, push_service)
    factories.occurrence(db_session, world.commitment, london_today() + timedelta(days=3))
    with app.test_request_context():  # queued only: not sent yet
        queued = reminders.queue_due(db_session, utcnow(), secret=app.config["SECRET_KEY"], push_ready=True)
    db_session.commit()
    assert queued.pushes == 1
    factories.consent_event(
        db_session, world.young_person, kind=ConsentKind.YOUNG_PERSON_AGREEMENT, decision=Decision.WITHDRAWN
    )
    db_session.commit()

    assert push.send_pending(app) == 0
    assert push_service.received == []
    assert pushes(db_session)[0].status is OutboxStatus.CANCELLED


def test_no_push_without_vapid_keys(app, db_session, push_service):
    push_world(db_session, push_service)

    result = reminders.run(app)

    assert (result.pushes, result.pushed) == (0, 0)
    assert push_service.received == []


# Turning it on and off in the browser


@pytest.fixture
def nan(client, db_session):
    world = make_world(db_session)
    sign_in(client, world.nan)
    return world.nan


def post_json(client, url, data, method="POST"):
    token = client.get("/supporting/reminders").data.decode()
    csrf = token.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    return client.open(
        url, method=method, json=data, headers={"X-CSRFToken": csrf, "Accept": "application/json"}
    )


def test_the_page_offers_the_button_with_our_public_key(client, nan, vapid):
    soup = client.get_page("supporters.reminders_page")

    assert not soup.select_one("input#by_push").has_attr("checked")
    widget = soup.select_one("[data-push]")
    assert widget["data-vapid-key"] == client.application.config["VAPID_PUBLIC_KEY"]
    assert widget["data-subscribe-url"] == "/supporting/push-subscriptions"
    assert widget.select_one("[data-push-on]").get_text(strip=True) == "Turn on notifications on this phone"
    assert soup.select_one("script[src^='/static/js/push.js']") is not None


def test_a_browser_subscribes_and_unsubscribes(client, db_session, nan, vapid):
    browser = Browser("https://push.example.org/send/abc")

    response = post_json(client, "/supporting/push-subscriptions", browser.subscription())
    assert response.status_code == 201
    assert response.json["message"] == "Notifications are on for this phone or computer."
    again = post_json(client, "/supporting/push-subscriptions", browser.subscription())
    assert again.status_code == 201
    [saved] = db_session.scalars(select(PushSubscription)).all()
    assert (saved.account_id, saved.endpoint) == (nan.id, browser.endpoint)
    settings = db_session.scalar(select(ReminderSettings))
    assert settings.by_push is True and settings.by_email is True
    db_session.commit()
    soup = client.get_page("supporters.reminders_page")
    assert len(soup.select("#push-devices li")) == 1

    gone = post_json(client, "/supporting/push-subscriptions", {"endpoint": browser.endpoint}, "DELETE")
    assert gone.status_code == 200
    assert db_session.scalars(select(PushSubscription)).all() == []
    db_session.commit()


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.org/x",
        "https://127.0.0.1/x",
        "https://localhost/x",
        "https://[::1]/x",
        "ftp://a/b",
    ],
)
def test_only_a_push_service_on_the_internet_is_accepted(client, db_session, nan, vapid, endpoint):
    subscription = Browser(endpoint).subscription()

    response = post_json(client, "/supporting/push-subscriptions", subscription)

    assert response.status_code == 400
    assert response.json["error"] == "This browser could not turn notifications on. Please try again."
    assert db_session.scalars(select(PushSubscription)).all() == []
    db_session.commit()


def test_without_vapid_keys_nothing_is_subscribed(client, nan):
    response = post_json(
        client, "/supporting/push-subscriptions", Browser("https://push.example.org/1").subscription()
    )
    assert response.status_code == 404


def test_a_device_is_removed_from_the_list(client, db_session, nan, vapid):
    mine = factories.push_subscription(db_session, nan)
    someone_else = factories.push_subscription(db_session, factories.account(db_session, role=nan.role))
    db_session.commit()
    soup = client.get_page("supporters.reminders_page")

    response = client.submit(
        soup, f"form[action='/supporting/push-subscriptions/{mine.public_id}/remove']", {}
    )
    assert response.status_code == 303
    assert (
        client.post(
            f"/supporting/push-subscriptions/{someone_else.public_id}/remove",
            data={"csrf_token": client.csrf_token(soup)},
        ).status_code
        == 404
    )
    assert [s.id for s in db_session.scalars(select(PushSubscription))] == [someone_else.id]
    db_session.commit()
