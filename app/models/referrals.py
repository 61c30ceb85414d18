"""Referrals: how a young person comes to a council's Lifelong Links service, and the policy's answer.

A referral and its young person's record are made together (status "referred"); triage accepts it
(the record moves to "consent pending") or closes it with a reason the referrer sees. A self-referral
is only stored once its passkey exists; one that cannot go ahead is never stored.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.accounts import Account, Organisation
from app.models.base import Base, CreatedMixin, PublicIdMixin, str_enum
from app.models.people import YoungPerson


class ReferralRoute(enum.StrEnum):
    SELF = "self"  # a care-experienced adult referring themselves
    STAFF = "staff"  # a social worker or coordinator referring a child


class ReferralStatus(enum.StrEnum):
    NEW = "new"  # waiting in the triage queue
    ACCEPTED = "accepted"
    CLOSED = "closed"


class Referral(PublicIdMixin, CreatedMixin, Base):
    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    young_person_id: Mapped[int] = mapped_column(
        ForeignKey("young_people.id", ondelete="CASCADE"), unique=True
    )
    route: Mapped[ReferralRoute] = mapped_column(str_enum(ReferralRoute))
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    status: Mapped[ReferralStatus] = mapped_column(
        str_enum(ReferralStatus), default=ReferralStatus.NEW, index=True
    )

    # The facts the policy was asked about (codes of app/domain/eligibility_policy.py).
    care_leaver: Mapped[bool] = mapped_column(default=False)
    legal_status: Mapped[str] = mapped_column(String(32), default="none")
    plan: Mapped[str] = mapped_column(String(32), default="none")
    uasc: Mapped[bool] = mapped_column(default=False)
    family_abroad: Mapped[bool] = mapped_column(default=False)
    in_custody: Mapped[bool] = mapped_column(default=False)
    pr_holder: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    # How a self-referrer asked to be contacted (staff only).
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))

    # The policy's answer when the referral was made: codes, worded in the reader's language.
    policy_name: Mapped[str | None] = mapped_column(String(80))
    checked_on: Mapped[date]
    result: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list] = mapped_column(default=list)
    signposts: Mapped[list] = mapped_column(default=list)

    # A "needs a conversation" answer decided by a worker, with their reason.
    override_result: Mapped[str | None] = mapped_column(String(20))
    override_reason: Mapped[str | None] = mapped_column(Text)
    overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    overridden_at: Mapped[datetime | None]

    # Triage.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    decided_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship()
    young_person: Mapped[YoungPerson] = relationship()
    referred_by: Mapped[Account | None] = relationship(foreign_keys=[referred_by_id])
    overridden_by: Mapped[Account | None] = relationship(foreign_keys=[overridden_by_id])
    decided_by: Mapped[Account | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def answer(self) -> str:
        """The answer that counts: a worker's decision on a conversation, else the policy's."""
        return self.override_result or self.result

    def __repr__(self) -> str:
        return f"<Referral {self.public_id} {self.status}>"
