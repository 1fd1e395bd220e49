from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import Form, VersionField
from learning.models import Addressee, Category, ExamplePurpose, ReviewItem, Source, SystemicIssue
from learning.selectors import RaisingSource


class RaiseForm(Form):
    """An issue raised from a case: where it showed (the case's work, one of its meetings, or a
    referral the agency could not take), its category and a description without personal data."""

    about = _(
        "今の制度やサービスでは解決できない課題を、区の実務者検討会議に挙げます。"
        "集計には件数だけが載り、どのケースから挙がったかは載りません。"
    )
    # The service's arguments that come from another field: its refusals are shown beside it.
    service_fields = {"meeting": "source", "referral": "source"}
    source = forms.ChoiceField(label=_("きっかけ"))
    category = forms.ChoiceField(label=_("課題の分類"), choices=[("", "---------"), *Category.choices])
    description = forms.CharField(
        label=SystemicIssue._meta.get_field("description").verbose_name,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "どんな制度・サービスが足りないのかを書きます。氏名・ふりがな・住所・電話番号・生年月日は書かないでください"
            "（保存の前に、このケースの本人・世帯員・支援者の情報と照らし合わせて確かめます）。"
        ),
    )

    def __init__(self, *args, sources: RaisingSource, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = sources
        groups = [
            (_("会議"), [(f"meeting:{pk}", label) for pk, label in sources.meetings]),
            (_("つなぎ（お断り・取り下げ）"), [(f"referral:{pk}", label) for pk, label in sources.referrals]),
        ]
        self.fields["source"].choices = [
            ("case", Source.CASE.label),
            *[(name, pairs) for name, pairs in groups if pairs],
        ]

    def service_arguments(self) -> dict:
        """The cleaned input as ``raise_systemic_issue`` takes it."""
        data = self.cleaned_data
        kind, _sep, record = data["source"].partition(":")
        found = self.sources.records.get(record)
        return {
            "source": kind,
            "meeting": found if kind == Source.MEETING else None,
            "referral": found if kind == Source.REFERRAL else None,
            "category": data["category"],
            "description": data["description"],
        }


class ConveneForm(Form):
    """A review meeting: where (the office and ward, asked only of who could convene in several),
    when, and whom to ask from the ward's offices, plazas and 社協."""

    place = forms.ChoiceField(label=_("開催する組織と区"))
    title = forms.CharField(label=_("会議の名称"), max_length=200, initial=_("実務者検討会議"))
    scheduled_for = forms.DateTimeField(
        label=_("日時"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    attendees = forms.MultipleChoiceField(label=_("出席者"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, places, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = {f"{office.pk}:{ward.pk}": (office, ward) for office, ward in places}
        self.candidates = {
            f"{user.pk}:{organisation.pk}": (user, organisation) for user, organisation in candidates
        }
        self.fields["place"].choices = [(key, f"{o.name}（{w.name}）") for key, (o, w) in self.places.items()]
        if len(self.places) == 1:
            self.fields["place"].widget = forms.HiddenInput()
            self.fields["place"].initial = next(iter(self.places))
        self.fields["attendees"].choices = [
            (key, f"{user}（{organisation.name}）") for key, (user, organisation) in self.candidates.items()
        ]

    def service_arguments(self) -> dict:
        office, ward = self.places[self.cleaned_data["place"]]
        return {
            "office": office,
            "ward": ward,
            "title": self.cleaned_data["title"],
            "scheduled_for": self.cleaned_data["scheduled_for"],
            "attendees": [self.candidates[key] for key in self.cleaned_data["attendees"]],
        }


class AgendaItemForm(Form):
    """Issues onto the agenda: one category's, of the whole ward or of one district."""

    about = _("この分類で、まだどの会議でも取り上げられていない課題をすべて議題にします。")
    category = forms.ChoiceField(label=_("課題の分類"), choices=[("", "---------"), *Category.choices])
    district = forms.ChoiceField(label=_("地区"), required=False)

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.districts = {str(d.pk): d for d in districts}
        self.fields["district"].choices = [
            ("", _("区全体")),
            *[(k, d.name) for k, d in self.districts.items()],
        ]

    def service_arguments(self) -> dict:
        return {
            "category": self.cleaned_data["category"],
            "district": self.districts.get(self.cleaned_data["district"]),
        }


class ReviewFindingForm(Form):
    """What the review found: why the existing framework cannot solve it, its proposal, to whom."""

    about = _("個人の名前や住所は書かないでください。")
    analysis = forms.CharField(
        label=ReviewItem._meta.get_field("analysis").verbose_name,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    proposal = forms.CharField(
        label=ReviewItem._meta.get_field("proposal").verbose_name,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    addressed_to = forms.ChoiceField(
        label=ReviewItem._meta.get_field("addressed_to").verbose_name,
        choices=[("", "---------"), *Addressee.choices],
    )
    version = VersionField()


class OutcomeForm(Form):
    """The answer to the proposal, or what became of it: each issue's raiser is told."""

    about = _("記録すると、この議題の課題を挙げた職員に通知されます。")
    outcome = forms.CharField(
        label=ReviewItem._meta.get_field("outcome").verbose_name,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = VersionField()


class ProposeForm(Form):
    """A case proposed as an example: what for, and a title that names nobody."""

    about = _(
        "このケースの記録から、氏名を役割（本人・子A・近隣住民Aなど）に、住所を区に置き換え、"
        "日付をずらし、年齢を年代にした下書きを作ります。下書きを直してから、個人情報保護管理者に審査を依頼します。"
    )
    purpose = forms.ChoiceField(label=_("目的"), choices=[("", "---------"), *ExamplePurpose.choices])
    title = forms.CharField(
        label=_("事例の題名"), max_length=200, help_text=_("例: 8050世帯の親の入院をきっかけにした支援")
    )


class ExampleEditForm(Form):
    title = forms.CharField(label=_("事例の題名"), max_length=200)
    body = forms.CharField(label=_("事例の本文"), max_length=20000, widget=forms.Textarea(attrs={"rows": 16}))
    version = VersionField()


class ExampleSubmitForm(Form):
    about = _(
        "本文に、このケースの人の氏名・住所・電話番号・生年月日が残っていないか確かめてから、審査を依頼します。"
    )
    version = VersionField()


class ExampleReviewForm(Form):
    decision = forms.ChoiceField(
        label=_("判断"),
        choices=[("approve", _("承認")), ("return", _("差し戻し（直してもらう）")), ("refuse", _("不承認"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("コメント"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    k_reason = forms.CharField(
        label=_("基準に満たなくても認める理由"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("同じ組合せのケースが基準より少ないまま承認するときだけ入力します。"),
    )
    version = VersionField()


class ShowExampleForm(Form):
    about = _(
        "承認された事例を、この会議の出席者に示します。出席者には本文だけが示され、もとのケースは示されません。"
    )
    example = forms.ChoiceField(label=_("事例"))

    def __init__(self, *args, examples: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.examples = {str(example.pk): example for example in examples}
        self.fields["example"].choices = [
            ("", "---------"),
            *((k, e.title) for k, e in self.examples.items()),
        ]

    def service_arguments(self) -> dict:
        return {"example": self.examples[self.cleaned_data["example"]]}
