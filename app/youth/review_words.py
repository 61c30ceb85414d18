"""What I want to say at my next review: the young person's own words, printed in the review report."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from app.domain import audit
from app.extensions import db
from app.models import Review
from app.youth import bp
from app.youth.choices import me

WORDS_LENGTH = 2000


class ReviewWordsForm(FlaskForm):
    words = TextAreaField(
        _l("What I want to say"),
        validators=[
            Optional(),
            Length(max=WORDS_LENGTH, message=_l("Please keep it under %(max)d characters")),
        ],
    )


def next_review(session, young_person) -> Review | None:
    """The first review on the calendar that has not been held yet."""
    return session.scalar(
        select(Review)
        .where(Review.young_person_id == young_person.id, Review.held_on.is_(None))
        .order_by(Review.due_on, Review.id)
        .limit(1)
    )


@bp.route("/review-words", methods=["GET", "POST"])
def review_words():
    young_person = me()
    review = next_review(db.session, young_person)
    form = ReviewWordsForm(data={"words": review.young_person_words if review else ""})
    if review is not None and form.is_submitted() and form.validate():
        words = (form.words.data or "").strip() or None
        review.young_person_words = words
        audit.record(
            db.session,
            current_user,
            "review.words_saved",
            object_type="review",
            object_public_id=review.public_id,
            young_person_id=young_person.id,
            detail={"cleared": words is None},
        )
        db.session.commit()
        flash(
            _("Saved. Your words will be read at your review.") if words else _("Your words are cleared."),
            "success",
        )
        return redirect(url_for("youth.review_words"), code=303)
    return render_template("youth/review_words.html", review=review, form=form), 400 if form.errors else 200
