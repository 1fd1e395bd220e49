from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, Organisation, OrganisationKind, User
from cases.forms import JapaneseDateField, VersionedForm
from guardianship.models import GuardianshipMatter
from guardianship.vocabulary import (
    Alternative,
    CandidateKind,
    ComplainantKind,
    ComplaintCategory,
    DocumentStatus,
    GuardianshipType,
    Language,
    PetitionerKind,
    Specialism,
)


def _organisations(kind=None):
    query = Organisation.objects.filter(is_active=True).order_by("kind", "name")
    return query.filter(kind=kind) if kind else query


class AssessmentForm(VersionedForm):
    capacity_concerns = forms.CharField(
        label=_("判断能力についての心配"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    wishes = forms.CharField(
        label=_("本人が話したこと・希望"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    wishes_supported_by = forms.CharField(label=_("意思決定を支援した人"), required=False, max_length=200)
    wishes_how = forms.CharField(
        label=_("どのように支援したか"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    has_disputes = forms.BooleanField(label=_("紛争がある"), required=False)
    has_real_estate = forms.BooleanField(label=_("不動産がある"), required=False)
    has_debts = forms.BooleanField(label=_("負債がある"), required=False)
    has_abuse = forms.BooleanField(label=_("虐待がある"), required=False)
    has_family_conflict = forms.BooleanField(label=_("親族間の対立がある"), required=False)
    large_estate = forms.BooleanField(label=_("多額の財産がある"), required=False)
    language = forms.ChoiceField(label=_("本人の言語"), choices=Language.choices)
    needed_specialisms = forms.MultipleChoiceField(
        label=_("必要な専門性"),
        choices=Specialism.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    care_providers = forms.ModelMultipleChoiceField(
        label=_("本人にサービスを提供している組織"), queryset=_organisations(), required=False
    )

    @classmethod
    def for_matter(cls, matter: GuardianshipMatter) -> "AssessmentForm":
        fields = [f for f in cls.base_fields if f not in ("version", "care_providers")]
        initial = {name: getattr(matter, name) for name in fields}
        initial.update(version=matter.version, care_providers=list(matter.care_providers.all()))
        return cls(initial=initial)


class AlternativeForm(VersionedForm):
    alternative = forms.ChoiceField(label=_("他の支援"), choices=Alternative.choices)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class PetitionForm(VersionedForm):
    type = forms.ChoiceField(label=_("類型"), choices=GuardianshipType.choices)
    petitioner_kind = forms.ChoiceField(label=_("申立人"), choices=PetitionerKind.choices)
    court = forms.ModelChoiceField(
        label=_("家庭裁判所"), queryset=_organisations(OrganisationKind.FAMILY_COURT)
    )
    subsidy_petition_costs = forms.BooleanField(
        label=_("申立費用の助成（成年後見制度利用支援事業）"), required=False
    )
    subsidy_remuneration = forms.BooleanField(
        label=_("報酬の助成（成年後見制度利用支援事業）"), required=False
    )


class DocumentsForm(forms.Form):
    """The petition's documents checklist in one form: one status per document. Each field also
    carries the status the page showed (``show_hidden_initial``), so that only what the user
    changed is saved — a document someone else updated meanwhile is left as they set it."""

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        for document in documents:
            self.fields[document.kind] = forms.ChoiceField(
                label=document.get_kind_display(),
                choices=DocumentStatus.choices,
                initial=document.status,
                show_hidden_initial=True,
            )

    def service_arguments(self) -> dict:
        return {"statuses": {kind: self.cleaned_data[kind] for kind in self.changed_data}}


class DateForm(VersionedForm):
    on = JapaneseDateField(label=_("日付"), past=True, initial=timezone.localdate)


class RulingForm(DateForm):
    appointed = forms.TypedChoiceField(
        label=_("審判"),
        choices=[("1", _("選任")), ("0", _("却下"))],
        coerce=lambda v: v == "1",
    )


class MatchingMeetingForm(forms.Form):
    matters = forms.ModelMultipleChoiceField(
        label=_("議題にする案件"),
        queryset=GuardianshipMatter.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    scheduled_for = forms.DateTimeField(
        label=_("日時"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("出席者"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, matters, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matters"].queryset = matters
        self.fields["matters"].label_from_instance = lambda m: f"{m.area.name} · {m.opened_at:%Y-%m-%d}"
        self.fields["attendees"].queryset = attendees


class ChooseForm(forms.Form):
    reason = forms.CharField(label=_("決定の理由"), widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("候補者の意向"),
        choices=[("1", _("受任を内諾した")), ("0", _("辞退した"))],
        coerce=lambda v: v == "1",
    )


class CandidateForm(forms.Form):
    kind = forms.ChoiceField(label=_("種別"), choices=CandidateKind.choices)
    name = forms.CharField(label=_("氏名・名称"), max_length=100)
    contact = forms.CharField(label=_("連絡先"), max_length=300, required=False)
    organisation = forms.ModelChoiceField(label=_("所属・法人"), queryset=_organisations(), required=False)
    areas = forms.ModelMultipleChoiceField(
        label=_("活動できる地域"),
        queryset=Area.objects.exclude(level=Area.Level.MUNICIPALITY),
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label=_("対応できる言語"),
        choices=Language.choices,
        initial=["ja"],
        widget=forms.CheckboxSelectMultiple,
    )
    specialisms = forms.MultipleChoiceField(
        label=_("専門性"), choices=Specialism.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    max_caseload = forms.IntegerField(label=_("受任できる件数"), min_value=1, max_value=200)
    training_completed_on = JapaneseDateField(label=_("養成課程の修了日"), required=False, past=True)
    registered_on = JapaneseDateField(label=_("市民後見人バンクへの登録日"), required=False, past=True)


class ReportForm(forms.Form):
    summary = forms.CharField(label=_("報告の内容"), widget=forms.Textarea(attrs={"rows": 3}))


class ScheduleReportForm(forms.Form):
    due_on = JapaneseDateField(label=_("提出期限"))


class ComplaintForm(forms.Form):
    complainant_kind = forms.ChoiceField(label=_("申し出た人"), choices=ComplainantKind.choices)
    category = forms.ChoiceField(label=_("分類"), choices=ComplaintCategory.choices)
    details = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseComplaintForm(forms.Form):
    handling = forms.CharField(label=_("対応"), widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label=_("結果"), widget=forms.Textarea(attrs={"rows": 2}))
