"""Forms of the case screens. Choices come from the vocabulary; every write form carries the case
version it was rendered with, so that a stale page gets a conflict instead of overwriting."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Area, Organisation, OrganisationKind, User
from accounts.roles import Role
from cases.configuration import LEGAL_BASES, MEETING_KINDS, values_where
from cases.models import (
    Agreement,
    BreakGlassFinding,
    Consent,
    ContactLog,
    LegalBasis,
    MeetingGuest,
    MeetingKind,
)
from cases.rendering import WIDGETS
from cases.services.sharing import DISCLOSURE_PURPOSES
from cases.vocabulary import (
    ConcernCategory,
    FieldGroup,
    GuestStanding,
    ObservedSignal,
    ReporterKind,
    Urgency,
    WithdrawalKind,
)
from configuration.selectors import offered
from privacy.normalise import parse_date


class Form(forms.Form):
    """The case workflow's forms render their widgets without the template engine (cases.rendering)."""

    default_renderer = WIDGETS


class JapaneseDateField(forms.DateField):
    """A date as people write it: 2024-04-01, 2024/4/1, 令和6年4月1日, R6.4.1, in full-width digits
    too (privacy.normalise.parse_date). ``past=True``: the day something happened, never after
    today. A text box rather than a date picker, so that 和暦 can be typed."""

    default_error_messages = {
        "invalid": _(
            "日付は 2024-04-01 や 令和6年4月1日 の形で入力してください（存在しない日付は入力できません）。"
        ),
        "future": _("今日より後の日付は入力できません。"),
    }

    def __init__(self, *, past: bool = False, **kwargs):
        self.past = past
        hint = {"placeholder": _("例: 2024-04-01、令和6年4月1日")}
        kwargs.setdefault("widget", forms.DateInput(format="%Y-%m-%d", attrs=hint))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        date = parse_date(str(value))
        if date is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return date

    def validate(self, value):
        super().validate(value)
        if self.past and value and value > timezone.localdate():
            raise forms.ValidationError(self.error_messages["future"], code="future")


class PersonSearchForm(Form):
    q = forms.CharField(
        label=_("氏名・ふりがな・電話番号・生年月日"),
        max_length=100,
        help_text=_(
            "完全一致で検索します（前方一致・部分一致はしません）。姓だけ・名だけでも探せます。"
            "ひらがな・カタカナ・半角カナ、髙/高・﨑/崎・邊/辺 などの異体字、空白の有無は区別しません。"
            "生年月日は 1948-03-15、２０１１－０８－０９、昭和23年3月15日 の形で入力できます。"
        ),
    )


class ConcernForm(Form):
    """Built for a phone and for under a minute: big checkboxes first, identity optional."""

    # What commissioners notice most often comes first; the rest wait behind "その他の分類".
    COMMON_CATEGORIES = [
        ConcernCategory.SOCIAL_ISOLATION,
        ConcernCategory.EIGHTY_FIFTY,
        ConcernCategory.DEMENTIA,
        ConcernCategory.SELF_NEGLECT,
        ConcernCategory.ECONOMIC_HARDSHIP,
        ConcernCategory.YOUNG_CARER,
        ConcernCategory.ELDER_ABUSE,
        ConcernCategory.CHILD_ABUSE,
    ]

    signals = forms.MultipleChoiceField(
        label=_("気付いたこと"),
        choices=ObservedSignal.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    categories = forms.MultipleChoiceField(
        label=_("心配なこと"),
        choices=ConcernCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    urgency = forms.ChoiceField(
        label=_("緊急度"), choices=Urgency.choices, initial=Urgency.ROUTINE, widget=forms.RadioSelect
    )
    area = forms.ModelChoiceField(label=_("地区"), queryset=Area.objects.none())
    name = forms.CharField(label=_("氏名（分かれば）"), max_length=100, required=False)
    address = forms.CharField(label=_("住所・目印（分かれば）"), max_length=300, required=False)
    details = forms.CharField(
        label=_("様子（自由記入）"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reporter_kind = forms.ChoiceField(label=_("報告者"), choices=ReporterKind.choices)

    def __init__(self, *args, choices, **kwargs):
        """``choices``: cases.selectors.concern_form_choices — where, as whom, and what the
        reporter's municipality offers (a code it does not offer is refused like an unknown one)."""
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = choices.areas
        if choices.areas.count() == 1:
            self.fields["area"].initial = choices.areas.first()
        self.fields["signals"].choices = choices.signals
        self.fields["categories"].choices = choices.categories
        self.fields["reporter_kind"].choices = choices.reporter_kinds
        self.fields["reporter_kind"].initial = choices.reporter_kind

    def clean(self):
        data = super().clean()
        if not (data.get("signals") or data.get("categories") or (data.get("details") or "").strip()):
            raise forms.ValidationError(_("気付いたこと・心配なこと・様子のどれかを入力してください。"))
        return data


class ContactLogForm(forms.ModelForm):
    default_renderer = WIDGETS
    occurred_on = JapaneseDateField(
        label=ContactLog._meta.get_field("occurred_on").verbose_name, past=True, initial=timezone.localdate
    )

    class Meta:
        model = ContactLog
        fields = ["occurred_on", "kind", "counterpart", "category"]
        widgets = {"kind": forms.RadioSelect, "counterpart": forms.RadioSelect}

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "counterpart"):  # a radio button for each answer, none for "no answer"
            self.fields[name].choices = [(code, label) for code, label in self.fields[name].choices if code]
        if len(districts) > 1:  # a commissioner of one district is not asked
            self.fields["district"] = forms.ModelChoiceField(
                label=_("地区"), queryset=Area.objects.filter(pk__in=[d.pk for d in districts])
            )


class VersionField(forms.IntegerField):
    """The version of the object a form was drawn from. Missing or garbled, it is stale by
    definition: -1 matches no version, so the service answers with a conflict, not a lost update."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            return -1

    def clean(self, value):
        cleaned = super().clean(value)
        return -1 if cleaned is None else cleaned


class VersionedForm(Form):
    version = VersionField()


class WithdrawForm(VersionedForm):
    kind = forms.ChoiceField(
        label=_("取り下げの区分"), choices=WithdrawalKind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("取り下げの理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class OutcomeForm(VersionedForm):
    outcome = forms.ChoiceField(label=_("次の段階"), choices=[])

    def __init__(self, *args, outcomes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = outcomes


def legal_bases_for(organisation: Organisation | None, *, under_agreement: bool = False, **filters):
    """The active legal bases this organisation may invoke (``LegalBasis.may_be_invoked_by``) and
    its municipality offers (configuration: ``cases.legal_bases``): a form offers only those, and
    the service checks again (``check_legal_basis``). Those that ask for an agreement only to a
    form that names one (``under_agreement``)."""
    bases = LegalBasis.objects.filter(is_active=True, **filters).order_by("code")
    if not under_agreement:
        bases = bases.filter(required_agreement="")
    if organisation is None:
        return bases
    offered = set(values_where(organisation)[LEGAL_BASES])
    return bases.filter(
        pk__in=[b.pk for b in bases if b.code in offered and b.may_be_invoked_by(organisation)]
    )


class EscalateForm(VersionedForm):
    ward_office = forms.ModelChoiceField(
        label=_("引き継ぐ区役所の課"), queryset=Organisation.objects.filter(kind=OrganisationKind.WARD_OFFICE)
    )
    legal_basis = forms.ModelChoiceField(label=_("根拠"), queryset=LegalBasis.objects.none())
    reference = forms.CharField(label=_("根拠の参照"), max_length=500, required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        # At intake the receiving organisation invokes the ground; the service checks which one.
        self.fields["legal_basis"].queryset = legal_bases_for(case.lead_organisation, is_consent=False)


class ConsentForm(Form):
    purpose = forms.ChoiceField(label=_("目的"), choices=Consent.Purpose.choices)
    recipients = forms.ModelMultipleChoiceField(
        label=_("共有先"),
        queryset=Organisation.objects.filter(is_active=True).order_by("kind", "name"),
        widget=forms.CheckboxSelectMultiple,
    )
    method = forms.ChoiceField(label=_("方法"), choices=Consent.Method.choices, widget=forms.RadioSelect)
    representative = forms.CharField(
        label=_("代理で同意した人（本人以外のとき）"), max_length=100, required=False
    )
    obtained_on = JapaneseDateField(label=_("同意を得た日"), past=True)
    valid_until = JapaneseDateField(
        label=_("有効期限（この日まで）"),
        required=False,
        help_text=_("空欄は期限なし（撤回されるまで有効）。"),
    )


def with_distinct_ids(forms_by_name: dict) -> dict:
    """Several forms on one page: each field's id names its form ("decide_form-outcome"), so that
    every label points at its own control (duplicate ids break labels and screen readers)."""
    for name, form in forms_by_name.items():
        if isinstance(form, forms.BaseForm):
            form.auto_id = f"{name}-%s"
    return forms_by_name


def consents_in_force(case, **filters):
    """The consents a form offers as a ground: not withdrawn, not expired (the service checks again)."""
    today = timezone.localdate()
    return Consent.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        case=case,
        withdrawn_at__isnull=True,
        **filters,
    )


def agreements_over(area: Area):
    """The agreements a form offers as a ground: in force today over this area or one it lies in
    (the service checks again, against the recipient and the field groups too)."""
    today = timezone.localdate()
    return (
        Agreement.objects.in_force_between(today, today)
        .filter(area__in=[area, *area.ancestors()])
        .select_related("party")
        .order_by("party__name", "title")
    )


def agreement_label(agreement) -> str:
    return f"{agreement.title}（{agreement.party.name}）"


def consent_label(consent) -> str:
    until = f"〜{consent.valid_until:%Y-%m-%d}" if consent.valid_until else ""
    return f"{consent.get_purpose_display()}（{consent.obtained_on:%Y-%m-%d}{until}）"


class DisclosureForm(Form):
    purpose = forms.ChoiceField(
        label=_("共有の目的"),
        choices=[(p.value, p.label) for p in DISCLOSURE_PURPOSES],
        initial=Consent.Purpose.SHARING,
    )
    recipient = forms.ModelChoiceField(
        label=_("共有先"), queryset=Organisation.objects.filter(is_active=True).order_by("kind", "name")
    )
    field_groups = forms.MultipleChoiceField(
        label=_("共有する項目（必要最小限）"), choices=FieldGroup.choices, widget=forms.CheckboxSelectMultiple
    )
    legal_basis = forms.ModelChoiceField(label=_("根拠"), queryset=LegalBasis.objects.none())
    consent = forms.ModelChoiceField(
        label=_("同意（同意による場合）"), queryset=Consent.objects.none(), required=False
    )
    reference = forms.CharField(label=_("根拠の参照"), max_length=500, required=False)
    agreement = forms.ModelChoiceField(
        label=_("協定（協定による場合）"), queryset=Agreement.objects.none(), required=False
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label_from_instance = consent_label
        if "agreement" in self.fields:  # a referral's form has none
            self.fields["agreement"].label_from_instance = agreement_label
        self.check_against(case)

    def check_against(self, case) -> None:
        """What the form offers, and so what it accepts: the lead's legal bases, the consents and
        the agreements in force."""
        offers_agreements = "agreement" in self.fields  # a referral's form has none
        self.fields["legal_basis"].queryset = legal_bases_for(
            case.lead_organisation, under_agreement=offers_agreements
        )
        self.fields["consent"].queryset = consents_in_force(case, purpose__in=DISCLOSURE_PURPOSES)
        if offers_agreements:
            self.fields["agreement"].queryset = agreements_over(case.area)


class MeetingForm(VersionedForm):
    kind = forms.ChoiceField(label=_("会議の種類"), choices=MeetingKind.choices)
    legal_basis = forms.ModelChoiceField(label=_("根拠"), queryset=LegalBasis.objects.none())
    consent = forms.ModelChoiceField(
        label=_("同意（同意による場合）"), queryset=Consent.objects.none(), required=False
    )
    reference = forms.CharField(label=_("根拠の参照"), max_length=500, required=False)
    scheduled_for = forms.DateTimeField(
        label=_("日時"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("出席者"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )
    agenda = forms.CharField(
        label=_("議題"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        # The kinds of meeting the case's municipality holds (configuration: cases.meeting_kinds).
        self.fields["kind"].choices = offered(values_where(case.lead_organisation), MEETING_KINDS)
        self.fields["consent"].label_from_instance = consent_label
        self.fields["attendees"].label_from_instance = lambda u: " / ".join(
            [str(u), *(m.organisation.name for m in u.memberships.all())]
        )
        self.fields["legal_basis"].queryset = legal_bases_for(case.lead_organisation)
        self.fields["consent"].queryset = consents_in_force(case, purpose=Consent.Purpose.MEETING)
        self.fields["attendees"].queryset = (
            # Staff of any organisation and commissioners (民生委員) may attend.
            User.objects.filter(is_active=True, memberships__organisation__is_active=True)
            .distinct()
            .prefetch_related("memberships__organisation")  # the labels name each user's organisations
            .order_by("last_name", "first_name")
        )


class HoldMeetingForm(VersionedForm):
    minutes = forms.CharField(label=_("議事録"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))
    decision = forms.ChoiceField(label=_("決定"), choices=[])
    reason = forms.CharField(label=_("決定の理由"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    action = forms.CharField(label=_("役割分担（任意）"), max_length=1000, required=False)
    action_owner = forms.ModelChoiceField(label=_("担当者"), queryset=User.objects.none(), required=False)
    action_due = JapaneseDateField(label=_("期限"), required=False)

    def __init__(self, *args, meeting, **kwargs):
        from cases.models import Decision

        super().__init__(*args, **kwargs)
        # No answer chosen until the lead chooses one: a form left as it came must not record a decision.
        self.fields["decision"].choices = [
            ("", _("（選んでください）")),
            *Decision._meta.get_field("outcome").choices,
        ]
        self.fields["action_owner"].queryset = _action_owners(meeting)

    def clean(self):
        data = super().clean()
        if data.get("action") and not (data.get("action_owner") and data.get("action_due")):
            raise forms.ValidationError(_("役割分担には担当者と期限を入れてください。"))
        return data

    def service_arguments(self) -> dict:
        """The one optional action item as the service's list of items."""
        data = dict(self.cleaned_data)
        action, owner, due = data.pop("action"), data.pop("action_owner"), data.pop("action_due")
        return {**data, "action_items": [(action, owner, due)] if action else []}


def _action_owners(meeting):
    """Whom an action item may be given to: the meeting's attendees and the lead's staff."""
    return (
        User.objects.filter(
            Q(meeting_attendances__meeting=meeting) | Q(memberships__organisation=meeting.convened_by)
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


class AddAttendeeForm(Form):
    attendee = forms.ModelChoiceField(label=_("追加する出席者"), queryset=User.objects.none())

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["attendee"]
        field.label_from_instance = lambda u: " / ".join(
            [str(u), *(m.organisation.name for m in u.memberships.all())]
        )
        field.queryset = (
            User.objects.filter(is_active=True, memberships__organisation__is_active=True)
            .exclude(meeting_attendances__meeting=meeting)
            .distinct()
            .prefetch_related("memberships__organisation")
            .order_by("last_name", "first_name")
        )


class GuestForm(Form):
    """An attendee without an account (a family member, a neighbour, a doctor)."""

    def __init__(self, *args, meeting, **kwargs):  # the meeting page gives each of its forms the meeting
        super().__init__(*args, **kwargs)

    name = forms.CharField(label=_("氏名"), max_length=200)
    relation = forms.CharField(
        label=_("本人との関係・役割"), max_length=200, help_text=_("例: 長女、近隣住民、主治医")
    )
    standing = forms.ChoiceField(
        label=_("出席の立場"),
        choices=GuestStanding.choices,
        widget=forms.RadioSelect,
        help_text=_("住民と専門職がともに出席した会議は、計画の指標 1-(2) に数えます。"),
    )
    organisation = forms.CharField(label=_("所属（任意）"), max_length=200, required=False)
    paper_acknowledged = forms.BooleanField(label=_("守秘義務の誓約書（紙）に署名を受けた"), required=False)


class GuestAcknowledgedForm(Form):
    """The lead has the paper undertaking of one guest still without it."""

    guest = forms.ModelChoiceField(
        label=_("誓約書（紙）を受け取った出席者"),
        queryset=MeetingGuest.objects.none(),
        # Pressed again from a page opened before: the receipt is recorded already.
        error_messages={"invalid_choice": _("この出席者の誓約書（紙）の受領は記録済みです。")},
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guest"].queryset = meeting.guests.filter(paper_acknowledged_at__isnull=True)
        # Named as the page names them: decrypted on the lead's page, never in the choice's value.
        self.fields["guest"].label_from_instance = lambda guest: guest.name


class ConfirmForm(Form):
    """A button that asks nothing more (an attendee's 確認しました)."""

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)


class AmendMinutesForm(Form):
    minutes = forms.CharField(
        label=_("修正後の議事録"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    reason = forms.CharField(label=_("修正の理由"), max_length=1000)
    amendments = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, meeting, **kwargs):
        # The minutes as they stand, and how many amendments the actor saw (a later one: a conflict).
        kwargs.setdefault(
            "initial", {"minutes": meeting.minutes, "amendments": len(meeting.amendments.all())}
        )
        super().__init__(*args, **kwargs)


class ActionItemForm(Form):
    """One more action item from a held meeting."""

    description = forms.CharField(label=_("役割分担の内容"), max_length=1000)
    owner = forms.ModelChoiceField(label=_("担当者"), queryset=User.objects.none())
    due_on = JapaneseDateField(label=_("期限"))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _action_owners(meeting)


class ActionItemDoneForm(Form):
    result = forms.CharField(
        label=_("結果（一行）"), max_length=200, help_text=_("例: 自宅を訪問し、本人と長男に会えた")
    )


class BreakGlassForm(Form):
    reason = forms.CharField(
        label=_("緊急アクセスの理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class BreakGlassReviewForm(Form):
    """The privacy officer's finding on one emergency access (the row's ``access``)."""

    access = forms.UUIDField(widget=forms.HiddenInput)
    finding = forms.ChoiceField(
        label=_("確認の結果"),
        choices=BreakGlassFinding.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("確認の結果（妥当・要確認）を選んでください。")},
    )
    note = forms.CharField(
        label=_("メモ"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("要確認のときは、何を確認するのかを書いてください。"),
    )


class ScheduleWatchVisitForm(Form):
    due_on = JapaneseDateField(label=_("予定日"))
    assigned_to = forms.ModelChoiceField(label=_("担当者"), queryset=User.objects.none())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        # The lead's staff, and the commissioners who attended a meeting on the case (may_visit).
        self.fields["assigned_to"].queryset = (
            User.objects.filter(
                Q(memberships__organisation=case.lead_organisation)
                | Q(meeting_attendances__meeting__case=case, memberships__role=Role.COMMISSIONER),
                is_active=True,
            )
            .distinct()
            .order_by("last_name", "first_name")
        )


class WatchVisitForm(Form):
    visited_on = JapaneseDateField(label=_("訪問日"), past=True)
    note = forms.CharField(
        label=_("見守りの記録"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
