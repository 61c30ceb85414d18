from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from app.auth.emails import queue_supporter_invitation
from app.domain import invitations, permissions, referrals
from app.extensions import db, limiter
from app.models import Role, utcnow
from app.staff import bp
from app.staff.consent import consent_context
from app.staff.lookup import young_person_or_404
from app.web.urls import absolute_url

STAFF_ROLE_LABELS = {
    Role.COORDINATOR: _l("Coordinator"),
    Role.SOCIAL_WORKER: _l("Social worker"),
    Role.IRO: _l("Independent Reviewing Officer"),
    Role.MANAGER: _l("Manager"),
    Role.ADMIN: _l("Admin"),
}


class SupporterInvitationForm(FlaskForm):
    email = EmailField(
        _l("Their e-mail address"),
        validators=[
            DataRequired(message=_l("Enter their e-mail address")),
            Email(message=_l("Check the e-mail address")),
        ],
    )


class StaffInvitationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter their name")), Length(max=120)])
    email = EmailField(
        _l("Work e-mail address (optional)"),
        validators=[Optional(), Email(message=_l("Check the e-mail address"))],
    )
    role = SelectField(
        _l("Role"), choices=[SelectChoice(role.value, label) for role, label in STAFF_ROLE_LABELS.items()]
    )


def _person_context(person) -> dict:
    return {"referral": referrals.own_referral(db.session, person), **consent_context(person)}


def _link(token: str) -> str:
    return absolute_url("auth.invitation", token=token)


@bp.get("/")
def home():
    return render_template(
        "staff/home.html",
        young_people=permissions.young_people_for(db.session, current_user),
        new_referrals=len(referrals.triage_queue(db.session, current_user)),
        may_try_policy=referrals.may_try_policy(current_user),
    )


@bp.get("/young-people/<public_id>")
def young_person(public_id: str):
    person = young_person_or_404(public_id)
    return render_template(
        "staff/young_person.html",
        young_person=person,
        form=SupporterInvitationForm(),
        **_person_context(person),
    )


@bp.post("/young-people/<public_id>/invitation")
@limiter.limit("30 per hour")
def invite_young_person(public_id: str):
    young_person = young_person_or_404(public_id)
    try:
        _invitation, token = invitations.invite_young_person(db.session, current_user, young_person, utcnow())
    except invitations.InvitationRefused:
        abort(403)
    db.session.commit()
    return render_template(
        "staff/invitation_link.html", link=_link(token), name=young_person.chosen_name, kind="young_person"
    )


@bp.post("/young-people/<public_id>/recovery")
@limiter.limit("30 per hour")
def recovery_link(public_id: str):
    young_person = young_person_or_404(public_id)
    if young_person.account is None:
        abort(404)
    try:
        _invitation, token = invitations.issue_recovery(
            db.session, current_user, young_person.account, utcnow()
        )
    except invitations.InvitationRefused:
        abort(403)
    db.session.commit()
    return render_template(
        "staff/invitation_link.html", link=_link(token), name=young_person.chosen_name, kind="recovery"
    )


@bp.post("/people/<public_id>/invitation")
@limiter.limit("30 per hour")
def invite_supporter(public_id: str):
    member = permissions.network_member_for(db.session, current_user, public_id)
    if member is None:
        abort(404)
    form = SupporterInvitationForm()
    if not form.validate():
        return render_template(
            "staff/young_person.html",
            young_person=member.young_person,
            form=form,
            form_member=member.public_id,
            **_person_context(member.young_person),
        ), 400
    try:
        _invitation, token, code = invitations.invite_supporter(
            db.session, current_user, member, form.email.data, utcnow()
        )
    except invitations.InvitationRefused as refused:
        return render_template("staff/invitation_refused.html", member=member, reason=refused.reason), 403
    queue_supporter_invitation(db.session, member, current_user, form.email.data, _link(token), code)
    db.session.commit()
    return render_template(
        "staff/invitation_link.html", link=_link(token), name=member.name, code=code, kind="supporter"
    )


@bp.route("/colleagues/invite", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def invite_colleague():
    if current_user.role is not Role.ADMIN:
        abort(403)
    form = StaffInvitationForm()
    if request.method == "POST" and form.validate():
        _invitation, token = invitations.invite_staff(
            db.session,
            current_user,
            Role(form.role.data),
            form.name.data.strip(),
            form.email.data or None,
            utcnow(),
        )
        db.session.commit()
        return render_template(
            "staff/invitation_link.html", link=_link(token), name=form.name.data, kind="staff"
        )
    return render_template("staff/invite_colleague.html", form=form), 400 if form.errors else 200


def role_label(role: Role) -> str:
    return str(STAFF_ROLE_LABELS.get(role, _("Staff")))
