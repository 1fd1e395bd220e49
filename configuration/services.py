"""Changes of a municipality's settings: each a new version, checked against what each setting
allows, refused when the page was drawn from an older version (a conflict, not a lost update),
recorded with the keys it changed."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Area, User
from audit import services as audit
from configuration.models import MunicipalConfiguration
from configuration.registry import SETTINGS
from configuration.selectors import EDIT_PERMISSION, municipalities_of, values_for

CONFLICT = gettext_lazy(
    "他の人が先に設定を変更しました。画面を開き直して、最新の設定を確かめてから変更してください。"
)


class ConfigurationConflict(Exception):
    def __str__(self) -> str:
        return str(CONFLICT)


def check_value(key: str, value: object) -> object:
    """``value`` as the setting ``key`` keeps it, or a ValidationError saying what it allows."""
    setting = SETTINGS.settings[key]
    if setting.kind == "choices":
        codes = [code for code, _label in setting.choices()]
        if not isinstance(value, list | tuple) or any(code not in codes for code in value):
            raise ValidationError(_("選べない値が含まれています。"), code="not_a_choice")
        if len(set(value)) < max(setting.least, 1):
            raise ValidationError(
                _("%(least)d個以上選んでください。") % {"least": max(setting.least, 1)}, code="too_few"
            )
        return [code for code in codes if code in set(value)]  # the app's order
    if setting.kind == "number":
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not setting.least <= value <= setting.most
        ):
            raise ValidationError(
                _("%(least)dから%(most)dまでの整数にしてください。")
                % {"least": setting.least, "most": setting.most},
                code="out_of_range",
            )
        return value
    text = str(value if value is not None else "").strip()
    if not setting.least <= len(text) <= setting.most:
        message = (
            _("%(least)d文字から%(most)d文字までで入力してください。")
            if setting.least
            else _("%(most)d文字までで入力してください。")
        )
        raise ValidationError(message % {"least": setting.least, "most": setting.most}, code="bad_length")
    return text


def change_configuration(
    *, actor: User, municipality: Area, expected_version: int, values: dict[str, object]
) -> MunicipalConfiguration:
    """A new version of the municipality's settings: ``values`` (by key) over those in force."""
    if not (
        actor.is_authenticated and actor.has_perm(EDIT_PERMISSION)
    ) or municipality not in municipalities_of(actor):
        raise PermissionDenied(_("この操作を行う権限がありません。"))
    unknown = set(values) - set(SETTINGS.settings)
    if unknown:  # a caller's mistake, not the user's input
        raise TypeError(f"unknown settings {sorted(unknown)}")
    errors = {}
    checked = {}
    for key, value in values.items():
        try:
            checked[key] = check_value(key, value)
        except ValidationError as error:
            errors[key] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = values_for(municipality.pk)
        if current.version != expected_version:
            raise ConfigurationConflict()
        changed = sorted(key for key, value in checked.items() if current[key] != value)
        try:
            with transaction.atomic():
                version = MunicipalConfiguration.objects.create(
                    municipality=municipality,
                    version=current.version + 1,
                    values={**current.by_key, **checked},
                    changed=changed,
                    created_by=actor,
                )
        except IntegrityError as error:  # another change took the same version number meanwhile
            raise ConfigurationConflict() from error
        audit.record(
            "configuration.changed",
            actor=actor,
            target=version,
            fields=[f"configuration.{key}" for key in changed],
            params={"version": version.version},
        )
    return version
