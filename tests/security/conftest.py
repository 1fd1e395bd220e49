"""What the security suites share: the demo data, and the project's URL patterns with the model
each id in them names. Both the header walk and the who-sees-what matrix read the URLconf through
these, so that a new page is covered by both the day it is added to a urls.py."""

from collections.abc import Iterator

import pytest
from django.db import models
from django.test import override_settings
from django.urls import URLResolver

from cases.models import (
    ActionItem,
    Agreement,
    Case,
    CaseAccessGrant,
    Consent,
    HouseholdMember,
    Person,
    ProgressEntry,
    Supporter,
    SupportMeeting,
    WatchVisit,
)
from disaster.models import Declaration, ListIssue, Registration
from guardianship.models import (
    Complaint,
    CouncilMeeting,
    GuardianshipMatter,
    MatchingMeeting,
    MatchProposal,
    MonitoringReport,
    TeamMember,
)
from learning.models import CaseExample, ReviewItem, ReviewMeeting
from networks.models import Network
from notifications.models import Notification
from onboarding.models import StagedImport
from phones.models import Phone
from referrals.models import Referral

# (namespace, keyword) → the model an id in a URL names; a keyword of any namespace is ("", kw).
ID_MODELS: dict[tuple[str, str], type[models.Model]] = {
    ("cases", "meeting_id"): SupportMeeting,
    ("api", "meeting_id"): SupportMeeting,
    ("guardianship", "meeting_id"): MatchingMeeting,
    ("", "case_id"): Case,
    ("", "consent_id"): Consent,
    ("", "grant_id"): CaseAccessGrant,
    ("", "item_id"): ActionItem,
    ("", "visit_id"): WatchVisit,
    ("", "referral_id"): Referral,
    ("", "matter_id"): GuardianshipMatter,
    ("", "complaint_id"): Complaint,
    ("", "proposal_id"): MatchProposal,
    ("", "report_id"): MonitoringReport,
    ("", "person_id"): Person,
    ("", "entry_id"): ProgressEntry,
    ("", "supporter_id"): Supporter,
    ("", "member_id"): HouseholdMember,
    ("", "notification_id"): Notification,
    ("guardianship", "member_id"): TeamMember,
    ("", "staged_id"): StagedImport,
    ("", "network_id"): Network,
    ("", "council_meeting_id"): CouncilMeeting,
    ("", "agreement_id"): Agreement,
    ("", "registration_id"): Registration,
    ("", "issue_id"): ListIssue,
    ("", "declaration_id"): Declaration,
    ("", "review_id"): ReviewMeeting,
    ("", "review_item_id"): ReviewItem,
    ("", "example_id"): CaseExample,
    ("", "phone_id"): Phone,
}


def model_of(namespace: str, keyword: str) -> type[models.Model] | None:
    return ID_MODELS.get((namespace, keyword)) or ID_MODELS.get(("", keyword))


def url_patterns(resolver: URLResolver, route: str = "", namespace: str = "") -> Iterator[tuple]:
    """(namespace, route as written, the pattern) for every endpoint under ``resolver``."""
    for entry in resolver.url_patterns:
        text = route + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry, text, entry.namespace or namespace)
        else:
            yield namespace, text, entry


@pytest.fixture
def demo_data(world):
    """The demo's cases, referrals and guardianship matters, made through the services (what
    ``manage.py seed_demo`` loads; it refuses to run outside DEBUG), with the world's people."""
    from cases import demo as cases_demo
    from disaster import demo as disaster_demo
    from guardianship import demo as guardianship_demo
    from learning import demo as learning_demo
    from networks import demo as networks_demo
    from onboarding.people import stage_people
    from onboarding.services import stage_workbook, template_workbook
    from referrals import demo as referrals_demo
    from tests.onboarding.test_people_import import row as person_row
    from tests.onboarding.test_people_import import xlsx as people_file

    with override_settings(DEBUG=True):
        for module in (
            cases_demo,
            referrals_demo,
            guardianship_demo,
            networks_demo,
            disaster_demo,
            learning_demo,
        ):
            module.seed(world.demo)
    # An onboarding workbook (the empty template) the administrator has checked and not yet imported,
    # and a file of persons and their open cases, checked and not yet imported.
    stage_workbook(actor=world.admin, content=template_workbook())
    _checked, staged = stage_people(actor=world.admin, content=people_file([person_row(world, 0)]))
    assert staged is not None, _checked.problems
    # The demo commissioner's own phone, where the sign-in is kept (signed in there, not here).
    Phone.objects.create(user=world.commissioner, label="Android Chrome", token_hash="0" * 64)
    return world
