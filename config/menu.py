"""The menu on every page (templates/base.html): the destinations of the user's roles, from the
roles read with the user's ids (accounts.selectors.roles_held): no statement of its own on a page
that asks whose permissions apply, the bell's one on a page that does not."""

from functools import cached_property, lru_cache

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from accounts.selectors import roles_held
from config.addresses import address

# Next steps per role: (label, URL name). Each feature adds its entry point here when it lands;
# a role without working screens shows none rather than a placeholder.
NEXT_ACTIONS: dict[str, list[tuple[str, str]]] = {
    Role.COMMISSIONER: [
        (_("気付きを記録する"), "cases:concern_new"),
        (_("報告した気付きの状況"), "cases:my_concerns"),
        (_("相談・連絡調整を記録する"), "cases:contact_log"),
        (_("安否確認"), "disaster:checks"),
        (_("計画の指標"), "indicators:index"),
    ],
    Role.PLAZA_STAFF: [
        (_("受付・担当ケース"), "cases:inbox"),
        (_("つなぎの状況"), "referrals:inbox"),
        (_("役割分担と見守り"), "cases:my_tasks"),
        (_("本人を検索する"), "cases:person_search"),
        (_("地域のネットワーク"), "networks:index"),
        (_("解決できない課題の集計"), "learning:register"),
        (_("実務者検討会議"), "learning:reviews"),
        (_("挙げた課題"), "learning:mine"),
        (_("事例検討の事例"), "learning:examples"),
        (_("計画の指標"), "indicators:index"),
    ],
    Role.WARD_CASEWORKER: [
        (_("受付・担当ケース"), "cases:inbox"),
        (_("つなぎの状況"), "referrals:inbox"),
        (_("役割分担と見守り"), "cases:my_tasks"),
        (_("本人を検索する"), "cases:person_search"),
        (_("区協議会の開催"), "guardianship:council"),
        (_("協定"), "cases:agreements"),
        (_("避難行動要支援者名簿"), "disaster:index"),
        (_("解決できない課題の集計"), "learning:register"),
        (_("実務者検討会議"), "learning:reviews"),
        (_("挙げた課題"), "learning:mine"),
        (_("事例検討の事例"), "learning:examples"),
        (_("計画の指標"), "indicators:index"),
    ],
    Role.GUARDIANSHIP_COORDINATOR: [
        (_("案件・候補者調整会議・集計"), "guardianship:home"),
        (_("後見人等の候補者名簿"), "guardianship:candidates"),
        (_("つなぎの受付"), "referrals:inbox"),
        (_("出席する会議と役割分担"), "cases:my_tasks"),
        (_("区協議会の開催"), "guardianship:council"),
        (_("計画の指標"), "indicators:index"),
    ],
    Role.AGENCY_WORKER: [
        (_("つなぎの受付"), "referrals:inbox"),
        (_("出席する会議と役割分担"), "cases:my_tasks"),
    ],
    Role.PRIVACY_OFFICER: [
        (_("監査記録を検索する"), "audit:event_search"),
        (_("開示請求の本人を特定する"), "cases:person_lookup_for_report"),
        (_("監査記録を検証する"), "audit:chain_status"),
        (_("緊急アクセスを確認する"), "cases:break_glass_reviews"),
        (_("匿名化した事例を審査する"), "learning:examples"),
    ],
    Role.SUPPORTER: [(_("安否確認"), "disaster:checks")],
    Role.SYSADMIN: [
        (_("利用者・組織・地域を管理する"), "admin:index"),
        (_("Excel から取り込む（導入時）"), "onboarding:upload"),
        (_("自治体ごとの設定"), "configuration:edit"),
    ],
}


class Menu:
    """The user's destinations, each once (a plaza worker who is also a ward caseworker sees one
    inbox), read when (and if) the page shows the menu; ``html`` is the menu rendered once for the
    page's two places (the desktop row and the phone's menu button)."""

    def __init__(self, request: HttpRequest):
        self.request = request

    @cached_property
    def roles(self) -> tuple[str, ...]:
        return tuple(roles_held(self.request.user))

    @cached_property
    def items(self) -> list[tuple[str, str]]:
        return _items(self.roles)

    @cached_property
    def html(self) -> str:
        return _menu_html(self.roles, self.request.path, get_language(), get_script_prefix(), get_urlconf())


def _items(roles: tuple[str, ...]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for role in roles:
        for label, url_name in NEXT_ACTIONS.get(role, []):
            seen.setdefault(url_name, label)
    return [(label, url_name) for url_name, label in seen.items()]


@lru_cache(maxsize=1024)
def _entries(
    roles: tuple[str, ...], language: str, prefix: str, urlconf: object
) -> tuple[tuple[str, str], ...]:
    links = [(_("ホーム"), "home"), (_("会議の予定"), "calendar"), *_items(roles)]
    return tuple((str(label), address(url_name)) for label, url_name in links)


def _menu_html(roles: tuple[str, ...], path: str, language: str, prefix: str, urlconf: object) -> str:
    """The menu as rendered for these roles in this language, kept per process (it holds no one's
    data: labels and addresses): a tenth of a page's rendering. The page's own address marks its
    entry; any other address is kept as none, so the memory stays bounded by the menus."""
    entries = _entries(roles, language, prefix, urlconf)
    current = path if any(target == path for _label, target in entries) else ""
    return _rendered(entries, current)


@lru_cache(maxsize=1024)
def _rendered(entries: tuple[tuple[str, str], ...], current: str) -> str:
    return render_to_string("includes/main_menu.html", {"entries": entries, "current": current})


def menu(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu": Menu(request)}
