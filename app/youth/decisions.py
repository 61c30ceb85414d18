"""A young person's past decisions, told back in their own words."""

from __future__ import annotations

from flask_babel import gettext as _

from app.domain.consent import ADULT
from app.models import ConsentEvent, ConsentKind, Decision


def describe(event: ConsentEvent, names: dict[str, str]) -> str:
    name = names.get(event.scope, _("someone"))
    kind, decision = event.kind, event.decision
    if kind is ConsentKind.YOUNG_PERSON_AGREEMENT:
        if event.scope == ADULT:
            return _("You said you'd carry on, as an adult.")
        if decision is Decision.GIVEN:
            if event.recorded_by_staff:
                return _("You said yes to taking part (you told a member of staff, who saved it).")
            return _("You said yes to taking part.")
        return _("You stopped for now.")
    if kind is ConsentKind.PR_REFERRAL:
        if decision is Decision.GIVEN:
            return _("%(holder)s agreed to your referral.", holder=event.pr_holder or _("The council"))
        return _("%(holder)s did not agree to your referral.", holder=event.pr_holder or _("The council"))
    if kind is ConsentKind.CONTACT_PERSON:
        if event.wording_key == "worried":
            return _("You said you were worried about %(name)s, so contact stopped.", name=name)
        if decision is Decision.GIVEN:
            return _("You said yes to contacting %(name)s.", name=name)
        if decision is Decision.WITHDRAWN:
            return _("You said not now to %(name)s.", name=name)
        return _("You said never to %(name)s.", name=name)
    if kind is ConsentKind.SUPPORTER_PARTICIPATION:
        if decision is Decision.GIVEN:
            return _("%(name)s said yes to taking part.", name=name)
        return _("%(name)s said no, thank you.", name=name)
    return _("You changed what you share.")
