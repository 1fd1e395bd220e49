"""Forms of the pages that change a person's identity, household and supporters. Each field is
checked and normalised as the service does (``cases.services.people.clean_identity``), so that an
error is shown beside its field with what was typed, and nothing is changed."""

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.choices import CallableChoiceIterator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases.forms import Form, JapaneseDateField, VersionField
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


class IdentityChecked(Form):
    """Runs the service's checks on the identity fields the form has, each error beside its field
    (the screens' forms, and each row of the onboarding import's 本人とケース sheet)."""

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


class IdentityForm(IdentityChecked):
    version = VersionField()  # the person's, as read: a change in between is a conflict
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
            if name not in (*fields, "version"):
                del self.fields[name]


def _relation_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("続柄（本人から見て）"),
        choices=[("", "---------")]
        + [c for c in HouseholdMember.Relation.choices if c[0] != HouseholdMember.Relation.SELF],
        error_messages={"required": _("続柄を選んでください。")},
    )


class HouseholdMemberForm(IdentityChecked):
    relation = _relation_field()
    name = forms.CharField(label=_("氏名"), max_length=100)
    kana = forms.CharField(label=_("ふりがな"), max_length=100, required=False)
    birth_date = _birth_date_field()
    is_carer = forms.BooleanField(label=_("介護・世話をしている"), required=False)


# The name of the search box's own button: pressed (or Enter in the box), the form searches.
SEARCH = "search"


class SearchBox(forms.TextInput):
    """A search box with its own button, which submits the form to search, unchecked
    (``formnovalidate``): the form's main button is the one that acts."""

    input_type = "search"

    def __init__(self, button: str, attrs: dict | None = None):
        super().__init__(attrs)
        self.button = button

    def render(self, name, value, attrs=None, renderer=None):
        box = super().render(name, value, attrs, renderer)
        return format_html(
            '<div class="search-row">{}<button type="submit" name="{}" value="1" class="button"'
            " formnovalidate>{}</button></div>",
            box,
            SEARCH,
            self.button,
        )


class _ShownText:
    """A help text decided when it is shown (a bound field asks only whether there is one)."""

    def __init__(self, say: Callable[[], str]):
        self.say = say

    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        return self.say()


class ExistingMemberForm(Form):
    """Someone already registered, found by search, as a member of the case's person's household.

    The search button shows the same form again with the people found as choices (``searching``:
    nothing is checked or changed); the main button adds the one chosen. ``candidates(query)``
    gives the (id, label) choices of the people the actor may see — the search is asked again on
    every POST, so that a form shown again with an error still offers them."""

    about = _(
        "既に登録されている人（別のケースの本人や、別の世帯の世帯員として登録された人）を、この世帯の世帯員に加えます。"
        "探せるのは、あなたが氏名を見ることのできる人だけです。"
    )
    q = forms.CharField(
        label=_("氏名・ふりがな・電話番号・生年月日で探す"),
        max_length=100,
        required=False,
        help_text=_("完全一致で探します。姓だけ・名だけでも探せます。"),
        widget=SearchBox(_("探す")),
    )
    person = forms.CharField(
        label=_("世帯員に加える人"),
        widget=forms.RadioSelect,
        error_messages={"required": _("加える人を選んでください。")},
    )
    relation = _relation_field()
    is_carer = forms.BooleanField(label=_("介護・世話をしている"), required=False)

    def __init__(self, *args, candidates: Callable[[str], list] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.searching = self.is_bound and SEARCH in self.data
        query = str(self.data.get("q", "")).strip() if self.is_bound else ""
        found: list = []

        def people_found() -> list:
            """Searched (and the showing recorded) once, when the form is shown: never for a
            POST that succeeds and shows nothing."""
            if query and candidates and len(query) <= 100 and not found:
                found.append(candidates(query))
            return found[0] if found else []

        def help_text() -> str:
            if people_found():
                return str(_("この閲覧は監査記録に残ります。"))
            if query:
                return str(_("該当する人は見つかりませんでした（氏名を見ることのできる人だけを探します）。"))
            return str(_("上の欄で探すと、ここに選べる人が表示されます。"))

        self.fields["person"].widget.choices = CallableChoiceIterator(people_found)
        self.fields["person"].help_text = _ShownText(help_text)

    def full_clean(self):
        if self.searching:  # only a step: shown again as typed, with no error and nothing checked
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    def service_arguments(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("person", "relation", "is_carer")}


class EndMembershipForm(Form):
    ended_on = JapaneseDateField(
        past=True,
        label=HouseholdMember._meta.get_field("ended_on").verbose_name,
        help_text=_(
            "転出・施設への入所・死亡などで、一緒に暮らさなくなった日です。和暦でも西暦でも入力できます。"
        ),
    )

    def __init__(self, *args, about: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.about = about


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
