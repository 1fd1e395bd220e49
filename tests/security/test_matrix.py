"""Who sees what: every role against every object page of the demo data, computed from the grants.

For every user of the demo (one per role, another plaza's worker and an agency's, the appointed
guardian, a sysadmin with the superuser flag and a superuser with no membership) and every URL
pattern that takes an object id, each object of the demo data is requested; who got a page (200)
and which personal fields appeared on it are compared with what the grant rows say — computed here
from ``CaseAccessGrant`` and the record permission rows, not listed by hand and not asked of the
code under test. Then every time-boxed grant is run out (a meeting attendee's, a break-glass) and
the whole matrix is walked again.

A URL pattern with an id that this module does not know fails the test: a new page is covered or
the test says so.
"""

import datetime
import uuid

import pytest
from django.contrib.auth.models import Permission
from django.db.models import F, Q
from django.urls import get_resolver, reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from accounts.selectors import organisation_ids_of
from cases.models import (
    Case,
    CaseAccessGrant,
    HouseholdMember,
    MeetingAttendance,
    Person,
    Supporter,
    SupportMeeting,
)
from cases.models.sharing import AccessLevel
from cases.vocabulary import PERSON_FIELDS_BY_GROUP, FieldGroup
from disaster.services import concerned_with
from guardianship.models import (
    GuardianshipMatter,
    MatterGroupObjectPermission,
)
from referrals.models import ReferralGroupObjectPermission
from tests.documents import pdf_text
from tests.screens import browser
from tests.security.conftest import model_of, url_patterns

pytestmark = pytest.mark.django_db

# The personal fields a page may show, by the field group that lets it (strings only: a date's
# rendering depends on the language).
TEXT_FIELDS = {
    group: [name for name in names if name != "birth_date"] for group, names in PERSON_FIELDS_BY_GROUP.items()
}

# What the case page shows in full when granted (meetings are linked, their minutes on their page).
SHOWN_ON_CASE_PAGE = {*TEXT_FIELDS, FieldGroup.CONCERN}


def object_patterns() -> list[tuple[str, list[str], str, dict]]:
    """(url name, its id keywords, namespace, fixed arguments) of every pattern of the project that
    takes an id. The admin holds no personal data (the test below says so)."""
    found = []
    for namespace, _route, pattern in url_patterns(get_resolver()):
        keywords = list(pattern.pattern.converters)
        if namespace == "admin" or not keywords or set(keywords) == {"uidb64", "token"}:
            continue  # a password reset link is a one-time secret, not an object
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        found.append((name, keywords, namespace, pattern.default_args))
    return found


# --- what the grants say --------------------------------------------------------------------------


def live_grants_of(user: User, case_id) -> list[CaseAccessGrant]:
    now = timezone.now()
    return list(
        CaseAccessGrant.objects.filter(case_id=case_id, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .filter(Q(user=user) | Q(organisation__memberships__user=user))
        .distinct()
    )


def granted_groups(user: User, case_id) -> set[str]:
    return {group for grant in live_grants_of(user, case_id) for group in grant.field_groups}


def grant_level(user: User, case_id) -> int:
    return max((grant.level for grant in live_grants_of(user, case_id)), default=0)


def holds_record_row(user: User, table, record, codename: str) -> bool:
    return table.objects.filter(
        content_object_id=record.pk, permission__codename=codename, group__user=user
    ).exists()


def holds_role_permission(user: User, codename: str) -> bool:
    return Permission.objects.filter(codename=codename, group__user=user).exists()


# Pages whose rule is the role, not a grant: walked once, not again after grants expire.
PAGES_BY_ROLE_ALONE = frozenset({"cases:case_break_glass", "audit:access_report", "audit:access_report_pdf"})
# The access report's PDF, one per person for the officer alone, is the page's rule over again and
# costs a PDF each: tests/audit/test_documents.py prints it for every role instead.
NOT_WALKED = frozenset({"audit:access_report_pdf"})


def expected_page(name: str, user: User, obj) -> tuple[bool, object]:
    """Whether ``user`` may open the page ``name`` of ``obj``, and the case whose fields it may show."""
    if name in ("cases:case_detail", "api:case"):  # the API's case is the case page's (docs/api.md)
        return grant_level(user, obj.pk) >= AccessLevel.VIEW, obj
    if name == "cases:case_break_glass":
        return holds_role_permission(user, "break_glass"), obj
    if name == "cases:concern_urgent":
        # What a 至急 concern's reporter should do now: theirs alone, and nothing of the person.
        return obj.concerns.filter(reported_by=user, urgency="urgent").exists(), None
    if name == "learning:review":  # its convening office's staff and its attendees: no person on it
        convener = (
            holds_role_permission(user, "convene_review")
            and user.memberships.filter(organisation=obj.convened_by).exists()
        )
        return convener or obj.attendances.filter(user=user).exists(), None
    if name in ("learning:example", "learning:example_text"):
        # Its case's lead and the privacy officer; approved, the attendees of a review it is shown
        # at who acknowledged confidentiality (the text alone: de-identified, no case).
        lead = (
            holds_role_permission(user, "add_caseexample")
            and grant_level(user, obj.case_id) >= AccessLevel.LEAD
        )
        officer = holds_role_permission(user, "review_caseexample") and obj.status != "draft"
        approved = obj.status == "approved"
        if name == "learning:example_text":
            return (lead or officer) and approved, None
        attendee = (
            approved
            and obj.shown_at.filter(  # one attendance: acknowledged, and still at its organisation
                attendances__user=user,
                attendances__acknowledged_at__isnull=False,
                attendances__organisation__memberships__user=user,
            ).exists()
        )
        return lead or officer or attendee, None
    if name == "learning:propose_example":  # the case's lead who may propose examples
        allowed = holds_role_permission(user, "add_caseexample")
        return allowed and grant_level(user, obj.pk) >= AccessLevel.LEAD, None
    if name == "learning:raise":  # who writes on the case and may raise issues: nothing personal shown
        allowed = holds_role_permission(user, "add_systemicissue")
        return allowed and grant_level(user, obj.pk) >= AccessLevel.CONTRIBUTE, None
    if name.startswith("cases:case_") or name == "referrals:new":
        # An action's form (cases.web): offered only to who may take that action in the case's
        # state — never to anyone who may not open the case at all. (None: "at most".)
        return (None if grant_level(user, obj.pk) >= AccessLevel.VIEW else False), obj
    if name in ("cases:meeting_detail", "api:meeting"):  # the API's meeting is the page's
        attendee = MeetingAttendance.objects.filter(meeting=obj, user=user).exists()
        return attendee or FieldGroup.MEETINGS in granted_groups(user, obj.case_id), obj.case
    if name == "cases:meeting_record_pdf":  # the record prints what the page shows of the meeting
        return FieldGroup.MEETINGS in granted_groups(user, obj.case_id), obj.case
    if name == "referrals:summary_pdf":  # the referrer, and the agency while its access lasts
        referrer = grant_level(user, obj.case_id) >= AccessLevel.LEAD
        live = obj.disclosure_id is not None and any(
            grant.disclosure_id == obj.disclosure_id for grant in live_grants_of(user, obj.case_id)
        )
        recipient = live and holds_record_row(user, ReferralGroupObjectPermission, obj, "respond_referral")
        return referrer or recipient, obj.case
    if name in ("referrals:detail", "api:referral"):  # the API's referral is the page's
        referrer = grant_level(user, obj.case_id) >= AccessLevel.LEAD
        recipient = obj.state != "draft" and holds_record_row(
            user, ReferralGroupObjectPermission, obj, "respond_referral"
        )
        return referrer or recipient, obj.case
    if name in ("guardianship:matter", "guardianship:matching_review", "api:matter"):
        return holds_record_row(user, MatterGroupObjectPermission, obj, "manage_matter"), obj.case
    if name == "guardianship:meeting":
        # The centre of every matter on the agenda; or an attendee from a professional association
        # or the ward office while the meeting's access lasts (to acknowledge, then to read).
        items = list(obj.items.select_related("matter"))
        centre = all(
            holds_record_row(user, MatterGroupObjectPermission, item.matter, "manage_matter")
            for item in items
        )
        outside = (
            obj.attendees.filter(pk=user.pk).exists()
            and user.memberships.filter(
                organisation__kind__in=["professional_association", "ward_office"]
            ).exists()
            and timezone.now() <= obj.access_until
        )
        return bool(items) and (centre or outside), None
    if name in ("audit:access_report", "audit:access_report_pdf"):
        return holds_role_permission(user, "view_access_report"), None
    if name in ("cases:person_identity", "api:person"):  # the API's person is the page's (docs/api.md)
        return changes_identity(user, obj, contact_will_do=True), obj
    if name in ("cases:household_member_new", "cases:supporter_new"):
        return changes_identity(user, obj), obj
    if name == "cases:household_member_existing":  # and looks people up (a role permission)
        return changes_identity(user, obj) and holds_role_permission(user, "view_person"), obj
    if name == "cases:household_member_end":
        case, member = obj
        return changes_identity(user, case) and member.household_id in households_now(case), case
    if name == "networks:change":  # a network's page: the staff of the plaza that runs it
        return (
            holds_role_permission(user, "change_network")
            and user.memberships.filter(organisation=obj.secretariat_id).exists()
        ), None
    if name == "cases:agreement":  # an agreement's page: the staff of the ward office that manages it
        return (
            holds_role_permission(user, "manage_agreements")
            and user.memberships.filter(organisation=obj.municipal_side_id).exists()
        ), None
    if name in ("disaster:registration", "disaster:issue", "disaster:issue_pdf", "disaster:issue_xlsx"):
        # The evacuation-support list: the list keepers of the ward office that keeps it; a list
        # printed or exported only while its recipient may still hold it.
        office = obj.office_id if name == "disaster:registration" else obj.agreement.municipal_side_id
        keeper = holds_role_permission(user, "manage_evacuation_list") and (
            user.memberships.filter(organisation=office).exists()
        )
        return keeper and (name in ("disaster:registration", "disaster:issue") or obj.is_current), None
    if name == "disaster:issue_new":  # hand the list under a list-provision agreement of the keeper's office
        return (
            obj.kind == "list_provision"
            and holds_role_permission(user, "manage_evacuation_list")
            and user.memberships.filter(organisation=obj.municipal_side_id).exists()
        ), None
    if name == "disaster:declaration":  # a declared disaster: the staff of the organisations it concerns
        return bool(set(organisation_ids_of(user)) & concerned_with(obj.area)), None
    if name == "onboarding:confirm":  # a checked workbook: its administrator's alone, nothing of a case
        return obj.uploaded_by_id == user.pk and obj.kind == "directory", None
    if name == "onboarding:people_import":  # a checked people file, as the workbook, on its own page
        return obj.uploaded_by_id == user.pk and obj.kind == "people", None
    raise AssertionError(f"{name} takes an id but the matrix has no rule for it: add one")


def changes_identity(user: User, case: Case, contact_will_do: bool = False) -> bool:
    """Who holds change_case changes the groups they may read: identity, or (their identity
    page) contact alone."""
    needed = {FieldGroup.IDENTITY, FieldGroup.CONTACT} if contact_will_do else {FieldGroup.IDENTITY}
    contributes = grant_level(user, case.pk) >= AccessLevel.CONTRIBUTE and not case.person.is_erased
    return contributes and bool(needed & granted_groups(user, case.pk))


def households_now(case: Case) -> set[int]:
    return set(
        HouseholdMember.objects.filter(person=case.person_id, ended_on__isnull=True).values_list(
            "household_id", flat=True
        )
    )


def members_with_cases() -> list[tuple[Case, HouseholdMember]]:
    """(case, member) for the pages of a household's members: each member of every household
    with each case whose person lives there — and each member with a case of another household,
    which no one may open."""
    pairs = []
    cases = list(Case.objects.filter(person__household_memberships__isnull=False).distinct())
    for member in HouseholdMember.objects.all():
        mine = [case for case in cases if member.household_id in households_now(case)]
        others = [case for case in cases if member.household_id not in households_now(case)]
        pairs += [(case, member) for case in mine + others[:1]]
    return pairs


def field_values(case: Case) -> dict[str, list[str]]:
    """The decrypted values a page could show, by field group."""
    person = case.person
    values: dict[str, list[str]] = {}
    if not person.is_erased:
        for group, names in TEXT_FIELDS.items():
            values[group] = [escape(getattr(person, name)) for name in names if getattr(person, name)]
    values[FieldGroup.CONCERN] = [escape(c.details) for c in case.concerns.all()]
    values[FieldGroup.MEETINGS] = [escape(m.minutes) for m in case.meetings.all() if m.minutes]
    return values


# --- the walk ----------------------------------------------------------------------------------


def users_of_the_demo() -> list[User]:
    root = User.objects.create(username="root_without_membership", is_superuser=True, is_staff=True)
    sysadmin = User.objects.get(username="demo_admin")
    sysadmin.is_superuser = True
    sysadmin.save()
    return [*User.objects.exclude(pk=root.pk).order_by("username"), root]


def walk(users: list[User], skip: frozenset[str] = frozenset()) -> tuple[list[str], int, set[str]]:
    """Request every object page as every user; return what differs from the grants, the number
    of personal values the pages showed (so that the check is seen to bite), and the pages walked."""
    problems, fields_seen, walked = [], 0, set()
    for name, keywords, namespace, defaults in object_patterns():
        if name == "cases:household_member_end" and name not in skip:
            urls = [
                ((case, member), reverse(name, kwargs={"case_id": case.pk, "member_id": member.pk}))
                for case, member in members_with_cases()
            ]
        elif defaults or len(keywords) != 1 or name in skip:
            continue  # actions (POST only) and ids within a case: the empty-POST test below
        else:
            model = model_of(namespace, keywords[0])
            assert model is not None, f"{name}: unknown id {keywords[0]}; add it to ID_MODELS"
            urls = [(obj, reverse(name, kwargs={keywords[0]: obj.pk})) for obj in model.objects.all()]
        if not urls or browser(users[0]).get(urls[0][1]).status_code == 405:
            continue  # a POST-only pattern
        walked.add(name)
        for user in users:
            client = browser(user)
            for obj, url in urls:
                response = client.get(url)
                allowed, case = expected_page(name, user, obj)
                if allowed is None:  # may be refused; checked for what it shows when it is not
                    allowed = response.status_code == 200
                if (response.status_code == 200) != allowed:
                    problems.append(
                        f"{user.username} {name} {obj.pk}: {response.status_code}, allowed={allowed}"
                    )
                if response.status_code != 200 or case is None:
                    continue
                page = (
                    pdf_text(response).replace("\n", "")
                    if response["Content-Type"] == "application/pdf"
                    else response.content.decode()
                )
                granted = granted_groups(user, case.pk)
                for group, values in field_values(case).items():
                    for value in values:
                        shown = value in page
                        if shown and group not in granted:
                            problems.append(
                                f"{user.username} {name} {obj.pk}: shows {group} outside the grants"
                            )
                        if (
                            not shown
                            and group in granted
                            and name == "cases:case_detail"
                            and group in SHOWN_ON_CASE_PAGE
                        ):
                            problems.append(f"{user.username} {name} {obj.pk}: {group} granted but missing")
                        fields_seen += shown
    return problems, fields_seen, walked


def test_every_object_page_shows_each_role_exactly_what_its_grants_allow(demo_data):
    users = users_of_the_demo()
    # The demo has what the matrix must exercise: a held meeting with an attendee from an agency.
    attended = MeetingAttendance.objects.filter(acknowledged_at__isnull=False, meeting__held_at__isnull=False)
    assert attended.exclude(organisation=F("meeting__case__lead_organisation")).exists()

    problems, fields_seen, walked = walk(users, skip=NOT_WALKED)
    assert not problems, "\n".join(problems)
    assert fields_seen > 50
    assert {"cases:case_detail", "cases:meeting_detail", "referrals:detail", "guardianship:matter"} <= walked
    assert {"cases:household_member_existing", "cases:household_member_end"} <= walked
    assert {"cases:meeting_record_pdf", "referrals:summary_pdf"} <= walked  # documents to print
    assert {"api:case", "api:person", "api:referral", "api:matter", "api:meeting"} <= walked

    # Time-boxed grants run out: meeting attendees' and break-glass access end.
    past = timezone.now() - datetime.timedelta(seconds=1)
    assert CaseAccessGrant.objects.filter(expires_at__isnull=False).update(expires_at=past) > 0
    SupportMeeting.objects.update(scheduled_for=past - datetime.timedelta(days=1), access_until=past)
    problems, _fields_seen, _walked = walk(users, skip=PAGES_BY_ROLE_ALONE | NOT_WALKED)
    assert not problems, "\n".join(problems)


def test_the_admin_site_offers_no_personal_data():
    """The admin is for users, organisations, areas and settings: no model that holds a person's
    data (every such model is encrypted) and no case is registered in it."""
    from django.contrib import admin

    from privacy.models import EncryptedModel

    registered = list(admin.site._registry)
    assert User in registered
    assert not [m for m in registered if issubclass(m, EncryptedModel | Case)]


def test_a_superuser_without_membership_reads_no_case_person_report_or_candidate(demo_data):
    root = User.objects.create(username="root", is_superuser=True, is_staff=True)
    client = browser(root)
    pages = [reverse("cases:case_detail", args=[case.pk]) for case in Case.objects.all()]
    pages += [reverse("cases:case_break_glass", args=[case.pk]) for case in Case.objects.all()[:3]]
    pages += [reverse("audit:access_report", args=[person.pk]) for person in Person.objects.all()[:5]]
    pages += [reverse("guardianship:matter", args=[m.pk]) for m in GuardianshipMatter.objects.all()]
    pages += [reverse("guardianship:candidates"), reverse("audit:event_search")]
    for url in pages:
        assert client.get(url).status_code == 403, url
    for url in [reverse("cases:person_search"), reverse("cases:person_lookup_for_report")]:
        assert client.post(url, {"q": "山田"}).status_code == 403, url
    # …while the flag still opens the administration of users and organisations.
    assert client.get(reverse("admin:accounts_organisation_changelist")).status_code == 200


def test_an_empty_post_tells_an_outsider_nothing_about_whether_the_object_exists(demo_data):
    """Every page and action that takes an id refuses an outsider the same way for an object that
    exists and for one that does not: permission is checked before the input is read."""
    # Another plaza's worker, whom no demo case was shared with, and a superuser.
    outsiders = [demo_data.other_staff, User.objects.create(username="root", is_superuser=True)]
    tried = 0
    for name, keywords, namespace, defaults in object_patterns():
        models = [model_of(namespace, keyword) for keyword in keywords]
        assert all(models), f"{name}: unknown id in {keywords}; add it to ID_MODELS"
        existing = [model.objects.first() for model in models]
        if any(obj is None for obj in existing):
            continue
        if len(keywords) == 2:  # a grant or a consent of its own case; a supporter of its person's
            owner = existing[1]  # …a member of the household its case's person lives in
            if isinstance(owner, HouseholdMember):
                existing[0] = next(c for c, m in members_with_cases() if m == owner)
            else:
                existing[0] = owner.person.cases.first() if isinstance(owner, Supporter) else owner.case
        ids = dict(zip(keywords, existing, strict=True))
        real = reverse(name, kwargs={k: o.pk for k, o in ids.items()} | defaults)
        made_up = {k: uuid.uuid4() if isinstance(o.pk, uuid.UUID) else 10**9 for k, o in ids.items()}
        missing = reverse(name, kwargs=made_up | defaults)
        for user in outsiders:
            client = browser(user)
            answers = [client.post(url, {}).status_code for url in (real, missing)]
            assert answers[0] == answers[1], (name, user.username, answers)
            assert answers[0] in (403, 405), (name, user.username, answers)
            tried += 1
    assert tried > 40
