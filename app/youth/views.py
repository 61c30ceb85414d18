from datetime import timedelta

from flask import render_template
from flask_login import current_user

from app.domain import confirmations, permissions, referrals
from app.domain.schedules import today_in
from app.extensions import db
from app.models import CaseStatus, utcnow
from app.youth import bp

NEWS = timedelta(days=60)


@bp.get("/")
def home():
    young_person = permissions.own_young_person(db.session, current_user)
    # Only a referral still waiting or closed has something to say on the home page.
    waiting = young_person and young_person.status in (CaseStatus.REFERRED, CaseStatus.CLOSED)
    referral = referrals.own_referral(db.session, young_person) if waiting else None
    reply_by = (
        referrals.reply_by(
            referral.organisation, today_in(referral.organisation.timezone, referral.created_at)
        )
        if referral
        else None
    )
    news = 0
    if young_person and young_person.status in (CaseStatus.PLAN_AGREED, CaseStatus.REVIEWING):
        since = today_in(young_person.timezone, utcnow()) - NEWS
        news = confirmations.count_to_answer(db.session, young_person, since)
    return render_template(
        "youth/home.html", young_person=young_person, referral=referral, reply_by=reply_by, news=news
    )
