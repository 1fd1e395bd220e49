"""onboarding's audit event kinds (registered from ``OnboardingConfig.ready``): counts and sheet
names only — what the rows said is in the records they made (each audited as an administrative
change) or nowhere."""

from django.utils.translation import gettext_lazy as _

from audit.events import Action, EventKind, register

KINDS = [
    EventKind(
        "onboarding.checked",
        Action.CREATE,
        _(
            "取り込むファイルを確かめました（地域{areas}、組織{organisations}、利用者{users}、候補者{candidates}、共有の根拠{legal_bases}、誤り{errors}）"
        ),
    ),
    EventKind(
        "onboarding.imported",
        Action.CREATE,
        _(
            "ファイルを取り込みました（地域{areas}、組織{organisations}、利用者{users}、所属{memberships}、承認待ち{requests}、候補者{candidates}、共有の根拠{legal_bases}）"
        ),
    ),
    EventKind("onboarding.discarded", Action.ERASE, _("取り込み待ちのファイルを破棄しました")),
    EventKind(
        "onboarding.people_checked",
        Action.CREATE,
        _("本人とケースのファイルを確かめました（取り込める行{people}、誤り{errors}）"),
    ),
    EventKind(
        "onboarding.people_imported",
        Action.CREATE,
        _("本人とケースを取り込みました（{people}人、{batches}回に分けて）"),
    ),
]


def register_events() -> None:
    register("onboarding", kinds=KINDS)
