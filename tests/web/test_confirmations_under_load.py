"""Confirmations under load: 50 supporters × 4 "I did it" taps, 30% double-tapped, two gunicorn workers.

ENGINEERING.md ("SQLite that loses nothing", "Idempotent writes") measured how an ordinary SQLite setup
loses or refuses these writes. Here the real app runs under gunicorn with two worker processes, on SQLite
(a file) and on PostgreSQL, and every supporter is signed in with a real server-side session. Each
supporter opens their page like a phone would, then taps "I did it" on each of their four promises:
30% of the taps are sent twice at the same instant with the same idempotency key, and a few are sent
again after their answer (a retry on a bad connection). Nothing may be lost, nothing stored twice, no
server error, and every copy of a tap gets the same answer as the first.
"""

from __future__ import annotations

import http.client
import random
import re
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.domain import schedules
from app.domain.sessions import start_session
from app.models import (
    AuditEvent,
    Confirmation,
    ConfirmationOutcome,
    IdempotencyKey,
    Occurrence,
    OccurrenceStatus,
    PlanStatus,
    Role,
    utcnow,
)
from tests import factories
from tests.servers import gunicorn

SUPPORTERS = 50
PROMISES_EACH = 4
DOUBLE_TAPPED = 0.30
RETRIED = 10  # single taps sent again once their answer came back
THREADS = 20
SEED = 7
CONFIRM_PATH = re.compile(r"^/supporting/occurrences/([^/]+)/confirm$")


@dataclass
class Supporter:
    account_id: int
    cookie: str  # "session=…": the signed Flask cookie holding the server-side session's id


@dataclass
class Tap:
    """One tap on "I did it": the form as the page drew it, sent once, twice at once, or again later."""

    supporter: Supporter
    occurrence: str
    path: str
    csrf_token: str
    key: str
    htmx: bool
    double: bool = False
    retried: bool = False
    answers: list[Answer] = field(default_factory=list)


@dataclass(frozen=True)
class Answer:
    status: int
    location: str | None
    replayed: bool
    body: str
    cookie: str | None


def _build_supporters(app, db_session, organisation, count: int) -> list[tuple[int, str]]:
    """``count`` supporters, each agreed on a young person's active plan with four promises open now."""
    social_worker = factories.account(db_session, role=Role.SOCIAL_WORKER, organisation=organisation)
    today = schedules.today_in("Europe/London", utcnow())
    made = []
    for n in range(count):
        person = factories.young_person(db_session, organisation=organisation, chosen_name=f"Kid {n}")
        factories.consent_to_contact(db_session, person)  # parental responsibility + their agreement
        account = factories.account(db_session, role=Role.SUPPORTER, display_name=f"Supporter {n}")
        member = factories.agreed_supporter(db_session, person, name=f"Supporter {n}", account_id=account.id)
        plan = factories.plan(
            db_session,
            person,
            status=PlanStatus.ACTIVE,
            conference_on=today - timedelta(days=30),
            agreed_by_id=social_worker.id,
            agreed_on=today - timedelta(days=20),
        )
        commitment = factories.commitment(db_session, plan, supporters=[member])
        for days in range(PROMISES_EACH):  # due yesterday, today and in the next two days
            due = today + timedelta(days=days - 1)
            factories.occurrence(db_session, commitment, due_on=due, window_ends_on=due + timedelta(days=2))
        token = start_session(db_session, account, "link", utcnow())
        made.append((account.id, _session_cookie(app, token, account.public_id)))
    db_session.commit()
    return made


def _session_cookie(app, token: str, public_id: str) -> str:
    """What the browser holds after signing in: the signed cookie carrying the session token."""
    value = app.session_interface.get_signing_serializer(app).dumps({"sid": token, "_user_id": public_id})
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"


def _request(port: int, method: str, path: str, headers: dict, body: str | None = None, ready=None):
    # A new connection each time (gunicorn's sync workers close it anyway), so requests spread
    # over both workers. ``ready`` lets two copies connect first and then send at the same instant.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.connect()
        if ready is not None:
            ready.wait()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response, response.read().decode()
    finally:
        connection.close()


def _open_home(port: int, supporter: Supporter) -> list[Tap]:
    """The supporter's page, as their phone loads it: the cookie it sets and each card's form."""
    response, body = _request(port, "GET", "/supporting/", {"Cookie": supporter.cookie})
    assert response.status == 200, f"supporter home answered {response.status}"
    set_cookie = response.getheader("Set-Cookie")
    assert set_cookie, "the first page should store the CSRF token in the session"
    supporter.cookie = set_cookie.split(";", 1)[0]
    page = BeautifulSoup(body, "html.parser")
    taps = []
    for form in page.select("form[action]"):
        match = CONFIRM_PATH.match(form["action"])
        if match is None:
            continue
        taps.append(
            Tap(
                supporter=supporter,
                occurrence=match.group(1),
                path=form["action"],
                csrf_token=form.select_one("input[name=csrf_token]")["value"],
                key=form.select_one("input[name=idempotency_key]")["value"],
                htmx=False,
            )
        )
    return taps


def _send(port: int, tap: Tap, ready=None) -> Answer:
    headers = {
        "Cookie": tap.supporter.cookie,
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": tap.csrf_token,  # what htmx sends from <body hx-headers>
    }
    if tap.htmx:
        headers |= {"HX-Request": "true", "HX-Target": f"occurrence-{tap.occurrence}"}
    form = {"csrf_token": tap.csrf_token, "idempotency_key": tap.key, "outcome": "done"}
    response, body = _request(port, "POST", tap.path, headers, urlencode(form), ready)
    return Answer(
        status=response.status,
        location=response.getheader("Location"),
        replayed=response.getheader("Idempotent-Replay") == "true",
        body=body,
        cookie=response.getheader("Set-Cookie"),
    )


def _tap(port: int, tap: Tap) -> None:
    if tap.double:
        # Two copies, each on its own connection, released together: both workers may take one.
        ready = threading.Barrier(2)
        answers: list[Answer | BaseException] = [None, None]

        def copy(i: int) -> None:
            try:
                answers[i] = _send(port, tap, ready)
            except BaseException as error:
                answers[i] = error

        copies = [threading.Thread(target=copy, args=(i,)) for i in range(2)]
        for thread in copies:
            thread.start()
        for thread in copies:
            thread.join()
        for answer in answers:
            if isinstance(answer, BaseException):
                raise answer
        tap.answers.extend(answers)
    else:
        tap.answers.append(_send(port, tap))
    if tap.retried:
        tap.answers.append(_send(port, tap))


def _flashes(app, answer: Answer) -> list:
    """Messages the answer's cookie would show on the next page (an error there is a wrong answer)."""
    if not answer.cookie:
        return []
    value = answer.cookie.split(";", 1)[0].split("=", 1)[1]
    if not value:
        return []
    return app.session_interface.get_signing_serializer(app).loads(value).get("_flashes", [])


def test_two_hundred_confirmations_with_double_taps_lose_nothing_and_store_nothing_twice(
    app, db_session, organisation, database_url, tmp_path
):
    backend = db_session.get_bind().dialect.name
    made = _build_supporters(app, db_session, organisation, SUPPORTERS)
    supporters = [Supporter(account_id, cookie) for account_id, cookie in made]
    environment = {
        "WEB_CONCURRENCY": "2",
        "SECRET_KEY": app.config["SECRET_KEY"],
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    with gunicorn(database_url, **environment) as server, ThreadPoolExecutor(THREADS) as pool:
        started = time.monotonic()
        pages = list(pool.map(lambda supporter: _open_home(server.port, supporter), supporters))
        assert [len(taps) for taps in pages] == [PROMISES_EACH] * SUPPORTERS
        taps = [tap for taps in pages for tap in taps]
        chance = random.Random(SEED)
        chance.shuffle(taps)  # one supporter's taps mix with everyone else's
        for n, tap in enumerate(taps):
            tap.htmx = n % 2 == 0  # half swap the card in place, half reload the page
            tap.double = n < round(len(taps) * DOUBLE_TAPPED)
            tap.retried = len(taps) - RETRIED <= n
        chance.shuffle(taps)
        list(pool.map(lambda tap: _tap(server.port, tap), taps))
        seconds = time.monotonic() - started

    answers = [answer for tap in taps for answer in tap.answers]
    statuses = Counter(answer.status for answer in answers)
    requests = len(supporters) + len(answers)
    print(
        f"\n{backend}: {requests} requests ({len(taps)} confirmations, "
        f"{sum(t.double for t in taps)} double taps, {RETRIED} retries) in {seconds:.1f} s, "
        f"confirm statuses {dict(sorted(statuses.items()))}, "
        f"replayed {sum(a.replayed for a in answers)}"
    )

    assert all(answer.status < 500 for answer in answers), statuses

    # 0 lost, 0 duplicated: one confirmation, one stored key and one audit row per promise.
    db_session.expire_all()
    ids = [s.account_id for s in supporters]
    occurrences = db_session.scalars(
        select(Occurrence).where(Occurrence.public_id.in_([tap.occurrence for tap in taps]))
    ).all()
    assert len(occurrences) == SUPPORTERS * PROMISES_EACH
    per_occurrence = Counter(
        db_session.scalars(
            select(Confirmation.occurrence_id).where(Confirmation.by_account_id.in_(ids))
        ).all()
    )
    lost = [o.public_id for o in occurrences if per_occurrence[o.id] == 0]
    duplicated = [o.public_id for o in occurrences if per_occurrence[o.id] > 1]
    assert (lost, duplicated) == ([], []), f"{len(lost)} lost, {len(duplicated)} duplicated"
    assert {o.status for o in occurrences} == {OccurrenceStatus.KEPT}
    outcomes = db_session.scalars(
        select(Confirmation.outcome).where(Confirmation.by_account_id.in_(ids))
    ).all()
    assert set(outcomes) == {ConfirmationOutcome.DONE}
    stored_keys = db_session.scalars(
        select(IdempotencyKey.endpoint).where(IdempotencyKey.account_id.in_(ids))
    ).all()
    assert len(stored_keys) == len({tap.key for tap in taps}) == SUPPORTERS * PROMISES_EACH
    assert set(stored_keys) == {"supporters.confirm"}
    # A copy that lost the race rolled its audit row back with everything else.
    audited = db_session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "confirmation.done", AuditEvent.actor_account_id.in_(ids))
    )
    assert audited == SUPPORTERS * PROMISES_EACH

    # Every copy of a tap got the first copy's answer.
    for tap in taps:
        expected = (200, None) if tap.htmx else (303, f"/supporting/#occurrence-{tap.occurrence}")
        got = [(answer.status, answer.location) for answer in tap.answers]
        assert got == [expected] * len(tap.answers), f"every copy gets the first answer: {got}"
        # Exactly one copy did the work; the others were answered from the stored key.
        assert [answer.replayed for answer in tap.answers].count(False) == 1, tap.answers
        if tap.htmx:
            assert len({answer.body for answer in tap.answers}) == 1, "a replay shows the same card"
            assert "Thank you!" in tap.answers[0].body
        for answer in tap.answers:
            assert _flashes(app, answer) == [], "no copy may tell the supporter it failed"
