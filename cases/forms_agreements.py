from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import Form, JapaneseDateField, VersionedForm
from cases.models import Agreement, ReportingCredential
from cases.selectors.agreements import AgreementsPage
from cases.vocabulary import AgreementKind, FieldGroup, ObservedSignal, Urgency

_field = Agreement._meta.get_field


def _clause(name: str) -> forms.CharField:
    return forms.CharField(
        label=_field(name).verbose_name, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AgreementForm(Form):
    """An agreement as signed: its municipal side asked only of who works for several ward offices."""

    kind = forms.ChoiceField(label=_field("kind").verbose_name, choices=AgreementKind.choices)
    title = forms.CharField(
        label=_field("title").verbose_name,
        max_length=200,
        help_text=_("例: 地域の見守り活動に関する協定（はまかぜ新聞販売店）"),
    )
    party = forms.ModelChoiceField(label=_field("party").verbose_name, queryset=None)
    area = forms.ModelChoiceField(label=_field("area").verbose_name, queryset=None)
    field_groups = forms.MultipleChoiceField(
        label=_field("field_groups").verbose_name,
        choices=FieldGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    storage_clause = _clause("storage_clause")
    handlers_clause = _clause("handlers_clause")
    return_clause = _clause("return_clause")
    breach_clause = _clause("breach_clause")
    valid_from = JapaneseDateField(label=_field("valid_from").verbose_name)
    valid_until = JapaneseDateField(
        label=_field("valid_until").verbose_name, required=False, help_text=_field("valid_until").help_text
    )

    def __init__(self, *args, page: AgreementsPage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = page.parties
        self.fields["party"].help_text = _(
            "相手方の事業者・団体は、組織の一覧に登録してから選びます（システム管理者）。"
        )
        self.fields["area"].queryset = page.areas
        if len(page.offices) > 1:
            self.fields["municipal_side"] = forms.ModelChoiceField(
                label=_field("municipal_side").verbose_name,
                queryset=page.parties.model.objects.filter(pk__in=[o.pk for o in page.offices]),
            )


class RenewalForm(VersionedForm):
    valid_from = JapaneseDateField(label=_("更新後の有効期間の始まり"))
    valid_until = JapaneseDateField(
        label=_("更新後の有効期間の終わり"), required=False, help_text=_field("valid_until").help_text
    )


class TerminationForm(VersionedForm):
    terminated_on = JapaneseDateField(label=_field("terminated_on").verbose_name, past=True)
    reason = forms.CharField(
        label=_field("termination_reason").verbose_name,
        max_length=500,
        help_text=_("例: 事業所の閉鎖、相手方からの解約の申し出"),
    )


class CredentialForm(Form):
    label = forms.CharField(
        label=ReportingCredential._meta.get_field("label").verbose_name,
        max_length=100,
        help_text=ReportingCredential._meta.get_field("label").help_text,
    )


class ReportCodeForm(Form):
    code = forms.CharField(
        label=_("報告用コード"),
        max_length=40,
        help_text=_(
            "協定を結んだ事業所から渡されたコード（例: ABCD-EFGH-JKLM-NPQR）。この端末に記憶されます。"
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class BusinessReportForm(Form):
    """What a delivery round or a shop noticed, on a phone, in under a minute: no name needed."""

    signals = forms.MultipleChoiceField(
        label=_("気付いたこと"),
        choices=ObservedSignal.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    area = forms.ModelChoiceField(label=_("地区"), queryset=None, empty_label=None)
    place = forms.CharField(
        label=_("場所（住所・建物名・目印）"),
        max_length=300,
        required=False,
        help_text=_("例: 中小来川2丁目 ○○荘 2階の奥の部屋"),
    )
    details = forms.CharField(
        label=_("様子（自由記入）"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    urgency = forms.ChoiceField(
        label=_("緊急度"), choices=Urgency.choices, initial=Urgency.ROUTINE, widget=forms.RadioSelect
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas

    def clean(self):
        data = super().clean()
        if not (data.get("signals") or (data.get("details") or "").strip()):
            raise forms.ValidationError(_("気付いたこと・様子のどちらかを入力してください。"))
        return data
