"""The roles of docs/design.md "Roles", and the model-level permissions each role's Django group carries.

A role is a Django group of the same name. Groups are created by a data migration
(accounts/migrations/0002_role_groups.py); their permissions are declared here and applied
after every ``migrate`` by :func:`sync_role_permissions`, so a later app that adds a model only
has to list its permissions below.

Object-level access to case data (who may see *which* case) is not a role permission: it is
granted per case through django-guardian (see docs/architecture.md).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMISSIONER = "commissioner", _("民生委員・児童委員")
    PLAZA_STAFF = "plaza_staff", _("地域ケアプラザ職員")
    WARD_CASEWORKER = "ward_caseworker", _("区役所ケースワーカー")
    GUARDIANSHIP_COORDINATOR = "guardianship_coordinator", _("中核機関コーディネーター")
    AGENCY_WORKER = "agency_worker", _("関係機関職員")
    PRIVACY_OFFICER = "privacy_officer", _("個人情報保護管理者")
    SYSADMIN = "sysadmin", _("システム管理者")
    # A member of a neighbourhood association or disaster-prevention group who helps listed
    # residents evacuate (避難支援等関係者, 災害対策基本法 §49-11): checks on them when disaster strikes.
    SUPPORTER = "evacuation_supporter", _("避難支援者（自治会町内会など）")


# The staff roles: people who work in an office, on shared terminals. They must give a second
# factor (accounts/twofactor.py) and their sessions end sooner when left idle
# (accounts/middleware.py). Commissioners and appointed guardians sign in on their own phones.
STAFF_ROLES = frozenset(
    {
        Role.PLAZA_STAFF,
        Role.WARD_CASEWORKER,
        Role.GUARDIANSHIP_COORDINATOR,
        Role.AGENCY_WORKER,
        Role.PRIVACY_OFFICER,
        Role.SYSADMIN,
    }
)

# What each role is for, shown on its home page.
ROLE_PURPOSES: dict[str, str] = {
    Role.COMMISSIONER: _(
        "地域で気付いた心配ごとを記録し、相談・連絡調整の記録を残します。報告した気付きの状況を確認できます。"
    ),
    Role.PLAZA_STAFF: _(
        "担当圏域の気付きを受け付け、同意・情報共有を記録し、アセスメントと支援会議を行い、関係機関へつなぎます。"
    ),
    Role.WARD_CASEWORKER: _("主担当のケースを支援し、虐待などの緊急案件を受け付けます。"),
    Role.GUARDIANSHIP_COORDINATOR: _(
        "成年後見の相談を受け、候補者調整会議を開き、申立て・審判・後見人の支援と監督を記録します。"
    ),
    Role.AGENCY_WORKER: _(
        "自機関あてのつなぎ（紹介）を受け、引き受け・お断り・完了を記録します。"
        "専門職団体の方は、招かれた候補者調整会議に守秘義務を確認して出席します。"
    ),
    Role.PRIVACY_OFFICER: _(
        "監査記録を確認し、本人ごとのアクセス報告、緊急アクセスの確認、保存期間の処理を行います。"
    ),
    Role.SYSADMIN: _("利用者・組織・地域・鍵を管理します。ケースの内容は閲覧できません。"),
    Role.SUPPORTER: _("災害の宣言があったとき、担当する方の安否を確認して記録します。"),
}

_ACCOUNTS_ADMIN = [
    f"accounts.{action}_{model}"
    for model in ("user", "organisation", "area", "membership")
    for action in ("add", "change", "view", "delete")
] + [
    # Decided by a second administrator (four-eyes); added only by the membership forms.
    "accounts.view_membershiprequest",
    "accounts.change_membershiprequest",
    "auth.view_group",
    "cases.view_legalbasis",
    "cases.add_legalbasis",
    "cases.change_legalbasis",
    "referrals.view_acceptancedeadline",
    "referrals.add_acceptancedeadline",
    "referrals.change_acceptancedeadline",
    # Sign-in lockouts: see them, and unlock by deleting them (audited: accounts.services.unlock_sign_in).
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    # API tokens: issued and revoked (api.services, audited), never edited or deleted (docs/api.md).
    "api.view_apitoken",
    "api.add_apitoken",
    # Phones whose sign-in is kept: seen and revoked, never edited (phones.services, audited).
    "phones.view_phone",
    "phones.revoke_phone",
    # Who the evacuation-support list takes (disaster.ListingCriterion, audited).
    "disaster.view_listingcriterion",
    "disaster.add_listingcriterion",
    "disaster.change_listingcriterion",
    # A municipality's settings: each change a new version (configuration.services, audited).
    "configuration.view_municipalconfiguration",
    "configuration.add_municipalconfiguration",
]

# Model-level permissions per role ("app_label.codename"). Case data is not reached through
# these: a role permission never grants sight of a particular person.
# Never a model-level view/change of cases: which case a user may see is an object permission.
_CASE_WORK = [
    "accounts.view_organisation",
    "accounts.view_area",
    "cases.add_person",
    "cases.view_person",
    "cases.add_concern",
    "cases.take_intake",
]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.COMMISSIONER: [
        "accounts.view_organisation",
        "cases.add_concern",
        "cases.add_contactlog",
        "disaster.add_safetycheck",
    ],
    Role.PLAZA_STAFF: [
        *_CASE_WORK,
        "networks.add_network",
        "networks.change_network",
        "learning.add_systemicissue",
        "learning.view_register",
        "learning.add_caseexample",
    ],
    Role.WARD_CASEWORKER: [
        *_CASE_WORK,
        "cases.take_urgent",
        "cases.break_glass",
        "cases.manage_agreements",
        "disaster.manage_evacuation_list",
        "disaster.declare_disaster",
        "guardianship.add_councilmeeting",
        "guardianship.delete_councilmeeting",
        "learning.add_systemicissue",
        "learning.view_register",
        "learning.convene_review",
        "learning.add_caseexample",
    ],
    Role.GUARDIANSHIP_COORDINATOR: [
        "accounts.view_organisation",
        "accounts.view_area",
        "guardianship.manage_candidates",
        "guardianship.add_councilmeeting",
        "guardianship.delete_councilmeeting",
    ],
    Role.AGENCY_WORKER: ["accounts.view_organisation"],
    Role.PRIVACY_OFFICER: [
        "accounts.view_user",
        "accounts.view_organisation",
        "accounts.view_membership",
        "cases.erase_person",
        "cases.review_break_glass",
        "audit.view_auditevent",
        "audit.view_access_report",
        "learning.review_caseexample",
    ],
    Role.SYSADMIN: _ACCOUNTS_ADMIN,
    Role.SUPPORTER: ["disaster.add_safetycheck"],
}

# What the superuser flag gives (accounts.backends): the system administrator's permissions, no more.
ADMINISTRATION_PERMISSIONS: frozenset[str] = frozenset(ROLE_PERMISSIONS[Role.SYSADMIN])


def _split(perm: str) -> tuple[str, str]:
    app_label, codename = perm.split(".", 1)
    return app_label, codename


def sync_role_permissions(sender=None, using: str = "default", apps=None, **kwargs) -> None:
    """Make each role group hold exactly the permissions ROLE_PERMISSIONS declares.

    Connected to post_migrate: runs after every app's permissions exist. Idempotent; a
    permission whose model does not exist (yet) is skipped, not invented.
    """
    from django.contrib.auth.models import Group, Permission
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    if ("accounts", "0002_role_groups") not in MigrationRecorder(connections[using]).applied_migrations():
        return
    # A flush (between tests) empties the groups the migration made: bring back any that are missing.
    groups = {role: Group.objects.using(using).get_or_create(name=role)[0] for role in Role.values}
    wanted_all: set[tuple[str, str]] = {_split(p) for perms in ROLE_PERMISSIONS.values() for p in perms}
    available = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.using(using)
        .select_related("content_type")
        .filter(codename__in={codename for _, codename in wanted_all})
    }
    for role, perms in ROLE_PERMISSIONS.items():
        group = groups.get(role)
        if group is None:
            continue
        wanted = [available[_split(p)] for p in perms if _split(p) in available]
        group.permissions.set(wanted)
