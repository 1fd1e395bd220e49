"""Cases: residents, concerns, the case workflow, sharing and support-team meetings."""

from cases.models.cases import (
    DECISION_TARGETS,
    ENDED_STATES,
    IN_WORK_STATES,
    OPEN_STATES,
    Case,
    CaseReferenceCounter,
    CaseState,
    Concern,
    ConcernCategoryTag,
    ConcernSignal,
    ContactLog,
    WatchVisit,
)
from cases.models.fsm import THROUGH_ENGINE
from cases.models.meetings import ActionItem, Decision, MeetingAttendance, MeetingKind, SupportMeeting
from cases.models.people import Household, HouseholdMember, Person
from cases.models.progress import Counterpart, ImmutableEntry, ProgressEntry, ProgressKind
from cases.models.sharing import (
    LEVEL_PERMISSIONS,
    AccessLevel,
    BreakGlassAccess,
    BreakGlassFinding,
    CaseAccessGrant,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Consent,
    Disclosure,
    LegalBasis,
)
from cases.models.supporters import Supporter

__all__ = [
    "DECISION_TARGETS",
    "ENDED_STATES",
    "IN_WORK_STATES",
    "LEVEL_PERMISSIONS",
    "OPEN_STATES",
    "THROUGH_ENGINE",
    "AccessLevel",
    "ActionItem",
    "BreakGlassAccess",
    "BreakGlassFinding",
    "Case",
    "CaseAccessGrant",
    "CaseGroupObjectPermission",
    "CaseReferenceCounter",
    "CaseState",
    "CaseUserObjectPermission",
    "Concern",
    "ConcernCategoryTag",
    "ConcernSignal",
    "Consent",
    "ContactLog",
    "Counterpart",
    "Decision",
    "Disclosure",
    "Household",
    "HouseholdMember",
    "ImmutableEntry",
    "LegalBasis",
    "MeetingAttendance",
    "MeetingKind",
    "Person",
    "ProgressEntry",
    "ProgressKind",
    "SupportMeeting",
    "Supporter",
    "WatchVisit",
]
