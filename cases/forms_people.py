"""Forms of the pages that change a person's identity, household and supporters. Each field is
checked and normalised as the service does (``cases.services.people.clean_identity``), so that an
error is shown beside its field with what was typed, and nothing is changed."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.forms import Form, JapaneseDateField
from cases.models import HouseholdMember, Person, Supporter
from cases.services.people import EDITABLE_FIELDS, clean_identity
from privacy.normalise import wareki


def _birth_date_field() -> JapaneseDateField:
    return JapaneseDateField(
        past=True,
        label=Person._meta.get_field("birth_date").verbose_name,
        required=False,
        help_text=_("和暦でも西暦でも入力できます（例: 昭和23年3月15日、S23.3.15、1948-03-15）。"),
    )


class _IdentityChecked(Form):
    """Runs the service's checks on the identity fields the form has, each error beside its field."""

    def clean(self):
        data = super().clean()
        given = {name: data[name] for name in EDITABLE_FIELDS if name in data}
        try:
            data.update(clean_identity(given))
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(name, message)
        return data


class IdentityForm(_IdentityChecked):
    name = forms.CharField(label=_("氏名"), max_length=100, required=False)
    kana = forms.CharField(label=_("ふりがな"), max_length=100, required=False)
    birth_date = _birth_date_field()
    address = forms.CharField(label=_("住所"), max_length=300, required=False)
    phone = forms.CharField(
        label=_("電話番号"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args, fields: list[str], current: dict | None = None, **kwargs):
        """Only the ``fields`` the actor may change; ``current`` their values now (the date in 和暦)."""
        if current is not None and (not args or args[0] is None) and kwargs.get("data") is None:
            kwargs["initial"] = {
                name: wareki(value) if name == "birth_date" and value else value
                for name, value in current.items()
            }
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]


class HouseholdMemberForm(_IdentityChecked):
    relation = forms.ChoiceField(
        label=_("続柄（本人から見て）"),
        choices=[("", "---------")]
        + [c for c in HouseholdMember.Relation.choices if c[0] != HouseholdMember.Relation.SELF],
    )
    name = forms.CharField(label=_("氏名"), max_length=100)
    kana = forms.CharField(label=_("ふりがな"), max_length=100, required=False)
    birth_date = _birth_date_field()
    is_carer = forms.BooleanField(label=_("介護・世話をしている"), required=False)


class SupporterForm(Form):
    role = forms.ChoiceField(label=_("役割"), choices=[("", "---------"), *Supporter.Role.choices])
    name = forms.CharField(label=_("氏名"), max_length=100)
    relation = forms.CharField(
        label=_("本人との関係"), max_length=50, required=False, help_text=_("例: 長女、隣の部屋の人、元同僚")
    )
    contact = forms.CharField(label=_("連絡先"), max_length=100, required=False)

    def __init__(self, *args, shows_contact: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not shows_contact:
            del self.fields["contact"]
