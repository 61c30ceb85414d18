"""Supporters keep their promises, over HTTP: "I did it" in one tap, undo, and the young person's answer.

Jay is taking part. Maureen (Nan, signed up as a supporter) rings Jay every other week; Devon, another
supporter, takes Jay to the zoo. Everyone has their own phone (test client). "Today" is today in London,
as the app reads it.
"""

from __future__ import annotations

import hashlib
import http.client
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from babel.dates import format_date
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.domain import occurrences, schedules
from app.models import (
    Account,
    Acknowledgement,
    AuditEvent,
    Commitment,
    CommitmentKind,
    Confirmation,
    ConfirmationOutcome,
    IdempotencyKey,
    NetworkMember,
    Occurrence,
    OccurrenceStatus,
    Plan,
    PlanStatus,
    Role,
    ScheduleKind,
    YoungPerson,
    utcnow,
)
from tests import factories
from tests.conftest import TEST_SECRET, sign_in
from tests.helpers import PageClient, count_queries, phone_of, text
from tests.servers import gunicorn

SECRETS = {
    "legal name": "Jayden Secretname",
    "placement address": "14 Quiet Close, Riverside",
    "school": "Riverside Academy",
    "Nan's staff notes": "Hip operation in June",
    "Nan's stored address": "1 Lavender Row",
    "another supporter's name": "Devon Okoro",
    "another supporter's e-mail": "devon.okoro@example.net",
    "another supporter's phone": "07700 900456",
    "another supporter's address": "3 Hidden Mews",
    "another supporter's staff notes": "Devon is on probation",
    "a promise that is not Nan's": "Trips to the zoo",
}
CALL = "A phone call every other week"
DONE = ConfirmationOutcome.DONE
NOT_NOW = "This one can't be changed now."
SENTENCE = "Maureen (Nan) will call or video-call you every 2 weeks."
TOO_LATE = "It's too late to undo this. Ask the coordinator if something is wrong."


def today() -> date:
    return schedules.today_in("Europe/London", utcnow())


def long_date(day: date) -> str:
    return format_date(day, "long", locale="en_GB")


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.data, "html.parser")


def card(occurrence: Occurrence) -> str:
    return f"occurrence-{occurrence.public_id}"


def htmx_for(occurrence: Occurrence) -> dict:
    return {"HX-Request": "true", "HX-Target": card(occurrence)}


def count(session, model, *where) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model).where(*where))


@dataclass
class Promises:
    jay: YoungPerson
    nan: NetworkMember
    nan_account: Account
    plan: Plan
    call: Commitment
    due_today: Occurrence


def due_on(session, commitment: Commitment, day: date) -> Occurrence:
    return session.scalar(
        select(Occurrence).where(Occurrence.commitment_id == commitment.id, Occurrence.due_on == day)
    )


@pytest.fixture
def promises(db_session, organisation, coordinator, young_person_account) -> Promises:
    jay = factories.young_person(
        db_session,
        organisation=organisation,
        chosen_name="Jay",
        account_id=young_person_account.id,
        coordinator_id=coordinator.id,
        legal_name=SECRETS["legal name"],
        placement_address=SECRETS["placement address"],
        school=SECRETS["school"],
    )
    factories.consent_to_contact(db_session, jay)
    nan_account = factories.account(db_session, role=Role.SUPPORTER, display_name="Maureen")
    nan = factories.supporter_with_account(
        db_session,
        jay,
        supporter=nan_account,
        name="Maureen (Nan)",
        relationship_label="grandmother",
        address=SECRETS["Nan's stored address"],
        staff_notes=SECRETS["Nan's staff notes"],
    )
    dev = factories.supporter_with_account(
        db_session,
        jay,
        name=SECRETS["another supporter's name"],
        email=SECRETS["another supporter's e-mail"],
        phone=SECRETS["another supporter's phone"],
        address=SECRETS["another supporter's address"],
        staff_notes=SECRETS["another supporter's staff notes"],
    )
    plan = factories.plan(db_session, jay, status=PlanStatus.ACTIVE)
    call = factories.commitment(
        db_session,
        plan,
        supporters=[nan],
        kind=CommitmentKind.CALL,
        description=CALL,
        schedule=ScheduleKind.EVERY_N_WEEKS,
        interval=2,
        starts_on=today() - timedelta(weeks=4),
        window_days_after=3,
    )
    factories.commitment(
        db_session,
        plan,
        supporters=[nan, dev],
        kind=CommitmentKind.BIRTHDAY_CARD,
        description="A card on Jay's birthday",
        schedule=ScheduleKind.YEARLY_BIRTHDAY,
    )
    factories.commitment(
        db_session,
        plan,
        supporters=[dev],
        kind=CommitmentKind.OUTING,
        description=SECRETS["a promise that is not Nan's"],
        schedule=ScheduleKind.EVERY_N_MONTHS,
        interval=1,
        starts_on=today() - timedelta(days=1),
    )
    occurrences.sync(db_session, plan, today())
    due_today = due_on(db_session, call, today())
    db_session.commit()
    return Promises(jay, nan, nan_account, plan, call, due_today)


@pytest.fixture
def nan_phone(app, promises) -> PageClient:
    return phone_of(app, promises.nan_account)


@pytest.fixture
def jay_phone(app, promises, young_person_account) -> PageClient:
    return phone_of(app, young_person_account)


def _csrf(client: PageClient) -> str:
    return client.csrf_token(client.get_page("supporters.home"))


def confirm_in_place(nan_phone: PageClient, occurrence: Occurrence, soup=None, **data):
    """Tap "I did it" (or another choice in ``data``) on the card, as htmx sends it."""
    soup = soup or nan_phone.get_page("supporters.home")
    data.setdefault("outcome", "done")
    return nan_phone.submit(soup, f"#{card(occurrence)} form", data, headers=htmx_for(occurrence))


# 1. What a supporter sees


def test_the_supporter_home_shows_the_chosen_name_and_what_they_promised_and_nothing_else(
    nan_phone, promises
):
    soup = nan_phone.get_page("supporters.home")
    place = soup.select_one(f"#place-{promises.nan.public_id}")
    assert text(place.select_one("h2")) == "Jay"
    birthday = date(today().year, 3, 14)
    birthday = birthday if birthday >= today() else birthday.replace(year=birthday.year + 1)
    assert [text(item) for item in place.select("h3 + ul.list li")] == [
        f"Phone or video call · {CALL} Next: {long_date(today())}",
        f"Birthday card · A card on Jay's birthday Next: {long_date(birthday)}",
    ]
    today_card = soup.select_one(f"#{card(promises.due_today)}")
    assert long_date(today()) in text(today_card.select_one(".occurrence-when"))
    assert [text(b) for b in today_card.select("button[name=outcome]")] == [
        "I did it",
        "I did it",
        "I couldn't this time",
        "We've moved it",
    ]
    page = nan_phone.get(nan_phone.url("supporters.home")).get_data(as_text=True)
    leaked = {what: words for what, words in SECRETS.items() if words in page}
    assert leaked == {}


def test_while_a_new_version_of_the_plan_waits_to_start_the_active_one_is_still_shown(
    db_session, nan_phone, promises
):
    factories.plan(db_session, promises.jay, version=2, status=PlanStatus.AGREED_BY_SOCIAL_WORKER)
    db_session.commit()
    soup = nan_phone.get_page("supporters.home")
    assert soup.select_one(f"#{card(promises.due_today)} button[name=outcome]") is not None
    assert CALL in text(soup.select_one(f"#place-{promises.nan.public_id}"))
    assert confirm_in_place(nan_phone, promises.due_today, soup).status_code == 200


# 2. "I did it"


def test_i_did_it_with_htmx_swaps_the_card_in_place(db_session, nan_phone, promises):
    occurrence = promises.due_today
    response = confirm_in_place(nan_phone, occurrence, note="  We talked for an hour about football  ")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert (
        body.lstrip().startswith(f'<div class="occurrence" id="{card(occurrence)}">') and "<html" not in body
    )
    fragment = soup_of(response)
    assert text(fragment.select_one("[role=status]")) == (
        f"✓ Done on {long_date(today())}. Thank you! “We talked for an hour about football”"
    )
    assert text(fragment.select_one("form button")) == "Undo"
    db_session.expire_all()
    [stored] = db_session.scalars(select(Confirmation))
    assert (stored.happened_on, stored.note, stored.by_account_id) == (
        today(),
        "We talked for an hour about football",
        promises.nan_account.id,
    )
    assert stored.occurrence.status is OccurrenceStatus.KEPT

    # Without htmx the page reloads and shows it in "What you've done".
    soup = nan_phone.get_page("supporters.home")
    assert soup.select_one(f"#{card(occurrence)}") is None  # no longer waiting for a tap
    assert f"✓ {long_date(today())}" in [text(li) for li in soup.select("ul.list li")]


def test_a_past_date_is_kept_a_future_one_refused_and_i_couldnt_this_time_is_heard(
    db_session, nan_phone, promises
):
    yesterday = today() - timedelta(days=1)
    response = nan_phone.submit(
        nan_phone.get_page("supporters.home"),
        f"#{card(promises.due_today)} form",
        {"outcome": "done", "happened_on": yesterday.isoformat()},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(
        f"/supporting/#{card(promises.due_today)}"
    )
    db_session.expire_all()
    assert db_session.scalar(select(Confirmation.happened_on)) == yesterday

    tomorrow = today() + timedelta(days=1)
    future = factories.occurrence(db_session, promises.call, due_on=tomorrow)  # open from a week before
    db_session.commit()
    soup = nan_phone.get_page("supporters.home")
    refused = confirm_in_place(nan_phone, future, soup, happened_on=tomorrow.isoformat())
    assert refused.status_code == 400
    assert text(soup_of(refused).select_one("[role=alert]")) == "The date can't be in the future."
    response = confirm_in_place(nan_phone, future, soup, outcome="could_not", note="I was in hospital")
    assert response.status_code == 200
    assert "You couldn't this time. Thank you for telling us." in text(soup_of(response))
    db_session.expire_all()
    assert db_session.get(Occurrence, future.id).status is OccurrenceStatus.COULD_NOT


def test_a_double_tap_with_the_same_key_applies_once_and_gets_the_same_answer(
    db_session, nan_phone, promises
):
    occurrence = promises.due_today
    soup = nan_phone.get_page("supporters.home")
    first = confirm_in_place(nan_phone, occurrence, soup, note="Lovely chat")
    second = confirm_in_place(nan_phone, occurrence, soup, note="Lovely chat")
    assert (first.status_code, second.status_code) == (200, 200)
    assert "Idempotent-Replay" not in first.headers and second.headers["Idempotent-Replay"] == "true"
    assert second.get_data(as_text=True) == first.get_data(as_text=True)
    assert count(db_session, Confirmation) == 1
    assert count(db_session, IdempotencyKey) == 1
    assert count(db_session, AuditEvent, AuditEvent.action == "confirmation.done") == 1

    # The same with a full page: the replay sends the browser to the same place.
    later = factories.occurrence(db_session, promises.call, due_on=today() + timedelta(days=2))
    db_session.commit()
    soup = nan_phone.get_page("supporters.home")
    form = f"#{card(later)} form"
    answers = [nan_phone.submit(soup, form, {"outcome": "done"}) for _ in range(2)]
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert answers[1].headers["Idempotent-Replay"] == "true"
    assert count(db_session, Confirmation) == 2


def test_a_new_key_on_an_occurrence_already_confirmed_is_refused_kindly(db_session, nan_phone, promises):
    occurrence = promises.due_today
    soup = nan_phone.get_page("supporters.home")  # drawn on two phones, before either tapped
    assert confirm_in_place(nan_phone, occurrence, soup).status_code == 200

    refused = confirm_in_place(nan_phone, occurrence, soup, idempotency_key="the-other-phone")
    assert refused.status_code == 400
    fragment = soup_of(refused)
    assert text(fragment.select_one("[role=alert]")) == NOT_NOW
    assert text(fragment.select_one("[role=status]")).startswith(f"✓ Done on {long_date(today())}.")
    plain = nan_phone.submit(
        soup, f"#{card(occurrence)} form", {"outcome": "done", "idempotency_key": "a-third-key"}
    )
    assert plain.status_code == 303
    page = nan_phone.get_page("supporters.home")
    assert NOT_NOW in [text(p) for p in page.select("#flash-messages p")]
    assert count(db_session, Confirmation) == 1
    assert count(db_session, AuditEvent, AuditEvent.action == "confirmation.done") == 1
    # An htmx refusal (400) is not stored under its key: nothing changed, and trying again is refused
    # again rather than replayed. The plain form's redirect is stored like any other answer.
    assert stored_key(db_session, promises.nan_account, "the-other-phone") is None
    assert stored_key(db_session, promises.nan_account, "a-third-key").response_status == 303
    again = confirm_in_place(nan_phone, occurrence, soup, idempotency_key="the-other-phone")
    assert again.status_code == 400 and "Idempotent-Replay" not in again.headers


def stored_key(session, account: Account, key: str) -> IdempotencyKey | None:
    """The key as the server stores it: hashed with the account, never as sent."""
    hashed = hashlib.sha256(f"{account.id}:{key}".encode()).hexdigest()
    session.expire_all()
    return session.scalar(select(IdempotencyKey).where(IdempotencyKey.key == hashed))


def test_an_occurrence_of_someone_elses_promise_is_not_found(db_session, nan_phone, promises):
    zoo = db_session.scalar(
        select(Occurrence)
        .join(Commitment)
        .where(Commitment.description == SECRETS["a promise that is not Nan's"])
        .order_by(Occurrence.due_on)
    )
    response = nan_phone.post(
        f"/supporting/occurrences/{zoo.public_id}/confirm",
        data={"csrf_token": _csrf(nan_phone), "outcome": "done"},
    )
    assert response.status_code == 404
    assert count(db_session, Confirmation) == 0


# 3. Two copies of one tap racing on two workers


@dataclass(frozen=True)
class Reply:
    status: int
    replayed: str | None
    cookie: str | None
    body: str


def _request(port: int, method: str, path: str, headers: dict, body: str | None = None, start=None) -> Reply:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        if start is not None:
            start.wait(timeout=30)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Reply(
            response.status,
            response.getheader("Idempotent-Replay"),
            response.getheader("Set-Cookie"),
            response.read().decode(),
        )
    finally:
        connection.close()


def _race(port: int, path: str, headers: dict, body: str) -> list[Reply]:
    """Two threads send the same request at the same instant, each on its own connection."""
    start = threading.Barrier(2)
    replies: list[Reply | None] = [None, None]

    def send(i: int) -> None:
        replies[i] = _request(port, "POST", path, headers, body, start)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return replies


def test_two_copies_of_a_tap_racing_on_two_workers_store_one_confirmation(app, db_session, promises):
    """The same tap (one idempotency key) sent twice at once, by two threads, to two gunicorn workers,
    for five occurrences: each is stored once and both copies get the same answer."""
    for n in range(4):
        factories.commitment(
            db_session,
            promises.plan,
            supporters=[promises.nan],
            kind=CommitmentKind.VISIT,
            description=f"Visit {n}",
            schedule=ScheduleKind.ONCE,
            starts_on=today(),
        )
    occurrences.sync(db_session, promises.plan, today())
    db_session.commit()
    visits = select(Occurrence.public_id).join(Commitment).where(Commitment.kind == CommitmentKind.VISIT)
    taps = [promises.due_today.public_id, *db_session.scalars(visits)]
    assert len(taps) == 5
    signed_in = app.test_client()  # a real server-side session, in a cookie signed as the server signs it
    sign_in(signed_in, promises.nan_account)
    cookie = f"session={signed_in.get_cookie('session').value}"

    with gunicorn(app.config["DATABASE_URL"], WEB_CONCURRENCY="2", SECRET_KEY=TEST_SECRET) as server:
        page = _request(server.port, "GET", "/supporting/", {"Cookie": cookie})
        assert page.status == 200 and page.cookie, page.body[:500]
        cookie = page.cookie.split(";", 1)[0]  # now holding the CSRF token's secret
        csrf = BeautifulSoup(page.body, "html.parser").select_one("meta[name=csrf-token]")["content"]
        replies = {
            public_id: _race(
                server.port,
                f"/supporting/occurrences/{public_id}/confirm",
                {
                    "Cookie": cookie,
                    "Content-Type": "application/x-www-form-urlencoded",
                    "HX-Request": "true",
                    "HX-Target": f"occurrence-{public_id}",
                },
                urlencode({"csrf_token": csrf, "idempotency_key": f"tap-{public_id}", "outcome": "done"}),
            )
            for public_id in taps
        }

    for public_id, (one, two) in replies.items():
        assert (one.status, two.status) == (200, 200), (one.body[:300], two.body[:300])
        assert sorted([one.replayed or "", two.replayed or ""]) == ["", "true"]  # one of them is a replay
        assert one.body == two.body and f'id="occurrence-{public_id}"' in one.body
        assert "✓ Done on" in one.body
    db_session.expire_all()
    stored = db_session.execute(
        select(Occurrence.public_id, func.count(Confirmation.id))
        .join(Confirmation)
        .group_by(Occurrence.public_id)
    ).all()
    assert dict(stored) == dict.fromkeys(taps, 1)
    assert count(db_session, IdempotencyKey) == len(taps)
    assert count(db_session, AuditEvent, AuditEvent.action == "confirmation.done") == len(taps)


# 4. Undo


def test_undo_within_the_window_opens_the_card_again_and_after_it_is_refused(db_session, nan_phone, promises):
    occurrence = promises.due_today
    done = confirm_in_place(nan_phone, occurrence, note="First try")
    undo_form = f"#{card(occurrence)} form"
    undone = nan_phone.submit(soup_of(done), undo_form, {}, headers=htmx_for(occurrence))
    assert undone.status_code == 200
    assert text(soup_of(undone).select_one("button[name=outcome]")) == "I did it"
    db_session.expire_all()
    [first] = db_session.scalars(select(Confirmation))
    assert first.undone_at is not None and first.occurrence.status is OccurrenceStatus.DUE

    again = confirm_in_place(nan_phone, occurrence, soup_of(undone), note="Second try")
    assert again.status_code == 200
    db_session.expire_all()
    second = db_session.scalar(select(Confirmation).where(Confirmation.undone_at.is_(None)))
    second.created_at = utcnow() - timedelta(minutes=6)  # the tap was six minutes ago
    db_session.commit()
    late = nan_phone.submit(soup_of(again), undo_form, {}, headers=htmx_for(occurrence))
    assert late.status_code == 400
    assert text(soup_of(late).select_one("[role=alert]")) == TOO_LATE
    assert soup_of(late).find("button", string="Undo") is None
    db_session.expire_all()
    assert db_session.get(Confirmation, second.id).undone_at is None
    assert db_session.get(Occurrence, occurrence.id).status is OccurrenceStatus.KEPT


def test_only_the_supporter_who_tapped_may_undo(app, db_session, nan_phone, promises):
    occurrence = promises.due_today
    done = confirm_in_place(nan_phone, occurrence)
    db_session.expire_all()
    rose = factories.supporter_with_account(db_session, promises.jay, name="Aunt Rose")
    promises.call.supporters.append(rose)  # Rose shares the promise, but did not say this
    db_session.commit()
    rose_phone = phone_of(app, db_session.get(Account, rose.account_id))
    rose_phone.get_page("supporters.home")
    undo = soup_of(done).select_one(f"#{card(occurrence)} form")
    response = rose_phone.post(
        undo["action"],
        data={"csrf_token": _csrf(rose_phone), "occurrence": occurrence.public_id},
        headers=htmx_for(occurrence),
    )
    assert response.status_code == 400
    assert text(soup_of(response).select_one("[role=alert]")) == TOO_LATE
    assert count(db_session, Confirmation, Confirmation.undone_at.is_(None)) == 1


# 5. The young person stops


def test_when_the_young_person_stops_the_supporter_finds_nothing(db_session, nan_phone, jay_phone, promises):
    occurrence = promises.due_today
    later = factories.occurrence(db_session, promises.call, due_on=today() + timedelta(days=1))
    db_session.commit()
    before = nan_phone.get_page("supporters.home")
    assert before.select_one(f"#{card(later)} form") is not None
    done = confirm_in_place(nan_phone, occurrence, before)

    stop = jay_phone.get_page("youth.stop_confirm")
    assert jay_phone.submit(stop, "form[action='/me/choices/stop']", {}).status_code == 303

    for url, data in (
        (f"/supporting/occurrences/{occurrence.public_id}/confirm", {"outcome": "done"}),
        (f"/supporting/occurrences/{later.public_id}/confirm", {"outcome": "done"}),
        (
            soup_of(done).select_one(f"#{card(occurrence)} form")["action"],
            {"occurrence": occurrence.public_id},
        ),
    ):
        response = nan_phone.post(
            url, data={"csrf_token": _csrf(nan_phone), **data}, headers=htmx_for(occurrence)
        )
        assert response.status_code == 404, url
    soup = nan_phone.get_page("supporters.home")
    place = soup.select_one(f"#place-{promises.nan.public_id}")
    assert text(place) == "Jay There's nothing to show here right now."
    assert count(db_session, Confirmation, Confirmation.undone_at.is_(None)) == 1


# 6. The young person answers


def test_the_young_person_answers_and_a_no_is_seen_by_staff_only(
    app, db_session, coordinator, nan_phone, jay_phone, promises
):
    confirm_in_place(nan_phone, promises.due_today, note="We talked about football")
    fortnight_ago = due_on(db_session, promises.call, today() - timedelta(weeks=2))
    confirm_in_place(nan_phone, fortnight_ago, happened_on=fortnight_ago.due_on.isoformat())

    soup = jay_phone.get_page("youth.plan")
    news = soup.select_one("section[aria-labelledby=news-title]")
    assert [text(item.select_one("p")) for item in news.select("li")] == [
        f"Maureen says: done on {long_date(fortnight_ago.due_on)}. {SENTENCE}",
        f"Maureen says: done on {long_date(today())}. {SENTENCE} “We talked about football”",
    ]
    db_session.expire_all()
    on = {c.occurrence_id: c for c in db_session.scalars(select(Confirmation))}
    kept, disputed = on[fortnight_ago.id], on[promises.due_today.id]
    form_of = {c.id: f"form[action='/me/confirmations/{c.public_id}/answer']" for c in (kept, disputed)}

    yes = jay_phone.submit(soup, form_of[kept.id], {"happened": "yes"})
    assert yes.status_code == 303 and yes.headers["Location"].endswith("/me/plan")
    again = jay_phone.submit(soup, form_of[kept.id], {"happened": "yes"})  # a double tap
    assert again.status_code == 303 and again.headers["Idempotent-Replay"] == "true"
    no = jay_phone.submit(soup, form_of[disputed.id], {"happened": "no"})
    assert no.status_code == 303
    db_session.expire_all()
    assert db_session.get(Confirmation, kept.id).acknowledgement is Acknowledgement.HAPPENED
    assert db_session.get(Confirmation, disputed.id).acknowledgement is Acknowledgement.DID_NOT_HAPPEN
    assert count(db_session, AuditEvent, AuditEvent.action == "confirmation.acknowledged") == 2
    assert jay_phone.get_page("youth.plan").select_one("section[aria-labelledby=news-title]") is None

    # Nan is never told: her page still thanks her for both.
    page = nan_phone.get(nan_phone.url("supporters.home")).get_data(as_text=True)
    done = [text(li) for li in BeautifulSoup(page, "html.parser").select("ul.list li") if "✓" in text(li)]
    assert done == [f"✓ {long_date(today())}", f"✓ {long_date(fortnight_ago.due_on)}"]
    assert "didn" not in page.lower() and "disput" not in page.lower()
    assert "disput" not in jay_phone.get(jay_phone.url("youth.plan")).get_data(as_text=True).lower()

    # The coordinator sees it, gently, as disputed, with a name to follow up with.
    staff = phone_of(app, coordinator)
    health = staff.get_page("staff.young_person_health", public_id=promises.jay.public_id)
    row = next(r for r in health.select("#health-commitments tbody tr") if "every 2 weeks" in text(r.th))
    headings = [text(th) for th in health.select("#health-commitments thead th")]
    counts = dict(zip(headings[1:], [text(td) for td in row.select("td")], strict=True))
    assert (counts["Kept"], counts["Disputed"]) == ("1", "1")
    follow_up = [text(li) for li in health.select("#follow-up li")]
    told = f"Phone or video call , due {long_date(today())} Jay said it didn't happen"
    assert f"{told} Get in touch with Maureen (Nan)" in follow_up


def test_another_young_persons_news_is_not_found_and_an_empty_answer_is_refused(
    app, db_session, organisation, nan_phone, jay_phone, promises
):
    confirm_in_place(nan_phone, promises.due_today)
    db_session.expire_all()
    confirmation = db_session.scalar(select(Confirmation))
    assert (
        jay_phone.post(
            f"/me/confirmations/{confirmation.public_id}/answer",
            data={"csrf_token": jay_phone.csrf_token(jay_phone.get_page("youth.plan")), "happened": "maybe"},
        ).status_code
        == 400
    )
    kayla_account = factories.account(db_session, role=Role.YOUNG_PERSON, organisation=organisation)
    factories.young_person(
        db_session, organisation=organisation, chosen_name="Kayla", account_id=kayla_account.id
    )
    db_session.commit()
    kayla_phone = phone_of(app, kayla_account)
    response = kayla_phone.post(
        f"/me/confirmations/{confirmation.public_id}/answer",
        data={"csrf_token": kayla_phone.csrf_token(kayla_phone.get_page("youth.plan")), "happened": "no"},
    )
    assert response.status_code == 404
    db_session.expire_all()
    assert db_session.get(Confirmation, confirmation.id).acknowledgement is None


# 7. Page budget


def test_the_supporter_home_stays_within_10_queries_for_two_young_people_with_ten_promises_each(
    app, db_session, organisation, promises
):
    nan_account = promises.nan_account
    kayla = factories.young_person(db_session, organisation=organisation, chosen_name="Kayla")
    factories.consent_to_contact(db_session, kayla)
    nan_for_kayla = factories.supporter_with_account(db_session, kayla, supporter=nan_account, name="Nan")
    kinds = list(CommitmentKind)
    for young_person, member, plan in (
        (promises.jay, promises.nan, promises.plan),
        (kayla, nan_for_kayla, factories.plan(db_session, kayla, status=PlanStatus.ACTIVE)),
    ):
        existing = sum(member in c.supporters for c in plan.commitments)
        for n in range(10 - existing):
            factories.commitment(
                db_session,
                plan,
                supporters=[member],
                kind=kinds[n % len(kinds)],
                description=f"Promise {n} to {young_person.chosen_name}",
                schedule=ScheduleKind.EVERY_N_WEEKS,
                interval=1 + n % 3,
                starts_on=today() - timedelta(days=5 * 365 + n),
            )
        db_session.flush()
        db_session.refresh(plan)
        occurrences.sync(db_session, plan, today())
        # Five years of history, every one confirmed (for the budget, not a year's worth more queries).
        for commitment in plan.commitments:
            if member not in commitment.supporters or not commitment.description.startswith("Promise"):
                continue
            step = 7 * commitment.interval
            until = (today() - timedelta(days=32) - commitment.starts_on).days
            db_session.add_all(
                Occurrence(
                    commitment=commitment,
                    due_on=day,
                    window_starts_on=day,
                    window_ends_on=day,
                    status=OccurrenceStatus.KEPT,
                    confirmations=[Confirmation(by_account=nan_account, outcome=DONE, happened_on=day)],
                )
                for day in (commitment.starts_on + timedelta(days=n) for n in range(0, until, step))
            )
    db_session.commit()
    assert count(db_session, Confirmation) > 1000

    nan_phone = phone_of(app, nan_account)
    nan_phone.get(nan_phone.url("supporters.home"))  # warm: first-request work is not what we measure
    with count_queries(app.extensions["db"]) as counted:
        response = nan_phone.get(nan_phone.url("supporters.home"))
    assert response.status_code == 200
    assert counted.count <= 10, f"{counted.count} queries\n" + "\n".join(counted.statements)
    soup = soup_of(response)
    places = soup.select("section[id^=place-]")
    assert [text(p.select_one("h2")) for p in places] == ["Jay", "Kayla"]
    assert [len(p.select("h3 + ul.list")[0].select("li")) for p in places] == [10, 10]
    assert all(p.select(".occurrence form") for p in places)
