"""Who works in Tsunagu, for which organisation, over which areas.

Municipalities configure their own hierarchy: organisations and areas are data, not code.
Municipalities are keyed by the national local-government code (全国地方公共団体コード),
never by name — 金沢区 (Yokohama) and 金沢市 are different places.
"""

from django.contrib.auth.models import AbstractUser, _user_has_module_perms, _user_has_perm
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role


def local_government_code_check_digit(first_five: str) -> str:
    """Check digit of a 全国地方公共団体コード (総務省 rule: weights 6..2, modulus 11)."""
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return str((11 - total % 11) % 10)


def validate_local_government_code(value: str) -> None:
    if len(value) != 6 or not value.isascii() or not value.isdigit():
        raise ValidationError(
            _("地方公共団体コードは6桁の数字で入力してください。"), code="local_government_code_format"
        )
    if local_government_code_check_digit(value[:5]) != value[5]:
        raise ValidationError(
            _("地方公共団体コードの検査数字が正しくありません。"), code="local_government_code_check_digit"
        )


class AreaLevel(models.TextChoices):
    MUNICIPALITY = "municipality", _("市区町村")
    WARD = "ward", _("区")
    DISTRICT = "district", _("地区")
    PLAZA_AREA = "plaza_area", _("ケアプラザ圏域")


class OrganisationKind(models.TextChoices):
    WARD_OFFICE = "ward_office", _("区役所（福祉保健センター）の課")
    CARE_PLAZA = "care_plaza", _("地域ケアプラザ・地域包括支援センター")
    GUARDIANSHIP_CENTRE = "guardianship_centre", _("成年後見制度の中核機関")
    ANSHIN_CENTRE = "anshin_centre", _("区社協あんしんセンター")
    DISABILITY_CONSULTATION = "disability_consultation", _("基幹相談支援センター")
    SELF_RELIANCE_SUPPORT = "self_reliance_support", _("自立相談支援機関")
    CHILD_FAMILY_SUPPORT = "child_family_support", _("児童家庭支援センター")
    FAMILY_COURT = "family_court", _("家庭裁判所")
    PROFESSIONAL_ASSOCIATION = "professional_association", _("専門職団体")
    COMMISSIONER_COUNCIL = "commissioner_council", _("民生委員児童委員協議会")
    # Parties to agreements (cases.Agreement), often without any user account.
    BUSINESS = "business", _("事業者（見守り協定など）")
    NEIGHBOURHOOD_ASSOCIATION = "neighbourhood_association", _("自治会・町内会")
    VETERINARY_CLINIC = "veterinary_clinic", _("動物病院")
    OTHER = "other", _("その他")


class User(AbstractUser):
    """A person who works in Tsunagu. Residents are never users; they are cases.Person."""

    # When the sign-in page last sent this account a password link: it sends at most one per
    # PASSWORD_LINK_INTERVAL, so that nobody can flood a mailbox (or the audit trail) from it.
    password_link_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("利用者")
        verbose_name_plural = _("利用者")

    def __str__(self) -> str:
        full = f"{self.last_name} {self.first_name}".strip()
        return full or self.username

    # Django answers True here for any active superuser, before asking a backend. Tsunagu's
    # backend (accounts.backends) decides what the flag gives: the administrator's permissions only.
    def has_perm(self, perm: str, obj=None) -> bool:
        return _user_has_perm(self, perm, obj)

    async def ahas_perm(self, perm: str, obj=None) -> bool:
        from asgiref.sync import sync_to_async

        return await sync_to_async(self.has_perm)(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        return _user_has_module_perms(self, app_label)

    async def ahas_module_perms(self, app_label: str) -> bool:
        from asgiref.sync import sync_to_async

        return await sync_to_async(self.has_module_perms)(app_label)


class Area(models.Model):
    """A node of the municipality's area tree: municipality → ward → district (地区) → plaza area.

    Levels may be skipped where a municipality has none (a city without wards), but a child is
    always of a finer level than its parent.
    """

    Level = AreaLevel
    LEVEL_DEPTH = {Level.MUNICIPALITY: 0, Level.WARD: 1, Level.DISTRICT: 2, Level.PLAZA_AREA: 3}

    level = models.CharField(_("階層"), max_length=20, choices=Level.choices)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上位の地域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(
        _("地方公共団体コード"),
        max_length=6,
        blank=True,
        default="",
        validators=[validate_local_government_code],
        help_text=_("市区町村と区は必須（例: 横浜市 141003）。地区・圏域は空欄。"),
    )

    class Meta:
        verbose_name = _("地域")
        verbose_name_plural = _("地域")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=AreaLevel.values),
                name="area_level_valid",
            ),
            # Only a municipality is a root; every other area hangs under one.
            models.CheckConstraint(
                condition=(Q(level=AreaLevel.MUNICIPALITY) & Q(parent__isnull=True))
                | (~Q(level=AreaLevel.MUNICIPALITY) & Q(parent__isnull=False)),
                name="area_only_municipality_is_root",
            ),
            models.CheckConstraint(
                condition=~Q(level__in=[AreaLevel.MUNICIPALITY, AreaLevel.WARD]) | ~Q(code=""),
                name="area_municipality_and_ward_have_code",
            ),
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="area_code_unique"),
            models.UniqueConstraint(fields=["parent", "name"], name="area_name_unique_under_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.level in (self.Level.MUNICIPALITY, self.Level.WARD) and not self.code:
            raise ValidationError({"code": _("市区町村と区には地方公共団体コードが必要です。")})
        if self.parent_id is not None:
            if self.LEVEL_DEPTH[self.parent.level] >= self.LEVEL_DEPTH[self.level]:
                raise ValidationError(
                    {"parent": _("上位の地域は、この地域より大きな階層でなければなりません。")}
                )
            if self.pk is not None and self.pk in {a.pk for a in self.parent.ancestors(include_self=True)}:
                raise ValidationError({"parent": _("地域を自分自身の下に置くことはできません。")})

    def ancestors(self, include_self: bool = False) -> list["Area"]:
        """From this area up to its municipality (a handful of rows: the tree is shallow)."""
        chain: list[Area] = [self] if include_self else []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    @property
    def municipality(self) -> "Area":
        return ([self, *self.ancestors()])[-1]


class Organisation(models.Model):
    Kind = OrganisationKind

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("種別"), max_length=40, choices=Kind.choices)
    municipality = models.ForeignKey(
        Area,
        verbose_name=_("市区町村"),
        on_delete=models.PROTECT,
        related_name="organisations",
        limit_choices_to={"level": Area.Level.MUNICIPALITY},
    )
    areas = models.ManyToManyField(Area, verbose_name=_("担当地域"), related_name="served_by", blank=True)
    is_active = models.BooleanField(_("有効"), default=True)
    # The directory's number: what a commissioner who reported something urgent is told to call.
    phone = models.CharField(
        _("電話番号"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^0\d{1,4}-\d{1,4}-\d{3,4}$",
                _("電話番号は 045-000-0000 のように、ハイフンで区切って入力してください。"),
            )
        ],
        help_text=_("気付きを報告した人に、至急の連絡先として示す代表番号。"),
    )
    # Which ward office sections receive a 至急 concern at once, beside the care plazas.
    receives_urgent = models.BooleanField(
        _("至急の気付きを受ける"),
        default=False,
        help_text=_("命や安全にかかわる（至急の）気付きを、地域ケアプラザと同時に受け付ける区役所の課。"),
    )

    class Meta:
        verbose_name = _("組織")
        verbose_name_plural = _("組織")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values),
                name="organisation_kind_valid",
            ),
            models.UniqueConstraint(fields=["municipality", "name"], name="organisation_name_unique"),
            models.CheckConstraint(
                condition=Q(receives_urgent=False) | Q(kind=OrganisationKind.WARD_OFFICE),
                name="organisation_urgent_is_ward_office",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def municipality_code(self) -> str:
        return self.municipality.code

    def clean(self) -> None:
        if self.municipality_id is not None and self.municipality.level != Area.Level.MUNICIPALITY:
            raise ValidationError({"municipality": _("市区町村を選んでください。")})
        if self.receives_urgent and self.kind != OrganisationKind.WARD_OFFICE:
            raise ValidationError({"receives_urgent": _("至急の気付きを受けられるのは区役所の課です。")})


class Membership(models.Model):
    """A user works for an organisation in a role. The user's role groups follow their memberships."""

    user = models.ForeignKey(
        User, verbose_name=_("利用者"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("組織"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("役割"), max_length=40, choices=Role.choices)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("所属")
        verbose_name_plural = _("所属")
        ordering = ["organisation__name", "role"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}（{self.get_role_display()}）"


class MembershipRequest(models.Model):
    """A membership that waits for a second administrator (four-eyes): a role that reads cases for
    an administrator, or the sysadmin role for someone who reads cases. Approval creates the
    membership; a request is decided once, never by whoever asked for it or whom it is for."""

    user = models.ForeignKey(
        User, verbose_name=_("利用者"), on_delete=models.CASCADE, related_name="membership_requests"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("組織"), on_delete=models.PROTECT, related_name="membership_requests"
    )
    role = models.CharField(_("役割"), max_length=40, choices=Role.choices)
    requested_by = models.ForeignKey(
        User, verbose_name=_("申請した管理者"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申請日時"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("判断した管理者"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("判断日時"), null=True, blank=True)
    approved = models.BooleanField(_("承認"), null=True, blank=True)

    class Meta:
        verbose_name = _("所属の申請（承認待ち）")
        verbose_name_plural = _("所属の申請（承認待ち）")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membershiprequest_role_valid"),
            # Decided means all three are set; pending means none is.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True, decided_at__isnull=True, approved__isnull=True)
                | Q(decided_by__isnull=False, decided_at__isnull=False, approved__isnull=False),
                name="membershiprequest_decided_consistently",
            ),
            # The second pair of eyes is a second person, in the database too.
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("requested_by")), name="membershiprequest_not_own"
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("user")), name="membershiprequest_not_self"
            ),
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(decided_at__isnull=True),
                name="membershiprequest_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}（{self.get_role_display()}）"

    @property
    def is_pending(self) -> bool:
        return self.decided_at is None
