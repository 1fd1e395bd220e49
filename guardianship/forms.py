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
    MatterEndReason,
    MatterState,
    PetitionerKind,
    ReplacementReason,
    Specialism,
    TeamRole,
    end_reasons_for,
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


def matter_label(matter: GuardianshipMatter) -> str:
    """A matter in a list of choices: its case's reference (always shown), area and intake date."""
    return f"{matter.case.reference} · {matter.area.name} · {matter.opened_at:%Y-%m-%d}"


class ConfirmForm(forms.Form):
    """An action that needs nothing but its button."""


class TeamMemberForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("所属"),
        queryset=_organisations(),
        required=False,
        help_text=_("親族など、組織に属さない人は空欄のまま"),
    )
    name = forms.CharField(label=_("氏名"), max_length=100)
    role = forms.ChoiceField(label=_("役割"), choices=TeamRole.choices)


class ReplacementForm(VersionedForm):
    reason = forms.ChoiceField(label=_("交代の理由"), choices=ReplacementReason.choices)
    note = forms.CharField(
        label=_("交代についてのメモ"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("「その他」のときは必須"),
    )


class EndMatterForm(VersionedForm):
    """Ending a matter: its reason at any stage; after filing, the family court's permission to
    withdraw the petition (家事事件手続法 §121)."""

    reason = forms.ChoiceField(label=_("終了の理由"), choices=MatterEndReason.choices)
    note = forms.CharField(
        label=_("終了についてのメモ"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("「その他」のときは必須"),
    )
    withdrawal_permitted_on = JapaneseDateField(
        label=_("取下げの許可日"),
        past=True,
        required=False,
        help_text=_(
            "申立て後の取下げには家庭裁判所の許可が必要です（家事事件手続法第121条）。"
            "本人が亡くなったときは不要です。"
        ),
    )
    withdrawal_court = forms.ModelChoiceField(
        label=_("取下げを許可した家庭裁判所"),
        queryset=_organisations(OrganisationKind.FAMILY_COURT),
        required=False,
    )

    def __init__(self, *args, state: str, court_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = end_reasons_for(state)
        if state != MatterState.FILED:
            del self.fields["withdrawal_permitted_on"], self.fields["withdrawal_court"]
        elif court_id is not None and not self.is_bound:
            self.fields["withdrawal_court"].initial = court_id


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
        label=_("出席者"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "中核機関の職員のほか、専門職団体（弁護士会・司法書士会・社会福祉士会など）と区役所の職員"
        ),
    )

    def __init__(self, *args, matters, attendees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matters"].queryset = matters
        self.fields["matters"].label_from_instance = matter_label
        self.fields["attendees"].queryset = attendees
        self.fields["attendees"].label_from_instance = lambda u: f"{u}（{u.organisation_name}）"


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
    relative_matter = forms.ModelChoiceField(
        label=_("親族である本人の案件"),
        queryset=GuardianshipMatter.objects.none(),
        required=False,
        help_text=_("種別が「親族」のときだけ選びます。親族は、この本人の案件にだけ提案されます。"),
    )
    name = forms.CharField(label=_("氏名・名称"), max_length=100)
    contact = forms.CharField(label=_("連絡先"), max_length=300, required=False)
    organisation = forms.ModelChoiceField(label=_("所属・法人"), queryset=_organisations(), required=False)
    areas = forms.ModelMultipleChoiceField(
        label=_("活動できる地域"),
        queryset=Area.objects.exclude(level=Area.Level.MUNICIPALITY),
        required=False,
        help_text=_("本人の市区町村にある地域で活動できる候補者が提案されます（親族は地域を問いません）。"),
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
    max_caseload = forms.IntegerField(label=_("受任できる件数"), min_value=1, max_value=200, initial=1)
    training_completed_on = JapaneseDateField(
        label=_("養成課程の修了日"), required=False, past=True, help_text=_("市民後見人のときは必須")
    )
    registered_on = JapaneseDateField(
        label=_("市民後見人バンクへの登録日"),
        required=False,
        past=True,
        help_text=_("市民後見人のときは必須"),
    )

    def __init__(self, *args, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relative_matter"].queryset = matters
        self.fields["relative_matter"].label_from_instance = matter_label

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        relative = kind == CandidateKind.RELATIVE
        if relative and not data.get("relative_matter") and "relative_matter" not in self.errors:
            self.add_error("relative_matter", _("親族の候補者は、どの本人の親族かを案件で選んでください。"))
        if not relative and data.get("relative_matter"):
            self.add_error("relative_matter", _("親族である本人の案件は、種別が「親族」のときだけ選びます。"))
        if kind == CandidateKind.CITIZEN:
            for name in ("training_completed_on", "registered_on"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("市民後見人は、この日付が必要です。"))
        if (
            kind == CandidateKind.CORPORATE
            and not data.get("organisation")
            and "organisation" not in self.errors
        ):
            self.add_error("organisation", _("法人後見の候補者には、法人（組織）を選んでください。"))
        trained, registered = data.get("training_completed_on"), data.get("registered_on")
        if trained and registered and registered < trained:
            self.add_error(
                "registered_on", _("バンクへの登録日は、養成課程の修了日より後の日付にしてください。")
            )
        return data

    def service_arguments(self) -> dict:
        """The service's keywords: the chosen matter names the person the relative is of."""
        data = dict(self.cleaned_data)
        matter = data.pop("relative_matter")
        data["relative_of"] = matter.case.person if matter is not None else None
        return data


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


class CouncilMeetingForm(forms.Form):
    """A meeting of a ward's guardianship council (of the wards the user's organisations take part in)."""

    area = forms.ModelChoiceField(
        label=_("区"), queryset=Area.objects.none(), empty_label=_("区を選んでください")
    )
    held_on = JapaneseDateField(label=_("開催日"), past=True)
    participants = forms.IntegerField(label=_("参加者数"), min_value=1, max_value=10_000)
    theme = forms.CharField(
        label=_("テーマ"),
        max_length=200,
        required=False,
        help_text=_("事例を取り上げたときも、個人が分かることは書かないでください。"),
    )

    def __init__(self, *args, areas: list[Area], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(pk__in=[a.pk for a in areas]).order_by("name")
        if len(areas) == 1:  # chosen already, still shown: the page says whose council it is
            self.fields["area"].initial = areas[0].pk
