"""The exact words shown when someone makes a consent decision, versioned.

Change the words → raise the version: tests/unit/test_consent_wording.py compares every text with the
fingerprints in tests/unit/consent_wording.lock.json, so old decisions keep pointing at what was shown.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.domain.consent import Wording
from app.web.i18n import current_language

WORDINGS = {
    "young_person_agreement": (
        "1",
        _l(
            "Yes, I want to take part in Lifelong Links. My coordinator can help me find people who care "
            "about me, and check with me before anyone is contacted. I can stop at any time."
        ),
    ),
    "young_person_withdrawal": (
        "1",
        _l(
            "I want to stop for now. Nobody will be contacted and my people won't see my plan. Nothing is "
            "deleted, and I can start again whenever I like."
        ),
    ),
    "adult_confirmation": (
        "1",
        _l("I'm 18 or over now, and I want to carry on with Lifelong Links."),
    ),
    "contact_person": ("1", _l("Is it OK to get in touch with %(name)s?")),
    "worried": (
        "1",
        _l("I'm worried about %(name)s. Please stop contact with them now and talk to me."),
    ),
    "supporter_participation": (
        "1",
        _l(
            "Taking part means keeping the promises you make at the family meeting, like a birthday call or "
            "a visit, and telling us when you've done them. The young person can see what you promised."
        ),
    ),
    "share_entry": (
        "1",
        _l(
            "The people I tick can see this page of my journey book and its photos. I can untick them at any "
            "time, and then they can't see it any more."
        ),
    ),
    "pr_referral": (
        "1",
        _l("The person or council with parental responsibility agrees to this referral to Lifelong Links."),
    ),
}


def shown(key: str, **values) -> Wording:
    """The wording as shown now, in the reader's language."""
    version, text = WORDINGS[key]
    return Wording(
        key=key,
        version=version,
        language=current_language(),
        text=str(text) % values if values else str(text),
    )


def text_in(key: str, language: str) -> str:
    """The template text (placeholders unfilled) in one language, for the version check."""
    with force_locale(language):
        return str(WORDINGS[key][1])
