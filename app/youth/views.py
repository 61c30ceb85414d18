from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import YoungPerson
from app.youth import bp


@bp.get("/")
def home():
    young_person = db.session.scalar(select(YoungPerson).where(YoungPerson.account_id == current_user.id))
    return render_template("youth/home.html", young_person=young_person)
