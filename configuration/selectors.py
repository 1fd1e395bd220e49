"""Reads of the municipalities' settings: the values in force (the latest version, the registered
default for what it does not set), and the page that edits them. Settings hold nothing personal:
nothing to record when they are read."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import Area, Organisation, User
from accounts.selectors import organisation_ids_of
from configuration.models import MunicipalConfiguration
from configuration.registry import SETTINGS, Setting

EDIT_PERMISSION = "configuration.add_municipalconfiguration"


@dataclass
class Values:
    """A municipality's settings in force, by key; ``version`` 0 when it has never set any. A
    setting the municipality has not set reads as its default when asked (a default may be a
    read of its own, e.g. the legal-basis catalogue's entries)."""

    version: int
    stored: dict[str, object]

    def __getitem__(self, key: str) -> object:
        return self.stored[key] if key in self.stored else SETTINGS.settings[key].default_value()

    @property
    def by_key(self) -> dict[str, object]:
        return {key: self[key] for key in SETTINGS.settings}


def values_for(municipality_id: int | None) -> Values:
    """The settings in force in a municipality (the defaults where none is known)."""
    latest = (
        MunicipalConfiguration.objects.filter(municipality_id=municipality_id).order_by("-version").first()
        if municipality_id
        else None
    )
    stored = latest.values if latest else {}
    return Values(
        version=latest.version if latest else 0,
        stored={key: value for key, value in stored.items() if key in SETTINGS.settings},
    )


def municipalities_of(user: User) -> list[Area]:
    """The municipalities of the user's organisations, by name."""
    ids = Organisation.objects.filter(pk__in=organisation_ids_of(user)).values("municipality_id")
    return list(Area.objects.filter(pk__in=ids).order_by("name"))


def values_of(user: User) -> Values:
    """The settings in force where the user works (their first municipality by name)."""
    municipalities = municipalities_of(user)
    return values_for(municipalities[0].pk if municipalities else None)


def offered(values: Values, key: str) -> list[tuple[str, str]]:
    """A "choices" setting's codes offered, with their labels, in the app's order."""
    chosen = set(values[key])
    return [(code, label) for code, label in SETTINGS.settings[key].choices() if code in chosen]


@dataclass
class ConfigurationPage:
    municipality: Area
    municipalities: list[Area]
    values: Values
    settings: list[Setting]
    history: list[MunicipalConfiguration]


def configuration_page(actor: User, municipality_id: object = None) -> ConfigurationPage:
    """A municipality's settings for its system administrator (one of the municipalities their
    organisations belong to; the first when none is asked), with their versions."""
    municipalities = municipalities_of(actor) if actor.has_perm(EDIT_PERMISSION) else []
    if not municipalities:
        raise PermissionDenied(_("この操作を行う権限がありません。"))
    chosen = next((m for m in municipalities if str(m.pk) == str(municipality_id)), municipalities[0])
    history = list(
        MunicipalConfiguration.objects.filter(municipality=chosen)
        .select_related("created_by")
        .order_by("-version")[:20]
    )
    for version in history:  # what each changed, as the page names the settings
        version.changed_labels = [
            str(SETTINGS.settings[k].label) for k in version.changed if k in SETTINGS.settings
        ]
    return ConfigurationPage(
        municipality=chosen,
        municipalities=municipalities,
        values=values_for(chosen.pk),
        settings=list(SETTINGS.settings.values()),
        history=history,
    )
