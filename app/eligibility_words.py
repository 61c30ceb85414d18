"""Plain, kind words for the eligibility check's reasons and signposts (reading age 9–11).

The engine (``app/domain/eligibility.py``) answers in codes with values; this module words them in the
current language. Call inside an app or request context.
"""

from __future__ import annotations

from babel.lists import format_list
from flask_babel import get_locale, gettext, ngettext

from app.domain.eligibility import Reason


def age_words(years: int, months: int = 0) -> str:
    """ "15 years and 9 months", "16 years", "9 months"."""
    year_words = ngettext("%(num)d year", "%(num)d years", years)
    if not months:
        return year_words
    month_words = ngettext("%(num)d month", "%(num)d months", months)
    if not years:
        return month_words
    return gettext("%(years)s and %(months)s", years=year_words, months=month_words)


def legal_status_words(status: str) -> str:
    return {
        "care_order": gettext("on a care order"),
        "interim_care_order": gettext("on an interim care order (the court has not decided yet)"),
        "section_20": gettext("in care by agreement with their family (section 20)"),
    }.get(status, status)


def _either(items: list[str]) -> str:
    return format_list(items, style="or", locale=str(get_locale() or "en"))


def reason_words(reason: Reason) -> str:
    code, values = reason
    if code in ("too_young", "younger_than_usual", "too_old", "in_care_too_long"):
        age = age_words(values["years"], values["months"])
        return {
            "too_young": gettext("Lifelong Links here is for young people aged %(age)s or older.", age=age),
            "younger_than_usual": gettext(
                "Lifelong Links here is usually for young people aged %(age)s or older. "
                "We can talk about it together.",
                age=age,
            ),
            "too_old": gettext("Lifelong Links here is for young people younger than %(age)s.", age=age),
            "in_care_too_long": gettext(
                "Lifelong Links here is for young people who have been in care for less than %(time)s.",
                time=age,
            ),
        }[code]
    if code == "legal_status_not_accepted":
        accepted = _either([legal_status_words(status) for status in values["accepted"]])
        return gettext("Lifelong Links here is for young people who are %(accepted)s.", accepted=accepted)
    if code == "plan_excluded":
        return {
            "return_home": gettext("Lifelong Links here is not for young people whose plan is to go home."),
            "adoption": gettext("Lifelong Links here is not for young people whose plan is to be adopted."),
            "long_term_care": gettext(
                "Lifelong Links here is not for young people whose plan is to stay in care."
            ),
        }.get(values["plan"], gettext("Lifelong Links here is not for young people with this plan."))
    words = {
        "no_policy": gettext(
            "This service has not written down its rules yet. We can talk about it together."
        ),
        "not_in_care": gettext("Lifelong Links here is for young people who are in care or have left care."),
        "in_care_not_covered": gettext("Lifelong Links here is for young people who have left care."),
        "care_leavers_not_covered": gettext("Lifelong Links here is for young people who are still in care."),
        "self_referral_closed": gettext(
            "Here, a worker needs to ask for Lifelong Links for you. You can't ask for it yourself."
        ),
        "time_in_care_unknown": gettext(
            "We need to know when the young person came into care. We can talk about it together."
        ),
        "legal_status_unknown": gettext(
            "We need to know how the young person is in care. We can talk about it together."
        ),
        "in_custody": gettext(
            "Lifelong Links can sometimes start before someone leaves custody. We can talk about it together."
        ),
        "in_custody_not_covered": gettext(
            "Lifelong Links here can't start while someone is in custody. It can start after they leave."
        ),
    }
    return words.get(code, code)


def signpost_words(code: str) -> str:
    words = {
        "red_cross_family_tracing": gettext(
            "You can get free help to find family abroad from the British Red Cross family tracing service."
        ),
        "immigration_legal_advice": gettext(
            "Please get free immigration legal advice first. Your social worker or personal adviser can "
            "help you find it."
        ),
        "talk_to_social_worker": gettext(
            "Talk to your social worker. They can ask for Lifelong Links for you."
        ),
        "talk_to_personal_adviser": gettext(
            "Talk to your personal adviser from the leaving care team. They can tell you what help there is."
        ),
    }
    return words.get(code, code)
