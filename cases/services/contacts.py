"""A commissioner's consultations and liaisons (相談・連絡調整): what the plan's indicator ⑧
counts — when, what kind, with whom, in which field, in which district. Nothing personal is kept."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Area, OrganisationKind, User
from accounts.selectors import districts_served
from cases.access import require_role_permission
from cases.exceptions import CaseRuleError
from cases.models import ContactLog


def record_contact(
    *,
    actor: User,
    occurred_on: datetime.date,
    kind: str,
    counterpart: str,
    category: str = "",
    district: Area | None = None,
) -> ContactLog:
    """One consultation or liaison of the commissioner's own, in their district (``district``:
    one of theirs, asked only of a commissioner of several); never on a day still to come (it
    would count in a month that has not happened)."""
    require_role_permission(actor, "cases.add_contactlog", action="record_contact")
    if occurred_on > timezone.localdate():
        message = ValidationError(_("今日より後の日付は記録できません。"), code="contact_in_future")
        raise CaseRuleError({"occurred_on": [message]})
    theirs = list(districts_served(actor, kinds=[OrganisationKind.COMMISSIONER_COUNCIL]))
    if district is None and len(theirs) == 1:
        (district,) = theirs
    # One of theirs, and which when they have several; none without a council, nor another's.
    if (district is None and len(theirs) > 1) or (district is not None and district not in theirs):
        message = ValidationError(_("担当する地区から選んでください。"), code="not_their_district")
        raise CaseRuleError({"district": [message]})
    entry = ContactLog(
        commissioner=actor,
        occurred_on=occurred_on,
        kind=kind,
        counterpart=counterpart,
        category=category,
        district=district,
    )
    entry.full_clean()  # the choices, as the database's constraints check them
    entry.save()
    return entry
