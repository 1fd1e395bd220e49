from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import Form
from learning.models import Category, Source, SystemicIssue
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
