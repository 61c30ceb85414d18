"""Plan health and the review report over HTTP, and the young person's own words for their next review.

Staff who review plans (coordinators, social workers, IROs, managers) read how the promises are going;
the young person never sees it. Pages stay within 10 SQL queries with a dozen young people.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from babel.dates import format_date
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.domain import schedules
from app.models import (
    Acknowledgement,
    AuditEvent,
    CommitmentKind,
    MemberKind,
    OccurrenceStatus,
    PlanStatus,
    Review,
    ReviewKind,
    Role,
    ScheduleKind,
    utcnow,
)
from app.youth.review_words import WORDS_LENGTH
from tests import factories
from tests.helpers import count_queries, phone_of, text

READERS = [Role.COORDINATOR, Role.SOCIAL_WORKER, Role.IRO, Role.MANAGER]


def today() -> date:
    return schedules.today_in("Europe/London", utcnow())


def ago(days: int) -> date:
    return today() - timedelta(days=days)


def long_date(day: date) -> str:
    return format_date(day, "long", locale="en_GB")


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.data, "html.parser")


def cells(row) -> list[str]:
    return [text(cell) for cell in row.select("th, td")]


@pytest.fixture
def jay(db_session, organisation, coordinator, young_person_account):
    person = factories.taking_part(db_session, organisation, young_person_account, coordinator)
    db_session.commit()
    return person


def active_plan(db_session, young_person, agreed_days_ago=300):
    return factories.plan(
        db_session,
        young_person,
        status=PlanStatus.ACTIVE,
        conference_on=ago(agreed_days_ago + 5),
        agreed_on=ago(agreed_days_ago),
    )


def monthly_call(db_session, plan, member):
    return factories.commitment(
        db_session,
        plan,
        supporters=[member],
        kind=CommitmentKind.CALL,
        schedule=ScheduleKind.EVERY_N_MONTHS,
        interval=1,
        starts_on=ago(400),
    )


@pytest.fixture
def story(db_session, jay, supporter_account):
    """Jay's monthly call with Nan: kept, disputed, missed, lapsed (window closed, not marked yet), and a
    miss from before the last three months."""
    nan = factories.agreed_supporter(db_session, jay, name="Nan", account_id=supporter_account.id)
    plan = active_plan(db_session, jay)
    call = monthly_call(db_session, plan, nan)
    factories.occurrence(db_session, call, due_on=ago(200), status=OccurrenceStatus.MISSED)
    factories.confirmed_occurrence(db_session, call, ago(60), by=supporter_account)
    factories.confirmed_occurrence(
        db_session, call, ago(40), by=supporter_account, answer=Acknowledgement.DID_NOT_HAPPEN
    )
    factories.occurrence(db_session, call, due_on=ago(20), status=OccurrenceStatus.MISSED)
    factories.occurrence(db_session, call, due_on=ago(10), window_ends_on=ago(8))
    db_session.commit()
    return {"nan": nan, "plan": plan, "call": call}


# 1. Plan health for one young person


def test_the_coordinator_reads_kept_missed_and_disputed_and_what_to_follow_up(app, coordinator, jay, story):
    staff = phone_of(app, coordinator)
    soup = staff.get_page("staff.young_person_health", public_id=jay.public_id)
    assert text(soup.h1) == "How the plan is going for Jay"
    three_months = schedules_months_before(today())
    assert text(soup.select_one(".lead")) == f"From {long_date(three_months)} to {long_date(today())}."
    [row] = soup.select("#health-commitments tbody tr")
    assert cells(row) == ["Nan will call or video-call you every month.", "4", "1", "2", "1"]
    assert cells(soup.select_one("#health-commitments tfoot tr")) == ["All commitments", "4", "1", "2", "1"]
    items = [text(item) for item in soup.select("#follow-up li")]
    assert items == [
        f"Phone or video call , due {long_date(ago(10))} not confirmed Get in touch with Nan",
        f"Phone or video call , due {long_date(ago(20))} not confirmed Get in touch with Nan",
        f"Phone or video call , due {long_date(ago(40))} Jay said it didn't happen Get in touch with Nan",
    ]
    link = soup.select_one("#follow-up a")
    assert link["href"] == f"/staff/people/{story['nan'].public_id}"
    current = soup.select_one(".period-choice [aria-current=page]")
    assert text(current) == "The last 3 months"

    soup = staff.get_page("staff.young_person_health", public_id=jay.public_id, period="review")
    assert text(soup.select_one(".lead")) == f"From {long_date(ago(300))} to {long_date(today())}."
    assert "No review has been held yet" in text(soup.select_one("main"))
    assert cells(soup.select_one("#health-commitments tbody tr"))[1:] == ["5", "1", "3", "1"]
    assert text(soup.select_one(".period-choice [aria-current=page]")) == "Since the last review"


def schedules_months_before(day: date) -> date:
    from app.domain.plan_health import months_before

    return months_before(day, 3)


def test_a_young_person_with_no_active_plan_has_nothing_to_count(app, db_session, coordinator, jay):
    factories.plan(db_session, jay)  # a draft
    db_session.commit()
    soup = phone_of(app, coordinator).get_page("staff.young_person_health", public_id=jay.public_id)
    assert "There is no active plan yet." in text(soup.select_one("main"))
    assert soup.select("#health-commitments") == []


def test_links_to_plan_health_from_the_young_persons_page_and_staff_home(app, coordinator, admin, jay):
    staff = phone_of(app, coordinator)
    soup = staff.get_page("staff.young_person", public_id=jay.public_id)
    assert soup.select_one(f"a[href='/staff/young-people/{jay.public_id}/health']") is not None
    soup = staff.get_page("staff.home")
    assert soup.select_one("a[href='/staff/health']") is not None
    # The admin runs the service's accounts, not its cases: no link to a page they cannot open.
    soup = phone_of(app, admin).get_page("staff.home")
    assert soup.select_one("a[href='/staff/health']") is None


# 2. Who may read it


@pytest.fixture
def review(db_session, jay):
    found = factories.review(db_session, jay, due_on=today() + timedelta(days=30))
    db_session.commit()
    return found


def pages(jay, review) -> list[str]:
    return [
        f"/staff/young-people/{jay.public_id}/health",
        "/staff/health",
        f"/staff/reviews/{review.public_id}/report",
    ]


@pytest.mark.parametrize("role", READERS)
def test_coordinators_social_workers_iros_and_managers_read_plan_health(
    app, db_session, organisation, jay, story, review, role
):
    reader = factories.account(db_session, role=role, organisation=organisation)
    db_session.commit()
    client = phone_of(app, reader)
    assert [client.get(url).status_code for url in pages(jay, review)] == [200, 200, 200]


def test_others_are_refused_and_other_councils_find_nothing(
    app, db_session, admin, jay, story, review, supporter_account, young_person_account, other_organisation
):
    for account in (admin, supporter_account, young_person_account):
        client = phone_of(app, account)
        assert [client.get(url).status_code for url in pages(jay, review)] == [403, 403, 403], account.role
    outsider = factories.account(db_session, role=Role.COORDINATOR, organisation=other_organisation)
    db_session.commit()
    client = phone_of(app, outsider)
    assert [client.get(url).status_code for url in pages(jay, review)] == [404, 200, 404]
    assert "Jay" not in client.get("/staff/health").get_data(as_text=True)
    assert {app.test_client().get(url).status_code for url in pages(jay, review)} == {303}


# 3. The whole service


def test_the_service_lists_each_active_plan_most_missed_first_within_10_queries(
    app, db_session, organisation, coordinator, jay, story
):
    for n in range(12):
        person = factories.young_person(
            db_session, organisation=organisation, chosen_name=f"Young {n:02d}", coordinator_id=coordinator.id
        )
        member = factories.agreed_supporter(db_session, person, name=f"Supporter {n}")
        call = monthly_call(db_session, active_plan(db_session, person), member)
        for k in range(n % 5):
            factories.occurrence(db_session, call, due_on=ago(10 + 7 * k), status=OccurrenceStatus.MISSED)
        factories.confirmed_occurrence(db_session, call, ago(5))
    factories.young_person(db_session, organisation=organisation, chosen_name="No plan yet")
    db_session.commit()
    staff = phone_of(app, coordinator)
    staff.get("/staff/health")  # warm: first-request work is not what we measure
    with count_queries(app.extensions["db"]) as counted:
        response = staff.get("/staff/health")
    assert response.status_code == 200
    assert counted.count <= 10, "\n".join(counted.statements)
    rows = [cells(row) for row in soup_of(response).select("#health-young-people tbody tr")]
    assert len(rows) == 13
    # Missed 4, 4, 3, 3, then Jay's 2 (with a dispute) before the others who missed 2.
    assert [row[0] for row in rows[:6]] == ["Young 04", "Young 09", "Young 03", "Young 08", "Jay", "Young 02"]
    assert rows[4] == ["Jay", coordinator.display_name, "4", "1", "2", "1"]
    assert [int(row[4]) for row in rows] == sorted((int(row[4]) for row in rows), reverse=True)
    link = soup_of(response).select_one("#health-young-people a")
    assert link["href"].endswith("/health?period=3m")


def test_the_young_persons_health_page_stays_within_10_queries(app, db_session, coordinator, jay, story):
    plan = story["plan"]
    for n in range(30):
        member = factories.agreed_supporter(db_session, jay, name=f"Supporter {n}")
        call = monthly_call(db_session, plan, member)
        for k in range(4):
            status = [OccurrenceStatus.KEPT, OccurrenceStatus.MISSED][k % 2]
            factories.occurrence(db_session, call, due_on=ago(5 + 20 * k), status=status)
    db_session.commit()
    staff = phone_of(app, coordinator)
    url = f"/staff/young-people/{jay.public_id}/health"
    for period, follow_up in (("3m", 30 * 2 + 3), ("review", 30 * 2 + 4)):
        staff.get(url, query_string={"period": period})
        with count_queries(app.extensions["db"]) as counted:
            response = staff.get(url, query_string={"period": period})
        assert response.status_code == 200
        assert counted.count <= 10, "\n".join(counted.statements)
        assert len(soup_of(response).select("#health-commitments tbody tr")) == 31
        assert len(soup_of(response).select("#follow-up li")) == follow_up


# 4. The review report


def test_the_review_report_has_every_part_and_prints_on_a4(app, db_session, coordinator, jay, story, review):
    factories.review(db_session, jay, due_on=ago(50), held_on=ago(45), kind=ReviewKind.LOOKED_AFTER_REVIEW)
    factories.snapshot(db_session, jay, people=1, taking_part=0, taken_on=ago(400))
    factories.network_member(db_session, jay, name="Rose")
    factories.network_member(db_session, jay, name="Biscuit", kind=MemberKind.PET)
    factories.objective(db_session, jay, text="see my sister at Christmas")
    factories.objective(db_session, jay, text="find Dad's side", done_at=utcnow())
    db_session.get(Review, review.id).young_person_words = "I like the calls.\nI want more visits."
    db_session.commit()
    staff = phone_of(app, coordinator)

    soup = staff.get_page("staff.review", public_id=review.public_id)
    assert soup.select_one(f"a[href='/staff/reviews/{review.public_id}/report']") is not None

    staff.get(f"/staff/reviews/{review.public_id}/report")
    with count_queries(app.extensions["db"]) as counted:
        soup = staff.get_page("staff.review_report", public_id=review.public_id)
    assert counted.count <= 10, "\n".join(counted.statements)
    assert text(soup.h1) == "Review report for Jay"
    assert text(soup.select_one("#report-period")) == f"From {long_date(ago(45))} to {long_date(today())}."
    facts = text(soup.select_one("#report-facts"))
    assert "Conference review" in facts and f"Version 1, agreed on {long_date(ago(300))}" in facts
    assert " ".join(text(soup.select_one("#report-summary")).split()) == (
        "In this period the promises were due 3 times. 0 were kept. 2 were not confirmed in time. "
        "Jay said 1 didn't happen."
    )
    [row] = soup.select("#report-commitments tbody tr")
    assert cells(row) == ["Nan will call or video-call you every month.", "3", "0", "2", "1"]
    network = [cells(row) for row in soup.select("#report-network tbody tr")]
    assert network == [[f"At referral, {long_date(ago(400))}", "1", "0"], ["Now", "2", "1"]]
    assert [text(li) for li in soup.select("#report-objectives li")] == [
        "see my sister at Christmas",
        "find Dad's side done",
    ]
    assert soup.select_one("#report-words").get_text() == "I like the calls.\nI want more visits."
    # Navigation is on screen only; the stylesheet prints on A4 without it.
    assert soup.select_one(".report .no-print a")["href"] == f"/staff/reviews/{review.public_id}"
    css = app.test_client().get("/static/css/app.css").get_data(as_text=True)
    printed = css.split("/* Review report (print) */", 1)[1]
    assert "@page { size: A4;" in printed
    assert ".account-bar" in printed and ".no-print" in printed and "display: none" in printed


def test_a_report_with_no_words_no_plan_and_no_referral_count_says_so(app, coordinator, jay, review):
    soup = phone_of(app, coordinator).get_page("staff.review_report", public_id=review.public_id)
    main = text(soup.select_one("main"))
    assert "There is no active plan to review yet." in main
    assert "not counted" in text(soup.select_one("#report-network"))
    assert "Jay has not added their own words for this review." in main
    assert "Jay has not written anything here yet." in main


# 5. What I want to say at my review


def test_the_young_person_adds_changes_and_clears_their_words_for_the_next_review(
    app, db_session, jay, young_person_account, coordinator
):
    me = phone_of(app, young_person_account)
    soup = me.get_page("youth.home")
    assert soup.select_one("a[href='/me/review-words']") is not None
    soup = me.get_page("youth.review_words")
    assert "There is no review on the calendar yet." in text(soup.select_one("main"))
    assert soup.select("form[action='/me/review-words']") == []
    token = soup.select_one("meta[name=csrf-token]")["content"]
    response = me.post("/me/review-words", data={"words": "hello", "csrf_token": token})
    assert response.status_code == 200  # nothing to save it to

    held = factories.review(db_session, jay, due_on=ago(30), held_on=ago(30))
    later = factories.review(db_session, jay, due_on=today() + timedelta(days=90))
    sooner = factories.review(db_session, jay, due_on=today() + timedelta(days=20))
    db_session.commit()
    soup = me.get_page("youth.review_words")
    assert long_date(sooner.due_on) in text(soup.select_one(".lead"))
    form = "form[action='/me/review-words']"
    response = me.submit(soup, form, {"words": "  I want to see Nan more.  "})
    assert response.status_code == 303
    soup = me.get_page("youth.review_words")
    assert "Saved. Your words will be read at your review." in text(soup.select_one("#flash-messages"))
    assert soup.select_one("textarea#words").get_text().strip() == "I want to see Nan more."
    db_session.expire_all()
    assert db_session.get(Review, sooner.id).young_person_words == "I want to see Nan more."
    assert db_session.get(Review, later.id).young_person_words is None
    assert db_session.get(Review, held.id).young_person_words is None
    audit = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "review.words_saved")).one()
    assert (audit.object_public_id, audit.detail) == (sooner.public_id, {"cleared": False})
    assert "Nan" not in str(audit.detail)

    report = phone_of(app, coordinator).get_page("staff.review_report", public_id=sooner.public_id)
    assert text(report.select_one("#report-words")) == "I want to see Nan more."

    response = me.submit(soup, form, {"words": "x" * (WORDS_LENGTH + 1)})
    assert response.status_code == 400
    assert text(soup_of(response).select_one("#error-summary li")) == "Please keep it under 2000 characters"
    response = me.submit(soup, form, {"words": "   "})
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Review, sooner.id).young_person_words is None


def test_staff_and_supporters_cannot_open_the_young_persons_review_words(app, coordinator, supporter_account):
    for account in (coordinator, supporter_account):
        assert phone_of(app, account).get("/me/review-words").status_code == 403
