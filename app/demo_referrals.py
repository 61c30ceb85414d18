"""The demo's referrals (DEMO.md): Amira referred herself to Riverside last week; Leo waits in
Northmoor's triage, "not eligible" under the Durham example policy until he is 15¾.

The answers are the policies' own: each referral is checked by the engine when the demo loads.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta

from app.config import ROOT
from app.domain import referrals
from app.domain.eligibility import Facts
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

POLICY_DIR = ROOT / "policies"


def example_policy(name: str) -> dict:
    """An example policy from ``policies/``, as the data an organisation stores."""
    return tomllib.loads((POLICY_DIR / f"{name}.toml").read_text(encoding="utf-8"))


def load_referrals(session, riverside: Organisation, northmoor: Organisation, ola: Account) -> None:
    now = datetime.now(UTC)
    amira_referred = now - timedelta(days=6)
    amira = YoungPerson(
        organisation=riverside,
        account=Account(role=Role.YOUNG_PERSON, organisation=riverside, display_name="Amira", language="ar"),
        chosen_name="Amira",
        date_of_birth=date(2005, 6, 2),
        legal_status=LegalStatus.SELF_REFERRED,
        status=CaseStatus.REFERRED,
        created_at=amira_referred,
        objectives=[Objective(text="find my brother, who I think is in Germany")],
    )
    amira_facts = Facts(
        born=amira.date_of_birth,
        on=amira_referred.date(),
        care_leaver=True,
        self_referral=True,
        family_abroad=True,
    )
    leo = YoungPerson(
        organisation=northmoor,
        chosen_name="Leo",
        pronouns="he/him",
        date_of_birth=date(2013, 5, 20),
        legal_status=LegalStatus.SECTION_20,
        in_care_since=date(2024, 11, 4),
        status=CaseStatus.REFERRED,
        created_at=now - timedelta(days=2),
    )
    leo_facts = Facts(
        born=leo.date_of_birth,
        on=(now - timedelta(days=2)).date(),
        in_care_since=leo.in_care_since,
        legal_status="section_20",
        plan="long_term_care",
    )
    session.add_all(
        [
            amira,
            leo,
            Referral(
                organisation=riverside,
                young_person=amira,
                route=ReferralRoute.SELF,
                care_leaver=True,
                family_abroad=True,
                contact_email="amira@example.com",
                created_at=amira_referred,
                **referrals.answer_fields(
                    riverside, amira_facts.on, referrals.check_facts(riverside, amira_facts)
                ),
            ),
            Referral(
                organisation=northmoor,
                young_person=leo,
                route=ReferralRoute.STAFF,
                referred_by=ola,
                legal_status="section_20",
                plan="long_term_care",
                pr_holder="His mum, Carla Reyes, shares parental responsibility with the council",
                reason="Leo asks about his dad's family and his older half-sister; contact stopped in 2024.",
                created_at=now - timedelta(days=2),
                **referrals.answer_fields(
                    northmoor, leo_facts.on, referrals.check_facts(northmoor, leo_facts)
                ),
            ),
        ]
    )
