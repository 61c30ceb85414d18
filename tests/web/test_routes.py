"""The access matrix: every route × every kind of visitor → the status they get.

A new route with no row here fails ``test_every_route_has_a_row``. Objects belong to organisation A
(young person A, supporter of A, a new referral to A); "other" is a coordinator of organisation B.
Organisation A's policy is the Barking and Dagenham example, which takes self-referrals.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from PIL import Image

from app.demo_referrals import example_policy
from app.domain import photos
from app.models import (
    AuthorRole,
    CommitmentKind,
    ConsentKind,
    EntryStatus,
    FamilyLink,
    JourneyPhoto,
    LinkDetail,
    LinkKind,
    Place,
    PlanStatus,
    Review,
    ReviewKind,
    Role,
    ScheduleKind,
    utcnow,
)
from tests import factories
from tests.conftest import sign_in
from tests.helpers import count_queries

VISITORS = ["anonymous", "young_person", "supporter", "coordinator", "admin", "other_coordinator"]
MAX_QUERIES_PER_PAGE = 10
# "Download everything" reads every kind of data once (about one query per table), not per row.
QUERY_BUDGETS = {"youth.download_zip": 40}


@dataclass
class World:
    young_person: object
    member: object
    accounts: dict
    referral: object
    organisation: object
    plan: object = None
    commitment: object = None
    objective: object = None
    place: object = None
    review: object = None
    link: object = None
    occurrence: object = None  # due today, promised by the supporter (to young person A's sister)
    confirmation: object = None  # the supporter's "I did it" on the sister's plan, a minute ago
    news: object = None  # an "I did it" for young person A to answer
    entry: object = None  # a page of young person A's journey book, with a photo, shared with nobody
    photo: object = None
    sisters_member: object = None  # the supporter's place in the sister's network
    shared_entry: object = None  # a page of the sister's book shared with the supporter
    memory: object = None  # the supporter's memory for the sister, which she asked them to change


@pytest.fixture
def world(app, db_session, organisation, other_organisation) -> World:
    organisation.policy_name = "barking-and-dagenham"
    organisation.policy = example_policy("barking-and-dagenham")
    person_account = factories.account(db_session, role=Role.YOUNG_PERSON, organisation=organisation)
    # 16 whatever today is: a child in care (who cannot close their account) in every year the suite runs.
    young_person = factories.young_person(
        db_session,
        organisation=organisation,
        account_id=person_account.id,
        date_of_birth=date.today() - timedelta(days=16 * 365 + 30),
    )
    supporter = factories.account(db_session, role=Role.SUPPORTER)
    member = factories.network_member(db_session, young_person, account_id=supporter.id)
    accounts = {
        "young_person": person_account,
        "supporter": supporter,
        "coordinator": factories.account(db_session, role=Role.COORDINATOR, organisation=organisation),
        "admin": factories.account(db_session, role=Role.ADMIN, organisation=organisation),
        "other_coordinator": factories.account(
            db_session, role=Role.COORDINATOR, organisation=other_organisation
        ),
    }
    referred = factories.young_person(db_session, organisation=organisation, chosen_name="Mo")
    referral = factories.referral(db_session, referred)  # needs a conversation: every form is shown
    plan = factories.plan(db_session, young_person)  # a draft: every builder form is shown
    commitment = factories.commitment(db_session, plan, supporters=[member])
    place = Place(young_person_id=young_person.id, name="Nan's flat", people=[member])
    review = Review(young_person=young_person, kind=ReviewKind.CONFERENCE_REVIEW, due_on=date(2026, 2, 2))
    link = FamilyLink(
        young_person_id=young_person.id, kind=LinkKind.PARENT, detail=LinkDetail.BIRTH, from_member=member
    )
    db_session.add_all([place, review, link])
    objective = factories.objective(db_session, young_person)
    young_person.coordinator_id = accounts["coordinator"].id
    occurrence, confirmation, sister, sisters_member = _sisters_plan(db_session, organisation, supporter)
    # News for A to answer, on a commitment of its own (removing the one above stays a plain removal).
    letters = factories.commitment(db_session, plan, kind=CommitmentKind.LETTER, description="Letters")
    news = factories.confirmation(db_session, factories.occurrence(db_session, letters, due_on=date.today()))
    books = _books(app, db_session, young_person, sister, sisters_member)
    db_session.commit()
    return World(
        young_person=young_person,
        member=member,
        accounts=accounts,
        referral=referral,
        organisation=organisation,
        plan=plan,
        commitment=commitment,
        objective=objective,
        place=place,
        review=review,
        link=link,
        occurrence=occurrence,
        confirmation=confirmation,
        news=news,
        sisters_member=sisters_member,
        **books,
    )


def _sisters_plan(db_session, organisation, supporter):
    """Young person A's sister takes part, and the same supporter promised her a call: her active plan
    has one due today and one the supporter has just said they did."""
    sister = factories.young_person(db_session, organisation=organisation, chosen_name="Kayla")
    factories.consent_to_contact(db_session, sister)
    member = factories.supporter_with_account(db_session, sister, supporter=supporter)
    plan = factories.plan(db_session, sister, status=PlanStatus.ACTIVE)
    calls = factories.commitment(
        db_session, plan, supporters=[member], schedule=ScheduleKind.ONCE, starts_on=date.today()
    )
    yesterday = factories.occurrence(db_session, calls, due_on=date.today() - timedelta(days=1))
    confirmation = factories.confirmation(db_session, yesterday, by=supporter, created_at=utcnow())
    return factories.occurrence(db_session, calls, due_on=date.today()), confirmation, sister, member


def _books(app, db_session, young_person, sister, sisters_member) -> dict:
    """A's own page with a real photo file; a page of the sister's book shared with the supporter, and a
    memory the supporter sent her that she would like changed."""
    stored = photos.clean_and_store(tiny_jpeg(), photos.photo_dir(app.config))
    entry = factories.journey_entry(db_session, young_person)
    photo = JourneyPhoto(entry_id=entry.id, storage_name=stored.storage_name, width=8, height=8, size_bytes=1)
    shared = factories.journey_entry(db_session, sister, title="Shared with Nan")
    memory = factories.journey_entry(
        db_session,
        sister,
        title="A memory",
        author_account_id=sisters_member.account_id,
        author_role=AuthorRole.SUPPORTER,
        status=EntryStatus.CHANGE_ASKED,
    )
    db_session.add(photo)
    db_session.flush()
    factories.consent_event(
        db_session,
        sister,
        kind=ConsentKind.SHARING,
        scope=f"entry:{shared.public_id}:member:{sisters_member.public_id}",
    )
    return {"entry": entry, "photo": photo, "shared_entry": shared, "memory": memory}


def tiny_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 90)).save(out, "JPEG")
    return out.getvalue()


def everyone(status):
    return dict.fromkeys(VISITORS, status)


def signed_in(status, anonymous=303):
    return {**everyone(status), "anonymous": anonymous}


def only(allowed: set[str], status=200, refused=403):
    return {v: (303 if v == "anonymous" else status if v in allowed else refused) for v in VISITORS}


STAFF = {"coordinator", "admin", "other_coordinator"}
# A referral of organisation A: its coordinator decides and triages; the admin may only read it.


def own_staff(coordinator: int, admin: int, other: int = 404) -> dict:
    """A page about organisation A's young person: A's coordinator and admin, B's coordinator, others."""
    return {
        **only({"coordinator", "admin"}),
        "coordinator": coordinator,
        "admin": admin,
        "other_coordinator": other,
    }


REFERRAL_FORM = {**only({"coordinator"}, status=400), "other_coordinator": 404}  # an empty form

# endpoint -> (method, url builder, expected status per visitor)
ROUTES = {
    "public.start": ("GET", lambda w: "/", everyone(200)),
    "public.for_supporters": ("GET", lambda w: "/for-supporters", everyone(200)),
    "public.for_staff": ("GET", lambda w: "/for-staff", everyone(200)),
    "public.offline": ("GET", lambda w: "/offline", everyone(200)),
    "public.manifest": ("GET", lambda w: "/manifest.webmanifest", everyone(200)),
    "public.service_worker": ("GET", lambda w: "/sw.js", everyone(200)),
    "public.choose_language": ("GET", lambda w: "/language", everyone(405)),
    "static": ("GET", lambda w: "/static/css/app.css", everyone(200)),
    "auth.sign_in_page": ("GET", lambda w: "/sign-in", {**everyone(302), "anonymous": 200}),
    "auth.sign_in_options": ("GET", lambda w: "/sign-in/options", everyone(405)),
    "auth.sign_in_finish": ("GET", lambda w: "/sign-in/finish", everyone(405)),
    "auth.sign_out_here": ("GET", lambda w: "/sign-out", everyone(405)),
    "auth.sign_out_everywhere": ("GET", lambda w: "/sign-out/everywhere", everyone(405)),
    "auth.signed_out": ("GET", lambda w: "/signed-out", everyone(200)),
    "auth.invitation": ("GET", lambda w: "/invitation/not-a-real-token", everyone(410)),
    "auth.invitation_options": ("GET", lambda w: "/invitation/x/options", everyone(405)),
    "auth.invitation_finish": ("GET", lambda w: "/invitation/x/finish", everyone(405)),
    "auth.invitation_code": ("GET", lambda w: "/invitation/x/code", everyone(405)),
    "auth.passkeys": ("GET", lambda w: "/account/passkeys", signed_in(200)),
    "auth.rename_passkey": ("GET", lambda w: "/account/passkeys/x/rename", everyone(405)),
    "auth.remove_passkey": ("GET", lambda w: "/account/passkeys/x/remove", everyone(405)),
    "auth.add_passkey_options": ("GET", lambda w: "/account/passkeys/options", everyone(405)),
    "auth.add_passkey_finish": ("GET", lambda w: "/account/passkeys/finish", everyone(405)),
    "auth.confirm": ("GET", lambda w: "/account/confirm", signed_in(200)),
    "auth.confirm_options": ("GET", lambda w: "/account/confirm/options", everyone(405)),
    "auth.confirm_finish": ("GET", lambda w: "/account/confirm/finish", everyone(405)),
    "auth.email_link": ("GET", lambda w: "/sign-in/email", everyone(200)),
    "auth.email_link_send": ("PUT", lambda w: "/sign-in/email", everyone(405)),
    "auth.email_link_sent": ("GET", lambda w: "/sign-in/email/sent", everyone(200)),
    "auth.link_landing": ("GET", lambda w: "/sign-in/link/not-a-token", everyone(200)),
    "auth.link_sign_in": ("GET", lambda w: "/sign-in/link", everyone(405)),
    "youth.home": ("GET", lambda w: "/me/", only({"young_person"})),
    "youth.choices": ("GET", lambda w: "/me/choices", only({"young_person"})),
    "youth.agree": ("POST", lambda w: "/me/choices/agree", only({"young_person"}, status=303)),
    "youth.stop_confirm": ("GET", lambda w: "/me/choices/stop", only({"young_person"})),
    "youth.stop": ("POST", lambda w: "/me/choices/stop", only({"young_person"}, status=303)),
    "youth.confirm_as_adult": ("POST", lambda w: "/me/choices/adult", only({"young_person"}, status=303)),
    "youth.contact_choice": (
        "POST",
        lambda w: f"/me/choices/people/{w.member.public_id}",
        only({"young_person"}, status=400),  # no choice sent
    ),
    "youth.worried": ("GET", lambda w: f"/me/people/{w.member.public_id}/worried", only({"young_person"})),
    "supporters.take_part": (
        "POST",
        lambda w: f"/supporting/take-part/{w.member.public_id}",
        only({"supporter"}, status=400),  # no choice sent
    ),
    "supporters.home": ("GET", lambda w: "/supporting/", only({"supporter"})),
    # "I did it" in one tap: nothing else needs sending.
    "supporters.confirm": (
        "POST",
        lambda w: f"/supporting/occurrences/{w.occurrence.public_id}/confirm",
        only({"supporter"}, status=303),
    ),
    "supporters.undo": (
        "POST",
        lambda w: f"/supporting/confirmations/{w.confirmation.public_id}/undo",
        only({"supporter"}, status=404),  # no occurrence sent
    ),
    "supporters.reminders_page": ("GET", lambda w: "/supporting/reminders", only({"supporter"})),
    # An empty form turns reminders off: that is a valid choice.
    "supporters.save_reminders": ("POST", lambda w: "/supporting/reminders", only({"supporter"}, status=303)),
    # No VAPID keys in tests: web push is off, so there is nothing to subscribe to.
    "supporters.add_push_subscription": (
        "POST",
        lambda w: "/supporting/push-subscriptions",
        only({"supporter"}, status=404),
    ),
    "supporters.remove_push_subscription": (
        "DELETE",
        lambda w: "/supporting/push-subscriptions",
        only({"supporter"}, status=400),  # no endpoint sent
    ),
    "supporters.remove_push_device": (
        "POST",
        lambda w: "/supporting/push-subscriptions/not-one/remove",
        only({"supporter"}, status=404),
    ),
    # The reminder e-mail's one-tap link works without signing in; a token that is not ours is not found.
    "one_tap.landing": ("GET", lambda w: "/done/not-a-token", everyone(404)),
    "one_tap.confirm": ("POST", lambda w: "/done/not-a-token", everyone(404)),
    "supporters.calendar": ("GET", lambda w: "/supporting/calendar", only({"supporter"})),
    # Makes a private address and shows it once (200); stopping it sends back to the page.
    "supporters.create_calendar_feed": ("POST", lambda w: "/supporting/calendar", only({"supporter"})),
    "supporters.revoke_calendar_feed": (
        "POST",
        lambda w: "/supporting/calendar/revoke",
        only({"supporter"}, status=303),
    ),
    # The feed needs no sign-in; an unknown (or revoked) address is a 404 for everyone.
    "calendar_feed.feed": ("GET", lambda w: "/calendar/not-a-real-token.ics", everyone(404)),
    "staff.home": ("GET", lambda w: "/staff/", only(STAFF)),
    "staff.young_person": (
        "GET",
        lambda w: f"/staff/young-people/{w.young_person.public_id}",
        {**only({"coordinator", "admin"}), "other_coordinator": 404},
    ),
    "staff.invite_young_person": (
        "POST",
        lambda w: f"/staff/young-people/{w.young_person.public_id}/invitation",
        # The young person already has an account: their own coordinator is refused kindly (403).
        {**only(set()), "other_coordinator": 404},
    ),
    "staff.recovery_link": (
        "POST",
        lambda w: f"/staff/young-people/{w.young_person.public_id}/recovery",
        {**only({"coordinator", "admin"}), "other_coordinator": 404},
    ),
    "staff.invite_supporter": (
        "POST",
        lambda w: f"/staff/people/{w.member.public_id}/invitation",
        # The form is empty, so the coordinator of A sees the form again with errors (400).
        {**only({"coordinator", "admin"}, status=400), "other_coordinator": 404},
    ),
    "staff.invite_colleague": ("GET", lambda w: "/staff/colleagues/invite", only({"admin"})),
    "staff.record_pr_consent": (
        "POST",
        lambda w: f"/staff/young-people/{w.young_person.public_id}/consent/parental-responsibility",
        {**only({"coordinator", "admin"}, status=400), "other_coordinator": 404},  # empty form
    ),
    "staff.record_agreement_in_person": (
        "POST",
        lambda w: f"/staff/young-people/{w.young_person.public_id}/consent/in-person",
        {**only({"coordinator", "admin"}, status=400), "other_coordinator": 404},
    ),
    "refer.choose_council": ("GET", lambda w: "/refer/", everyone(200)),
    "refer.questions": ("GET", lambda w: f"/refer/{w.organisation.slug}", everyone(200)),
    # No answers in this browser yet: /contact sends them to the questions, /passkey to /contact.
    "refer.contact": ("GET", lambda w: f"/refer/{w.organisation.slug}/contact", everyone(303)),
    "refer.passkey": ("GET", lambda w: f"/refer/{w.organisation.slug}/passkey", everyone(303)),
    "refer.passkey_options": (
        "POST",
        lambda w: f"/refer/{w.organisation.slug}/passkey/options",
        everyone(400),
    ),
    "refer.passkey_finish": ("POST", lambda w: f"/refer/{w.organisation.slug}/passkey/finish", everyone(400)),
    "staff.referrals_list": ("GET", lambda w: "/staff/referrals", only(STAFF)),
    "staff.new_referral": (
        "GET",
        lambda w: "/staff/referrals/new",
        only({"coordinator", "other_coordinator"}),
    ),
    "staff.referral": (
        "GET",
        lambda w: f"/staff/referrals/{w.referral.public_id}",
        {**only({"coordinator", "admin"}), "other_coordinator": 404},
    ),
    "staff.override_referral": (
        "POST",
        lambda w: f"/staff/referrals/{w.referral.public_id}/override",
        REFERRAL_FORM,
    ),
    "staff.accept_referral": (
        "POST",
        lambda w: f"/staff/referrals/{w.referral.public_id}/accept",
        REFERRAL_FORM,
    ),
    "staff.close_referral": (
        "POST",
        lambda w: f"/staff/referrals/{w.referral.public_id}/close",
        REFERRAL_FORM,
    ),
    "staff.try_policy": ("GET", lambda w: "/staff/eligibility", only(STAFF)),
    "youth.people": ("GET", lambda w: "/me/people", only({"young_person"})),
    "youth.suggest": ("GET", lambda w: "/me/people/suggest", only({"young_person"})),
    "youth.plan": ("GET", lambda w: "/me/plan", only({"young_person"})),
    "youth.answer": (
        "POST",
        lambda w: f"/me/confirmations/{w.news.public_id}/answer",
        only({"young_person"}, status=400),  # no answer sent
    ),
    "youth.wishes": ("GET", lambda w: "/me/wishes", only({"young_person"})),
    "youth.wish": ("GET", lambda w: f"/me/wishes/{w.objective.public_id}", only({"young_person"})),
    "youth.wish_done": (
        "POST",
        lambda w: f"/me/wishes/{w.objective.public_id}/done",
        only({"young_person"}, status=303),
    ),
    "staff.add_person": (
        "GET",
        lambda w: f"/staff/young-people/{w.young_person.public_id}/people/new",
        own_staff(200, 403),
    ),
    "staff.person": ("GET", lambda w: f"/staff/people/{w.member.public_id}", own_staff(200, 200)),
    "staff.change_person": ("POST", lambda w: f"/staff/people/{w.member.public_id}", own_staff(400, 403)),
    "staff.set_safety": ("POST", lambda w: f"/staff/people/{w.member.public_id}/safety", own_staff(400, 403)),
    "staff.log_contact": (
        "POST",
        lambda w: f"/staff/people/{w.member.public_id}/contact-log",
        own_staff(400, 403),
    ),
    "staff.plan": (
        "GET",
        lambda w: f"/staff/young-people/{w.young_person.public_id}/plan",
        own_staff(200, 200),
    ),
    "staff.start_draft": (
        "POST",
        lambda w: f"/staff/young-people/{w.young_person.public_id}/plan",
        own_staff(303, 403),  # a draft exists: the coordinator is told so
    ),
    "staff.record_conference": (
        "POST",
        lambda w: f"/staff/plans/{w.plan.public_id}/conference",
        own_staff(400, 403),
    ),
    "staff.add_commitment": (
        "POST",
        lambda w: f"/staff/plans/{w.plan.public_id}/commitments",
        own_staff(400, 403),
    ),
    "staff.commitment": (
        "GET",
        lambda w: f"/staff/commitments/{w.commitment.public_id}",
        own_staff(200, 403),
    ),
    "staff.agree_plan": (
        "POST",
        lambda w: f"/staff/plans/{w.plan.public_id}/agree",
        own_staff(303, 403),  # no conference yet: the coordinator is told so
    ),
    "staff.places": (
        "GET",
        lambda w: f"/staff/young-people/{w.young_person.public_id}/places",
        own_staff(200, 200),
    ),
    "staff.reviews_page": (
        "GET",
        lambda w: f"/staff/young-people/{w.young_person.public_id}/reviews",
        own_staff(200, 200),
    ),
    "staff.review": ("GET", lambda w: f"/staff/reviews/{w.review.public_id}", own_staff(200, 200)),
    "staff.family": (
        "GET",
        lambda w: f"/staff/young-people/{w.young_person.public_id}/family",
        own_staff(200, 200),
    ),
    "staff.add_family_link": (
        "POST",
        lambda w: f"/staff/young-people/{w.young_person.public_id}/family/links",
        own_staff(400, 403),
    ),
    # Plan health and the review report: people who review plans, and managers; not the admin.
    "staff.organisation_health": (
        "GET",
        lambda w: "/staff/health",
        only({"coordinator", "other_coordinator"}),
    ),
    "staff.young_person_health": (
        "GET",
        lambda w: f"/staff/young-people/{w.young_person.public_id}/health",
        own_staff(200, 403),
    ),
    "staff.review_report": (
        "GET",
        lambda w: f"/staff/reviews/{w.review.public_id}/report",
        own_staff(200, 403),
    ),
    "youth.review_words": ("GET", lambda w: "/me/review-words", only({"young_person"})),
    "youth.book": ("GET", lambda w: "/me/book", only({"young_person"})),
    "youth.new_entry": ("GET", lambda w: "/me/book/new", only({"young_person"})),
    "youth.entry": ("GET", lambda w: f"/me/book/{w.entry.public_id}", only({"young_person"})),
    "youth.edit_entry": ("GET", lambda w: f"/me/book/{w.entry.public_id}/edit", only({"young_person"})),
    "youth.deleted_entries": ("GET", lambda w: "/me/book/deleted", only({"young_person"})),
    # Not deleted, so there is nothing to bring back.
    "youth.restore_entry": (
        "POST",
        lambda w: f"/me/book/{w.entry.public_id}/restore",
        only({"young_person"}, status=404),
    ),
    "youth.waiting": ("GET", lambda w: "/me/book/waiting", only({"young_person"})),
    "youth.print_book": ("GET", lambda w: "/me/book/print", only({"young_person"})),
    # Just signed in, so the sign-in is fresh: the page, and the ZIP itself.
    "youth.download": ("GET", lambda w: "/me/book/download", only({"young_person"})),
    "youth.download_zip": ("POST", lambda w: "/me/book/download", only({"young_person"})),
    "youth.close_account": ("GET", lambda w: "/me/account/close", only({"young_person"})),
    # A is 16 and in care: the council keeps their records, so the account cannot be closed yet.
    "youth.close_account_confirm": (
        "POST",
        lambda w: "/me/account/close",
        only({"young_person"}, status=403),
    ),
    # A's own page is not a memory waiting for an answer.
    "youth.answer_memory": (
        "POST",
        lambda w: f"/me/book/{w.entry.public_id}/answer",
        only({"young_person"}, status=404),
    ),
    # A is not taking part (no agreement in the ledger): sharing waits until they are.
    "youth.share_entry": (
        "POST",
        lambda w: f"/me/book/{w.entry.public_id}/share",
        only({"young_person"}, status=403),
    ),
    # Photos: only through the rule for their page. A's page is shared with nobody.
    "photos.photo": (
        "GET",
        lambda w: f"/photos/{w.photo.public_id}",
        {**everyone(404), "anonymous": 303, "young_person": 200},
    ),
    "supporters.book": (
        "GET",
        lambda w: f"/supporting/{w.sisters_member.public_id}/book",
        only({"supporter"}),
    ),
    "supporters.new_memory": (
        "GET",
        lambda w: f"/supporting/{w.sisters_member.public_id}/book/new",
        only({"supporter"}),
    ),
    "supporters.entry": (
        "GET",
        lambda w: f"/supporting/book/{w.shared_entry.public_id}",
        only({"supporter"}),
    ),
    "supporters.edit_memory": (
        "GET",
        lambda w: f"/supporting/book/{w.memory.public_id}/edit",
        only({"supporter"}),
    ),
    # Only the young person's own coordinator sees what they shared with "my coordinator".
    "staff.book": (
        "GET",
        lambda w: f"/staff/young-people/{w.young_person.public_id}/book",
        own_staff(200, 403),
    ),
    # Last: these remove what the rows above use.
    "staff.remove_family_link": (
        "POST",
        lambda w: f"/staff/family-links/{w.link.public_id}/remove",
        own_staff(303, 403),
    ),
    "staff.remove_commitment": (
        "POST",
        lambda w: f"/staff/commitments/{w.commitment.public_id}/remove",
        own_staff(303, 403),
    ),
    "youth.delete_entry": (
        "POST",
        lambda w: f"/me/book/{w.entry.public_id}/delete",
        only({"young_person"}, status=303),
    ),
    "staff.remove_place": (
        "POST",
        lambda w: f"/staff/places/{w.place.public_id}/remove",
        own_staff(303, 403),
    ),
}


def test_every_route_has_a_row(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(ROUTES) == set(), "add the new route to ROUTES with who may reach it"
    assert set(ROUTES) - endpoints == set(), "ROUTES names a route that no longer exists"


@pytest.mark.parametrize("visitor", VISITORS)
def test_access_matrix(app, world, visitor):
    app.config["WTF_CSRF_ENABLED"] = False  # CSRF has its own tests; here only access is checked
    client = app.test_client()
    if visitor != "anonymous":
        sign_in(client, world.accounts[visitor])
    wrong = []
    for endpoint, (method, url_for_world, expected) in ROUTES.items():
        url = url_for_world(world)
        with count_queries(app.extensions["db"]) as queries:
            response = client.open(url, method=method)
        if response.status_code != expected[visitor]:
            wrong.append(f"{method} {url} ({endpoint}): {response.status_code}, expected {expected[visitor]}")
        if queries.count > QUERY_BUDGETS.get(endpoint, MAX_QUERIES_PER_PAGE):
            wrong.append(f"{method} {url}: {queries.count} SQL queries")
    assert wrong == []


def test_young_people_and_supporters_reach_only_their_own_people(app, db_session, world, organisation):
    """Young person B and a supporter of B cannot act on A's people, and A cannot act on B's."""
    app.config["WTF_CSRF_ENABLED"] = False
    other_account = factories.account(db_session, role=Role.YOUNG_PERSON, organisation=organisation)
    other = factories.young_person(db_session, organisation=organisation, account_id=other_account.id)
    other_member = factories.network_member(db_session, other)
    db_session.commit()
    a = app.test_client()
    sign_in(a, world.accounts["young_person"])
    assert a.post(f"/me/choices/people/{other_member.public_id}", data={"choice": "yes"}).status_code == 404
    assert a.get(f"/me/people/{other_member.public_id}/worried").status_code == 404
    b = app.test_client()
    sign_in(b, other_account)
    assert b.post(f"/me/choices/people/{world.member.public_id}", data={"choice": "never"}).status_code == 404
    supporter = app.test_client()
    sign_in(supporter, world.accounts["supporter"])
    assert (
        supporter.post(f"/supporting/take-part/{other_member.public_id}", data={"choice": "yes"}).status_code
        == 404
    )


def test_anonymous_visitors_are_sent_to_sign_in(app, world):
    response = app.test_client().get("/staff/")
    assert response.status_code == 303 and response.headers["Location"].endswith("/sign-in")
    htmx = app.test_client().get("/staff/", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"].endswith("/sign-in")
