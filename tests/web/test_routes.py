"""The access matrix: every route × every kind of visitor → the status they get.

A new route with no row here fails ``test_every_route_has_a_row``. Objects belong to organisation A
(young person A, supporter of A, a new referral to A); "other" is a coordinator of organisation B.
Organisation A's policy is the Barking and Dagenham example, which takes self-referrals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from app.demo_referrals import example_policy
from app.models import FamilyLink, LinkDetail, LinkKind, Place, Review, ReviewKind, Role
from tests import factories
from tests.conftest import sign_in
from tests.helpers import count_queries

VISITORS = ["anonymous", "young_person", "supporter", "coordinator", "admin", "other_coordinator"]
MAX_QUERIES_PER_PAGE = 10


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


@pytest.fixture
def world(db_session, organisation, other_organisation) -> World:
    organisation.policy_name = "barking-and-dagenham"
    organisation.policy = example_policy("barking-and-dagenham")
    person_account = factories.account(db_session, role=Role.YOUNG_PERSON, organisation=organisation)
    young_person = factories.young_person(db_session, organisation=organisation, account_id=person_account.id)
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
    )


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
        if queries.count > MAX_QUERIES_PER_PAGE:
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
