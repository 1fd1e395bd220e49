"""The home page's sections: what each role has to do today, each read by its app's list selector
(config composes; docs/home.md)."""

import datetime

from django.utils import timezone

from accounts.roles import Role
from accounts.selectors import roles_held
from audit.services import chained_together
from cases.models import CaseState
from cases.selectors.lists import ListQuery, inbox_page, my_concerns_page, names_together, tasks_of
from cases.selectors.pages import break_glass_pending
from disaster.selectors import home_safety
from guardianship.selectors import home_matters, matching_meetings_between
from referrals.access import INBOX_ROLES
from referrals.selectors import referral_inbox


def moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


HOME_MOST = 5  # rows per section of the home page; each links to its full list


def home_sections(user) -> dict:
    """The sections (``_sections``): the names of all their rows read at once (one read of the
    grants, one of the people) and recorded in one audit append."""
    with chained_together(), names_together():
        return _sections(user)


def _sections(user) -> dict:
    """What the user has to do today, section by section, each read by its app's list selector with
    a small page (permission-filtered and recorded there); a section the user's roles do not
    have is absent. config composes; it reads nothing itself."""
    held = set(roles_held(user))
    sections: dict = {"date": timezone.localdate()}
    if held & {Role.PLAZA_STAFF, Role.WARD_CASEWORKER}:
        sections["concerns"] = inbox_page(user, ListQuery(state=CaseState.NOTICED), per_page=HOME_MOST)
    if held - {Role.PRIVACY_OFFICER, Role.SYSADMIN, Role.SUPPORTER}:
        sections["tasks"] = tasks_of(user, per_page=HOME_MOST)
    if held & set(INBOX_ROLES):
        sections["referrals"] = referral_inbox(user, per_page=HOME_MOST)
    if Role.COMMISSIONER in held:
        sections["my_concerns"] = my_concerns_page(user, per_page=HOME_MOST)
    first = moment(sections["date"])
    week = (first, first + datetime.timedelta(days=7))
    if Role.GUARDIANSHIP_COORDINATOR in held:
        sections["matters"] = home_matters(user, most=HOME_MOST)
        sections["matching"] = matching_meetings_between(user, *week, most=HOME_MOST)
    elif held & {Role.AGENCY_WORKER, Role.WARD_CASEWORKER}:
        # The associations' members and the ward's caseworkers attend the centre's matching
        # meetings (docs/guardianship.md): the section when they are asked to one this week.
        attending = matching_meetings_between(user, *week, most=HOME_MOST)
        if attending:
            sections["matching"], sections["matching_attending"] = attending, True
    if held & {Role.COMMISSIONER, Role.SUPPORTER}:
        safety = home_safety(user)
        if safety.assigned or Role.SUPPORTER in held:
            sections["safety"] = safety
    if Role.PRIVACY_OFFICER in held:
        sections["break_glass_pending"] = break_glass_pending(user)
    if Role.SYSADMIN in held:
        sections["admin"] = True
    return sections
