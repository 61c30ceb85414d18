from flask import render_template
from flask_login import current_user

from app.domain import permissions
from app.extensions import db
from app.youth import bp


@bp.get("/")
def home():
    young_person = permissions.own_young_person(db.session, current_user)
    return render_template("youth/home.html", young_person=young_person)
