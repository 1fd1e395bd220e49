"""Writes of the agreement registry (協定), and the one rule for sharing under an agreement.

The ward office that administers an agreement registers it, records its renewal (a new agreement
for the next period; the earlier one stays as it was signed) and its termination, which ends at
once every access given under it. Sharing under an agreement names it (Disclosure.agreement) and
is refused unless the agreement is in force that day, its other party is the recipient, the case
lies in its area and it allows every field group shared (``sharing.check_agreement``).
"""

import datetime
import hashlib
import hmac
import secrets
import unicodedata

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Area, Organisation, OrganisationKind, User
from accounts.selectors import organisation_ids_of
from audit import services as audit
from cases.access import deny, limit_grants, require_role_permission, revoke_grants
from cases.exceptions import CaseRuleError, Conflict
from cases.models import Agreement, Case, CaseAccessGrant, ReportingCredential
from cases.services.intake import open_case_on_concern, serves
from cases.services.sharing import agreement_ends_at
from cases.signals import agreement_ended
from cases.vocabulary import AgreementKind, FieldGroup, ReporterKind

MANAGE = "cases.manage_agreements"
# Who an agreement is signed with: organisations outside the case work, most without accounts.
PARTY_KINDS = [
    OrganisationKind.BUSINESS,
    OrganisationKind.NEIGHBOURHOOD_ASSOCIATION,
    OrganisationKind.VETERINARY_CLINIC,
    OrganisationKind.COMMISSIONER_COUNCIL,
    OrganisationKind.OTHER,
]
TERMS = (
    "kind",
    "title",
    "party",
    "area",
    "field_groups",
    "storage_clause",
    "handlers_clause",
    "return_clause",
    "breach_clause",
)
CONFLICT = gettext_lazy(
    "他の人が先にこの協定を更新しました。画面を開き直して、最新の内容を確かめてください。"
)


def administering_offices(actor: User) -> list[Organisation]:
    """The ward offices the actor works for: the municipal side of the agreements they manage."""
    offices = Organisation.objects.filter(
        pk__in=organisation_ids_of(actor), kind=OrganisationKind.WARD_OFFICE
    )
    return list(offices.order_by("name"))


def _require_administrator(actor: User, municipal_side: Organisation, action: str) -> None:
    require_role_permission(actor, MANAGE, action=action)
    if municipal_side not in administering_offices(actor):
        deny(actor, action=action)


def _check_terms(values: dict, municipal_side: Organisation) -> None:
    """The rules an agreement's terms keep, each beside its field."""
    errors: dict[str, list[ValidationError]] = {}
    party, area = values.get("party"), values.get("area")
    if party is not None and (
        party.kind not in PARTY_KINDS
        or not party.is_active
        or party.municipality_id != municipal_side.municipality_id
    ):
        errors["party"] = [
            ValidationError(
                _(
                    "相手方には、同じ市の事業者・自治会町内会・動物病院・民生委員児童委員協議会などを選んでください。"
                ),
                code="not_a_party",
            )
        ]
    elif party is not None and party.pk == municipal_side.pk:
        errors["party"] = [
            ValidationError(_("相手方には、市・区の担当以外の組織を選んでください。"), code="self")
        ]
    if area is not None and not serves(municipal_side, area):
        errors["area"] = [
            ValidationError(_("市・区の担当の組織が受け持つ地域から選んでください。"), code="not_its_area")
        ]
    groups = values.get("field_groups") or []
    if not groups or not set(groups) <= set(FieldGroup.values):
        errors["field_groups"] = [
            ValidationError(_("共有できる情報を一つ以上選んでください。"), code="no_groups")
        ]
    if values.get("kind") not in AgreementKind.values:
        errors["kind"] = [ValidationError(_("協定の種類を選んでください。"), code="no_kind")]
    starts, ends = values.get("valid_from"), values.get("valid_until")
    if starts and ends and ends < starts:
        errors["valid_until"] = [
            ValidationError(
                _("有効期間の終わりは、始まりより後の日付にしてください。"), code="ends_before_start"
            )
        ]
    if errors:
        raise CaseRuleError(errors)


def register_agreement(
    *,
    actor: User,
    municipal_side: Organisation,
    kind: str,
    title: str,
    party: Organisation,
    area: Area,
    field_groups: list[str],
    storage_clause: str,
    handlers_clause: str,
    return_clause: str,
    breach_clause: str,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
) -> Agreement:
    """An agreement the actor's ward office has signed, as signed."""
    _require_administrator(actor, municipal_side, "register_agreement")
    values = {
        "kind": kind,
        "title": title,
        "party": party,
        "area": area,
        "field_groups": sorted(set(field_groups)),
        "storage_clause": storage_clause,
        "handlers_clause": handlers_clause,
        "return_clause": return_clause,
        "breach_clause": breach_clause,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }
    _check_terms(values, municipal_side)
    with transaction.atomic():
        agreement = Agreement(municipal_side=municipal_side, created_by=actor, **values)
        agreement.full_clean()
        agreement.save()
        audit.record(
            "agreement.registered",
            actor=actor,
            organisation_id=municipal_side.pk,
            target=agreement,
            params={"agreement_kind": kind, "party": party.pk},
        )
    return agreement


def _locked(agreement: Agreement, expected_version: int) -> Agreement:
    stored = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if stored.version != expected_version:
        raise Conflict(CONFLICT)
    return stored


def renew_agreement(
    *,
    actor: User,
    agreement: Agreement,
    expected_version: int,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
) -> Agreement:
    """The same terms for the next period, as a new agreement that names the one it renews. One
    without an end is ended the day before the renewal starts. Access given under the earlier one
    still ends with it: sharing in the new period names the new agreement."""
    _require_administrator(actor, agreement.municipal_side, "renew_agreement")
    errors: dict[str, list[ValidationError]] = {}
    last = agreement.last_day
    if agreement.terminated_on is not None:
        errors["valid_from"] = [ValidationError(_("終了した協定は更新できません。"), code="terminated")]
    elif last is None and valid_from < timezone.localdate():
        errors["valid_from"] = [
            ValidationError(
                _(
                    "期限のない協定の更新は、今日以降の日から始めてください"
                    "（更新前の協定を過去にさかのぼって終えることはできません）。"
                ),
                code="in_past",
            )
        ]
    elif valid_from <= (last if last is not None else agreement.valid_from):
        errors["valid_from"] = [
            ValidationError(
                _("更新後の始まりは、更新前の協定の終わり（%(day)s）より後の日付にしてください。")
                % {"day": last or agreement.valid_from},
                code="overlaps",
            )
        ]
    if valid_until is not None and valid_until < valid_from:
        errors["valid_until"] = [
            ValidationError(
                _("有効期間の終わりは、始まりより後の日付にしてください。"), code="ends_before_start"
            )
        ]
    if errors:
        raise CaseRuleError(errors)
    with transaction.atomic():
        stored = _locked(agreement, expected_version)
        if Agreement.objects.filter(renews=stored).exists():
            raise Conflict(_("この協定はすでに更新されています。更新後の協定を開いてください。"))
        limited = 0
        if stored.valid_until is None:
            stored.valid_until = valid_from - datetime.timedelta(days=1)
            # Access given under it ends with it now that it has an end (sharing.disclose locks
            # the agreement while it grants, so none is written in between).
            limited = limit_grants(
                CaseAccessGrant.objects.filter(disclosure__agreement=stored), agreement_ends_at(stored)
            )
        stored.version += 1
        stored.save()
        renewal = Agreement(
            municipal_side=stored.municipal_side,
            created_by=actor,
            renews=stored,
            valid_from=valid_from,
            valid_until=valid_until,
            **{name: getattr(stored, name) for name in TERMS},
        )
        renewal.full_clean()
        renewal.save()
        audit.record(
            "agreement.renewed",
            actor=actor,
            organisation_id=stored.municipal_side_id,
            target=renewal,
            params={"renews": stored.pk, "grants_limited": limited},
        )
    return renewal


def terminate_agreement(
    *,
    actor: User,
    agreement: Agreement,
    expected_version: int,
    terminated_on: datetime.date,
    reason: str,
) -> Agreement:
    """The agreement ended on ``terminated_on`` (today or earlier): nothing is shared under it from
    that day, and every access given under it ends now."""
    _require_administrator(actor, agreement.municipal_side, "terminate_agreement")
    errors: dict[str, list[ValidationError]] = {}
    if terminated_on > timezone.localdate():
        errors["terminated_on"] = [
            ValidationError(
                _("終了日に先の日付は入力できません。終了した日に記録してください。"), code="in_future"
            )
        ]
    elif terminated_on < agreement.valid_from:
        errors["terminated_on"] = [
            ValidationError(_("終了日は、有効期間の始まりより後の日付にしてください。"), code="before_start")
        ]
    if not reason.strip():
        errors["reason"] = [ValidationError(_("終了の理由を入力してください。"), code="required")]
    if errors:
        raise CaseRuleError(errors)
    with transaction.atomic():
        stored = _locked(agreement, expected_version)
        if stored.terminated_on is not None:
            raise Conflict(_("この協定の終了はすでに記録されています。"))
        stored.terminated_on, stored.termination_reason = terminated_on, reason.strip()
        stored.version += 1
        stored.save()
        ended = revoke_grants(
            CaseAccessGrant.objects.filter(disclosure__agreement=stored), actor=actor, why="agreement_ended"
        )
        agreement_ended.send(sender=Agreement, agreement=stored, actor=actor)
        audit.record(
            "agreement.terminated",
            actor=actor,
            organisation_id=stored.municipal_side_id,
            target=stored,
            params={"grants_ended": ended},
        )
    return stored


# --- reporting under an agreement ----------------------------------------------------------------
# A code is four groups of four characters a delivery round can type on a phone (no 0/O, 1/I):
# the first group finds the credential, the whole is checked against its hash. Wrong codes count as
# failed sign-ins from the address (django-axes: the view's), so guessing is bounded per address.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REPORTS_PER_HOUR = 30


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalised_code(typed: str) -> str:
    """The code as issued, from what was typed: full-width or lower-case letters, spaces or
    hyphens anywhere ("abcd efgh…", "ＡＢＣＤ－…")."""
    letters = "".join(ch for ch in unicodedata.normalize("NFKC", typed).upper() if ch.isalnum())
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


def issue_credential(*, actor: User, agreement: Agreement, label: str) -> tuple[ReportingCredential, str]:
    """A new code for the agreement's party, shown once (only its hash is kept)."""
    _require_administrator(actor, agreement.municipal_side, "issue_credential")
    if not label.strip():
        raise CaseRuleError({"label": [ValidationError(_("用途を入力してください。"), code="required")]})
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)  # as it stands now
        last = agreement.last_day
        if last is not None and last < timezone.localdate():  # ended; one yet to start may have codes
            raise CaseRuleError(
                _("効力のない協定（%(status)s）には報告用コードを発行できません。")
                % {"status": agreement.status},
                code="agreement_not_in_force",
            )
        while True:  # the first group must be unused: it is how the code is found
            code = "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(4))
            try:
                with transaction.atomic():  # another issue may take the same first group meanwhile
                    credential = ReportingCredential.objects.create(
                        agreement=agreement,
                        label=label.strip(),
                        prefix=code[:4],
                        key_hash=hash_code(code),
                        created_by=actor,
                    )
                break
            except IntegrityError:
                continue
        audit.record(
            "agreement.credential_issued",
            actor=actor,
            organisation_id=agreement.municipal_side_id,
            target=agreement,
            params={"credential": credential.prefix},
        )
    return credential, code


def revoke_credential(*, actor: User | None, credential: ReportingCredential) -> ReportingCredential:
    """The code stops working now. ``actor`` None: its holder revoked it from the reporting page."""
    if actor is not None:
        _require_administrator(actor, credential.agreement.municipal_side, "revoke_credential")
    with transaction.atomic():
        stored = ReportingCredential.objects.select_for_update().get(pk=credential.pk)
        if stored.revoked_at is not None:
            return stored
        stored.revoked_at, stored.revoked_by = timezone.now(), actor
        stored.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            "agreement.credential_revoked",
            actor=actor,
            organisation_id=stored.agreement.municipal_side_id if actor else stored.agreement.party_id,
            target=stored.agreement,
            params={"credential": stored.prefix, "by_holder": actor is None},
        )
    return stored


def credential_for(typed: str) -> ReportingCredential | None:
    """The credential this code is, if it may be used now: not revoked, its agreement in force."""
    code = normalised_code(typed)
    credential = usable_credential(prefix=code[:4])
    if credential is None or not hmac.compare_digest(credential.key_hash, hash_code(code)):
        return None
    return credential


def usable_credential(**found_by) -> ReportingCredential | None:
    """The credential so found (by its first group, or its id), if it may be used now."""
    credential = (
        ReportingCredential.objects.filter(revoked_at__isnull=True, **found_by)
        .select_related("agreement__party", "agreement__area")
        .first()
    )
    return credential if credential is not None and credential.agreement.in_force else None


def report_under_agreement(
    *,
    credential: ReportingCredential,
    area: Area,
    signals: list[str],
    place: str,
    details: str,
    urgency: str,
) -> Case:
    """A concern from the agreement's party: a case in ``noticed`` that the area's care plazas
    receive as any other, marked with the agreement; the party keeps nothing of it."""
    with transaction.atomic():
        stored = (
            ReportingCredential.objects.select_for_update().select_related("agreement").get(pk=credential.pk)
        )
        agreement = stored.agreement
        if stored.revoked_at is not None or not agreement.in_force:
            raise CaseRuleError(
                _("この報告用コードは使えなくなりました（協定の終了、またはコードの無効化）。"),
                code="credential_unusable",
            )
        if not agreement.covers(area):
            raise CaseRuleError(_("協定の対象の地域から選んでください。"), code="outside_area")
        hour_ago = timezone.now() - datetime.timedelta(hours=1)
        if stored.concerns.filter(created_at__gte=hour_ago).count() >= REPORTS_PER_HOUR:
            raise CaseRuleError(
                _(
                    "短い時間に多くの報告がありました。しばらくしてから報告するか、ケアプラザに電話してください。"
                ),
                code="too_many_reports",
            )
        case = open_case_on_concern(
            actor=None,
            reporter_organisation=agreement.party,
            area=area,
            reporter_kind=ReporterKind.BUSINESS,
            signals=signals,
            categories=[],
            urgency=urgency,
            details=details,
            identity={"address": place} if place.strip() else None,
            noticed_on=None,
            credential=stored,
        )
        stored.last_used_at = timezone.now()
        stored.save(update_fields=["last_used_at"])
    return case
