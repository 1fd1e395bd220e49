from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Area
from cases.forms import Form, JapaneseDateField, VersionedForm
from cases.models import Person
from disaster.models import (
    CARE_LEVELS,
    DISABILITY_GRADES,
    ConsentMethod,
    ConsentStatus,
    Declaration,
    DisasterKind,
    EvacuationPlan,
    ListIssue,
    Registration,
    SafetyStatus,
)

_registration = Registration._meta.get_field
_plan = EvacuationPlan._meta.get_field
_person = Person._meta.get_field


class CircumstancesForm(Form):
    """Where the person lives, what makes them meet the criteria, and their answer on provision."""

    area = forms.ModelChoiceField(label=_registration("area").verbose_name, queryset=Area.objects.none())
    care_level = forms.ChoiceField(
        label=_registration("care_level").verbose_name, choices=CARE_LEVELS, required=False
    )
    disability_grade = forms.ChoiceField(
        label=_registration("disability_grade").verbose_name, choices=DISABILITY_GRADES, required=False
    )
    lives_alone = forms.BooleanField(label=_registration("lives_alone").verbose_name, required=False)
    self_registered = forms.BooleanField(label=_registration("self_registered").verbose_name, required=False)
    consent = forms.ChoiceField(
        label=_registration("consent").verbose_name,
        choices=ConsentStatus.choices,
        initial=ConsentStatus.NOT_ASKED,
        widget=forms.RadioSelect,
        help_text=_(
            "同意のある人だけが、平常時に協定を結んだ自治会町内会などへ提供されます"
            "（災害対策基本法 第49条の11第2項）。"
        ),
    )
    consent_method = forms.ChoiceField(
        label=_registration("consent_method").verbose_name,
        choices=[("", "—"), *ConsentMethod.choices],
        required=False,
    )
    consent_on = JapaneseDateField(label=_registration("consent_on").verbose_name, past=True, required=False)

    def __init__(self, *args, areas: list[Area], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(pk__in=[a.pk for a in areas]).order_by(
            "level", "name"
        )
        self.fields["area"].empty_label = _("地域を選んでください")


class RegistrationForm(CircumstancesForm):
    """A person newly listed: who they are, then their circumstances."""

    name = forms.CharField(label=_person("name").verbose_name, max_length=100)
    kana = forms.CharField(label=_person("kana").verbose_name, max_length=100, required=False)
    birth_date = JapaneseDateField(label=_person("birth_date").verbose_name, past=True, required=False)
    address = forms.CharField(label=_person("address").verbose_name, max_length=300, required=False)
    phone = forms.CharField(label=_person("phone").verbose_name, max_length=30, required=False)

    field_order = ["name", "kana", "birth_date", "address", "phone"]

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        if len(offices) > 1:
            self.fields["office"] = forms.ModelChoiceField(
                label=_registration("office").verbose_name,
                queryset=offices[0].__class__.objects.filter(pk__in=[o.pk for o in offices]),
            )


class ChangeRegistrationForm(CircumstancesForm, VersionedForm):
    pass


class RemovalForm(VersionedForm):
    removed_on = JapaneseDateField(label=_registration("removed_on").verbose_name, past=True)
    reason = forms.ChoiceField(
        label=_registration("removal_reason").verbose_name, choices=Registration.Removal.choices
    )


def _plan_field(name: str, required: bool = False, rows: int = 0) -> forms.CharField:
    field = _plan(name)
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(
        label=field.verbose_name,
        max_length=field.max_length,
        required=required,
        help_text=field.help_text,
        widget=widget,
    )


class PlanForm(VersionedForm):
    supporter_1 = _plan_field("supporter_1", required=True)
    supporter_2 = _plan_field("supporter_2", required=True)
    destination = _plan_field("destination", required=True)
    route = _plan_field("route", rows=2)
    belongings = _plan_field("belongings", rows=2)
    medical_needs = _plan_field("medical_needs", rows=2)
    contacts = _plan_field("contacts", rows=2)


class IssueForm(Form):
    received_by = forms.CharField(
        label=ListIssue._meta.get_field("received_by").verbose_name,
        max_length=100,
        help_text=_("名簿を受け取る自治会町内会などの方の氏名。すべてのページに提供先として印字されます。"),
    )


class ReturnForm(Form):
    method = forms.ChoiceField(
        label=ListIssue._meta.get_field("return_method").verbose_name,
        choices=ListIssue.Return.choices,
        widget=forms.RadioSelect,
    )
    confirmed_on = JapaneseDateField(label=ListIssue._meta.get_field("returned_on").verbose_name, past=True)


class DeclarationForm(Form):
    kind = forms.ChoiceField(
        label=Declaration._meta.get_field("kind").verbose_name, choices=DisasterKind.choices
    )
    title = forms.CharField(
        label=Declaration._meta.get_field("title").verbose_name,
        max_length=200,
        help_text=Declaration._meta.get_field("title").help_text,
    )
    area = forms.ModelChoiceField(
        label=Declaration._meta.get_field("area").verbose_name, queryset=Area.objects.none()
    )
    is_drill = forms.BooleanField(label=_("訓練として宣言する"), required=False)

    def __init__(self, *args, areas: list[Area], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(pk__in=[a.pk for a in areas]).order_by(
            "level", "name"
        )


class CheckForm(Form):
    """A safety check of one person, as the checks page sends it without script (with script the
    page sends the same fields to the API)."""

    declaration = forms.IntegerField(widget=forms.HiddenInput)
    registration = forms.UUIDField(widget=forms.HiddenInput)
    key = forms.RegexField(regex=r"^[A-Za-z0-9_-]{16,64}$", widget=forms.HiddenInput, required=False)
    status = forms.ChoiceField(label=_("安否"), choices=SafetyStatus.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("メモ"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例: 足をけが。避難所まで付き添いが必要。"),
    )


class AssignForm(Form):
    user = forms.ModelChoiceField(
        label=_("安否確認の担当"), queryset=None, empty_label=_("担当を選んでください")
    )

    def __init__(self, *args, checkers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = checkers
        self.fields["user"].label_from_instance = checker_label


def checker_label(user) -> str:
    """「氏名（所属）」 from the memberships read with the user."""
    names = "・".join(membership.organisation.name for membership in user.memberships.all())
    return f"{user}（{names}）" if names else str(user)
