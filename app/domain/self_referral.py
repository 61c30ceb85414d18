"""Referring yourself: the rules for a care-experienced adult asking for Lifelong Links themselves.

Nothing is stored until the young person has a passkey: ``create_self_referral`` is called by the
passkey's last step and makes the account, the young person and the referral together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.eligibility import NOT_ELIGIBLE, Facts, Result, reaches
from app.domain.referrals import (
    ReferralRefused,
    answer_fields,
    audit_referral,
    check_facts,
    policy_of,
    self_referral_open,
    today_for,
)
from app.models import (
    Account,
    CaseStatus,
    LegalStatus,
    Objective,
    Organisation,
    Referral,
    ReferralRoute,
    Role,
    YoungPerson,
)

ADULT_YEARS = 18


def self_referral_organisations(session: Session) -> list[Organisation]:
    """Councils a care-experienced adult may refer themselves to."""
    organisations = session.scalars(select(Organisation).order_by(Organisation.name))
    return [organisation for organisation in organisations if self_referral_open(organisation)]


def is_adult(born: date, on: date) -> bool:
    return on >= reaches(born, ADULT_YEARS)


def asks_about(organisation: Organisation) -> set[str]:
    """The optional questions worth asking a self-referrer: only those the policy uses."""
    policy = policy_of(organisation)
    return {
        condition for condition in ("family_abroad", "uasc") if policy and policy.signposts.get(condition)
    }


@dataclass(frozen=True)
class SelfReferralAnswers:
    born: date
    care_experienced: bool
    family_abroad: bool = False
    uasc: bool = False  # for an adult: still waiting to hear whether they may stay in the UK


@dataclass(frozen=True)
class Contact:
    name: str
    email: str | None
    phone: str | None
    hopes: str | None = None  # "What would you like help with?" becomes their first objective
    language: str | None = None


def check_self_referral(organisation: Organisation, answers: SelfReferralAnswers, on: date) -> Result:
    facts = Facts(
        born=answers.born,
        on=on,
        care_leaver=answers.care_experienced,
        self_referral=True,
        family_abroad=answers.family_abroad,
        uasc=answers.uasc,
    )
    return check_facts(organisation, facts)


def create_self_referral(
    session: Session,
    organisation: Organisation,
    answers: SelfReferralAnswers,
    contact: Contact,
    now: datetime,
) -> tuple[YoungPerson, Referral]:
    """Store a self-referral and its young person's account (the caller saves the passkey to it)."""
    on = today_for(organisation)
    if not self_referral_open(organisation):
        raise ReferralRefused("self_referral_closed")
    if not is_adult(answers.born, on):
        raise ReferralRefused("under_18")
    result = check_self_referral(organisation, answers, on)
    if result.result == NOT_ELIGIBLE:
        raise ReferralRefused("not_eligible")
    account = Account(
        role=Role.YOUNG_PERSON,
        organisation=organisation,
        display_name=contact.name,
        language=contact.language,
    )
    young_person = YoungPerson(
        organisation=organisation,
        account=account,
        chosen_name=contact.name,
        date_of_birth=answers.born,
        legal_status=LegalStatus.SELF_REFERRED,
        status=CaseStatus.REFERRED,
        objectives=[Objective(text=contact.hopes)] if contact.hopes else [],
    )
    referral = Referral(
        organisation=organisation,
        young_person=young_person,
        route=ReferralRoute.SELF,
        care_leaver=answers.care_experienced,
        uasc=answers.uasc,
        family_abroad=answers.family_abroad,
        contact_email=contact.email,
        contact_phone=contact.phone,
        created_at=now,
        **answer_fields(organisation, on, result),
    )
    session.add_all([account, young_person, referral])
    session.flush()
    audit_referral(session, account, "referral.self", referral)
    return young_person, referral
