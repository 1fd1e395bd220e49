"""A token another system uses to call the API: it acts as one user of one organisation, within
its scopes, until it expires or is revoked. Only its hash is stored (docs/api.md "Tokens")."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User


class Scope(models.TextChoices):
    """What a token may do; each endpoint names the scope it needs."""

    CONCERNS_CREATE = "concerns:create", _("気付きの登録")
    CASES_READ = "cases:read", _("ケースの閲覧")
    CASES_ACT = "cases:act", _("ケースの操作（受付・同意・共有・会議・段階の移行）")
    PERSONS_SEARCH = "persons:search", _("本人の検索")
    PERSONS_UPDATE = "persons:update", _("本人の情報の変更")
    REFERRALS_READ = "referrals:read", _("つなぎの閲覧")
    REFERRALS_ACT = (
        "referrals:act",
        _("つなぎの操作（下書き・送付・引き受け・質問・回答・お断り・完了・取り下げ）"),
    )
    MATTERS_READ = "matters:read", _("後見の案件の閲覧")
    MATTERS_ACT = "matters:act", _("後見の案件の操作（検討・申立て・審判・終了など）")
    SAFETY_CHECKS = "safety:check", _("災害時の安否確認（担当する方の閲覧と記録）")


class ApiToken(models.Model):
    # The token's public part: how it is found (and named in lists and the audit trail). The
    # secret part is never stored: ``key_hash`` is the SHA-256 of the whole token.
    prefix = models.CharField(_("識別子"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    name = models.CharField(
        _("用途"), max_length=100, help_text=_("例: 区の相談記録システムからの気付きの登録")
    )
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("利用者")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("組織")
    )
    scopes = models.JSONField(_("範囲"), default=list)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="api_tokens_created", verbose_name=_("作成者")
    )
    expires_at = models.DateTimeField(_("有効期限"))
    revoked_at = models.DateTimeField(_("失効日時"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_tokens_revoked",
        verbose_name=_("失効させた人"),
    )

    class Meta:
        verbose_name = _("APIトークン")
        verbose_name_plural = _("APIトークン")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"
