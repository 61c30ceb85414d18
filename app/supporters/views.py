from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import NetworkMember, YoungPerson
from app.supporters import bp


@bp.get("/")
def home():
    # Only the young person's chosen name: nothing else about them reaches a supporter here.
    names = db.session.scalars(
        select(YoungPerson.chosen_name)
        .join(NetworkMember, NetworkMember.young_person_id == YoungPerson.id)
        .where(NetworkMember.account_id == current_user.id, YoungPerson.closed_at.is_(None))
        .order_by(YoungPerson.chosen_name)
    ).all()
    return render_template("supporters/home.html", names=names)
