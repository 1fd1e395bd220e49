"""Issuing, revoking and using API tokens. A token is shown once, when issued; afterwards only its
prefix is known (its SHA-256 is what is stored). Every issue, revocation, use and refusal is in
the audit trail, naming the token, never its secret."""

import datetime
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.selectors import holds_role, organisation_ids_of
from api.models import ApiToken, Scope
from audit import services as audit

TOKEN_PREFIX = "tsg"  # noqa: S105 (what every key starts with, not a secret)
LONGEST_LIFE = datetime.timedelta(days=366)


class TokenError(Exception):
    """A token that cannot be issued or used; the message says why, in the reader's language."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(
    *,
    actor: User,
    user: User,
    organisation: Organisation,
    name: str,
    scopes: list[str],
    expires_at: datetime.datetime,
) -> tuple[ApiToken, str]:
    """A new token for ``user`` acting for ``organisation`` (where they are a member), and the key
    to hand over — once: it is not stored. Only a sysadmin issues tokens; a token lives at most a
    year."""
    check_issue(actor=actor, user=user, organisation=organisation, scopes=scopes, expires_at=expires_at)
    prefix = secrets.token_hex(6)
    key = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            prefix=prefix,
            key_hash=_hash(key),
            name=name,
            user=user,
            organisation=organisation,
            scopes=sorted(set(scopes)),
            created_by=actor,
            expires_at=expires_at,
        )
        audit.record(
            "api_token.issued",
            actor=actor,
            target=token,
            params={"scopes": token.scopes, "user": user.pk, "organisation": organisation.pk},
        )
    return token, key


def check_issue(
    *, actor: User, user: User, organisation: Organisation, scopes: list[str], expires_at: datetime.datetime
) -> None:
    """The rules of issuing (a TokenError naming the first one broken); the admin's form asks too."""
    if not holds_role(actor, {Role.SYSADMIN}):
        raise TokenError(_("APIトークンを発行できるのはシステム管理者だけです。"), "not_sysadmin")
    if not user.is_active or not user.memberships.filter(organisation=organisation).exists():
        raise TokenError(_("その利用者は、選んだ組織に所属していません。"), "not_member")
    if not _of_one_organisation(token_user=user, organisation_id=organisation.pk):
        # Every read of the user's grants takes all their organisations': a user of several would
        # carry the others' into the token. A system gets a user of its own (docs/api.md).
        raise TokenError(
            _(
                "トークンの利用者は、その組織だけに所属する利用者にしてください（システム用の利用者を作ります）。"
            ),
            "several_organisations",
        )
    if not scopes or not set(scopes) <= set(Scope.values):
        raise TokenError(_("範囲を一つ以上、選べるものから選んでください。"), "unknown_scope")
    now = timezone.now()
    if not now < expires_at <= now + LONGEST_LIFE:
        raise TokenError(_("有効期限は、今から1年以内の日時にしてください。"), "bad_expiry")


def _of_one_organisation(*, token_user: User, organisation_id: int) -> bool:
    """Whether the user belongs to this organisation and no other (the ids read with the user's,
    so the request's permission checks read no more)."""
    return set(organisation_ids_of(token_user)) == {organisation_id}


def revoke_token(*, actor: User, token: ApiToken) -> ApiToken:
    """The token is refused from now on. Revoking twice changes nothing."""
    if not holds_role(actor, {Role.SYSADMIN}):
        raise TokenError(_("APIトークンを失効させられるのはシステム管理者だけです。"), "not_sysadmin")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at, token.revoked_by = timezone.now(), actor
            token.save(update_fields=["revoked_at", "revoked_by"])
            audit.record("api_token.revoked", actor=actor, target=token)
    return token


def use_token(key: str, *, endpoint: str) -> ApiToken:
    """The token this key is, if it may be used now (recorded: the token and the endpoint); a
    TokenError otherwise (recorded too, without the key)."""
    parts = key.split("_", 2)
    token = None
    if len(parts) == 3 and parts[0] == TOKEN_PREFIX:
        token = ApiToken.objects.select_related("user", "organisation").filter(prefix=parts[1]).first()
    now = timezone.now()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(key)):
        why = "unknown"
    elif token.revoked_at is not None:
        why = "revoked"
    elif token.expires_at <= now:
        why = "expired"
    elif not token.user.is_active:
        why = "inactive"
    elif not _of_one_organisation(token_user=token.user, organisation_id=token.organisation_id):
        why = "organisations_changed"  # a membership added or ended since the token was issued
    else:
        audit.record(
            "api_token.used",
            actor=token.user,
            organisation_id=token.organisation_id,
            target=token,
            params={"endpoint": endpoint},
        )
        return token
    audit.record(
        "api_token.refused",
        target=None if why == "unknown" else token,
        params={"why": why, "endpoint": endpoint},
    )
    raise TokenError(_("APIトークンが無効です（存在しない、失効済み、または期限切れ）。"), why)
