"""One form per row of the workbook (each row checked as a form on a page would be: the same
messages, in Japanese first), and the upload. A choice may be written as it reads on screen (its
label) or as its code."""

import re

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import MinValueValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import AreaLevel, OrganisationKind, validate_local_government_code
from accounts.roles import Role
from cases.forms import JapaneseDateField
from cases.forms_people import IdentityChecked
from cases.models import CaseState
from cases.services.importing import IMPORTABLE_STATES
from guardianship.vocabulary import CandidateKind, Language, Specialism

SEPARATORS = re.compile(r"[、,，/／\n]+")
# The candidates the onboarding file may list: a relative is registered from their relative's matter.
# The states an open case from paper may come in at (cases.services.importing.IMPORTABLE_STATES).
IMPORTED_CASE_STATES = [(state.value, state.label) for state in IMPORTABLE_STATES]
IMPORTED_CANDIDATE_KINDS = [
    (code, label) for code, label in CandidateKind.choices if code != CandidateKind.RELATIVE
]


def accepted(choices) -> list[str]:
    return [str(label) for _code, label in choices]


def names_of(code: object, label: object) -> set[str]:
    """What a cell may say for a choice: its code, its label as the reader's language says it,
    and its Japanese label — the workbook's sheets and headers are Japanese whatever language the
    administrator's screens are in."""
    with translation.override("ja"):
        japanese = str(label)
    return {str(code), str(label), japanese}


class LabelledChoiceField(forms.ChoiceField):
    """A choice written as its label (民生委員・児童委員) or its code (commissioner)."""

    def to_python(self, value):
        text = super().to_python(value)
        return self._codes().get(text, text)

    def _codes(self) -> dict[str, str]:
        """Every name of every choice → its code, worked out once per language: a city's file
        asks the same few choices a hundred thousand times."""
        language = translation.get_language()
        cached = self.__dict__.setdefault("_codes_by_language", {})
        if language not in cached:
            cached[language] = {}
            for code, label in self.choices:
                for name in names_of(code, label):
                    cached[language].setdefault(name, code)
        return cached[language]

    def validate(self, value):
        if value and value not in {str(code) for code, _label in self.choices}:
            raise forms.ValidationError(
                _("「%(value)s」は選べません。選べるのは：%(choices)s")
                % {"value": value, "choices": "、".join(accepted(self.choices))},
                code="invalid_choice",
            )
        super().validate(value)


class LabelledListField(forms.Field):
    """Several choices in one cell, separated by 、 or commas."""

    def __init__(self, *, choices, **kwargs):
        self.choices = list(choices)
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        found = []
        for part in SEPARATORS.split(str(value or "")):
            part = part.strip()
            if not part:
                continue
            code = next((c for c, label in self.choices if part in names_of(c, label)), None)
            if code is None:
                raise forms.ValidationError(
                    _("「%(value)s」は選べません。選べるのは：%(choices)s")
                    % {"value": part, "choices": "、".join(accepted(self.choices))},
                    code="invalid_choice",
                )
            found.append(code)
        return sorted(set(found))


class NamesField(forms.Field):
    """Names (of areas) in one cell, separated by 、 or commas; looked up by the service."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return [part.strip() for part in SEPARATORS.split(str(value or "")) if part.strip()]


class YesNoField(forms.Field):
    """はい or いいえ (also ○/×, yes/no, 1/0, or an Excel TRUE/FALSE); an empty cell is ``default``."""

    YES = frozenset({"はい", "○", "〇", "yes", "true", "1"})
    NO = frozenset({"いいえ", "×", "no", "false", "0"})

    def __init__(self, *, default: bool, **kwargs):
        self.default = default
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if isinstance(value, bool):
            return value
        text = str(value if value is not None else "").strip().lower()
        if not text:
            return self.default
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise forms.ValidationError(
            _("「%(value)s」は「はい」か「いいえ」で書いてください。"),
            code="invalid_choice",
            params={"value": value},
        )


class AreaRow(forms.Form):
    name = forms.CharField(max_length=100)
    level = LabelledChoiceField(choices=AreaLevel.choices)
    parent = forms.CharField(max_length=100, required=False)
    code = forms.CharField(max_length=6, required=False, validators=[validate_local_government_code])


class LegalBasisRow(forms.Form):
    code = forms.SlugField(max_length=40)
    name = forms.CharField(max_length=200)
    citation = forms.CharField(max_length=200)
    is_consent = YesNoField(default=False)
    allows_meeting_without_consent = YesNoField(default=False)
    requires_reference = YesNoField(default=False)
    organisation_kinds = LabelledListField(choices=OrganisationKind.choices)
    is_active = YesNoField(default=True)


class OrganisationRow(forms.Form):
    name = forms.CharField(max_length=200)
    kind = LabelledChoiceField(choices=OrganisationKind.choices)
    phone = forms.CharField(max_length=20, required=False)
    areas = NamesField()


class UserRow(forms.Form):
    username = forms.CharField(max_length=150, validators=[UnicodeUsernameValidator()])
    last_name = forms.CharField(max_length=150)
    first_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField()
    organisation = forms.CharField(max_length=200)
    role = LabelledChoiceField(choices=Role.choices)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if not username.isascii():
            raise forms.ValidationError(_("ログインIDは半角英数字と @.+-_ で書いてください。"), code="ascii")
        return username


class CandidateRow(forms.Form):
    kind = LabelledChoiceField(choices=IMPORTED_CANDIDATE_KINDS)
    name = forms.CharField(max_length=100)
    contact = forms.CharField(max_length=300, required=False)
    organisation = forms.CharField(max_length=200, required=False)
    max_caseload = forms.IntegerField(min_value=1, max_value=100)
    caseload = forms.IntegerField(
        min_value=0, max_value=100, required=False, validators=[MinValueValidator(0)]
    )
    areas = NamesField()
    languages = LabelledListField(choices=Language.choices)
    specialisms = LabelledListField(choices=Specialism.choices)
    training_completed_on = forms.DateField(required=False)
    registered_on = forms.DateField(required=False)


class PersonCaseRow(IdentityChecked):
    """A person and their open case (the 本人とケース sheet): the identity checked and normalised as
    the person's own page does it (``clean_identity``: kana in hiragana, digits half-width, the
    phone's form; dates as people write them, 和暦 too); areas, organisations and the legal basis
    are looked up by the import."""

    name = forms.CharField(max_length=100)
    kana = forms.CharField(max_length=100, required=False)
    birth_date = JapaneseDateField(past=True, required=False)
    address = forms.CharField(max_length=300, required=False)
    phone = forms.CharField(max_length=30, required=False)
    notes = forms.CharField(max_length=4000, required=False)
    area = forms.CharField(max_length=100)
    lead = forms.CharField(max_length=200)
    # Never in the future: cases.services.importing.record_problems says so, once, for the column.
    opened_on = JapaneseDateField()
    state = LabelledChoiceField(choices=IMPORTED_CASE_STATES, required=False)
    legal_basis = forms.CharField(max_length=200)
    reference = forms.CharField(max_length=500, required=False)

    def clean_state(self):
        return self.cleaned_data["state"] or CaseState.SHARING


ROW_FORMS = {
    "areas": AreaRow,
    "organisations": OrganisationRow,
    "users": UserRow,
    "candidates": CandidateRow,
    "legal_bases": LegalBasisRow,
}


def row_checker(form_class: type[forms.Form]):
    """Check rows with ``form_class`` as a bound form would — its fields, its clean_<field>
    methods, the same messages — with one form for every row: a form per row copies its fields
    each time, most of the cost of checking a city's file. Returns a function of a row's values
    giving (cleaned data, errors by field)."""
    form = form_class(data={})

    def check(values: dict) -> tuple[dict, dict]:
        form.data = values
        form.full_clean()  # a new cleaned_data and errors each time
        return form.cleaned_data, form.errors

    return check


class UploadForm(forms.Form):
    workbook = forms.FileField(
        label=_("取り込むファイル（Excel）"),
        help_text=_("ひな形に書き込んだ .xlsx ファイル。まず確かめるだけで、まだ何も登録しません。"),
    )

    MAX_BYTES = 20 * 1024 * 1024

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("ファイルが大きすぎます（20MBまで）。"), code="too_large")
        return upload
