"""The progress record's forms (支援経過): a new entry, and the correction of one."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import Form, JapaneseDateField
from cases.models import ProgressEntry
from cases.services.progress import CLOCK_SKEW

# Where the service's errors (keyed by its arguments) are shown in the form.


class ProgressForm(Form):
    # The service's arguments that come from another field: its refusals are shown beside those.
    service_fields = {"occurred_at": "occurred_on", "meeting": "link", "referral_id": "link"}
    kind = forms.ChoiceField(label=_("種別"), choices=ProgressEntry.Kind.choices, widget=forms.RadioSelect)
    occurred_on = JapaneseDateField(label=_("日付"), past=True)
    occurred_time = forms.TimeField(
        label=_("時刻"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    counterpart = forms.ChoiceField(label=_("相手"), choices=ProgressEntry.Counterpart.choices)
    counterpart_note = forms.CharField(
        label=_("相手（補足）"),
        max_length=100,
        required=False,
        help_text=_("例: 長男、担当のケアマネジャー"),
    )
    text = forms.CharField(label=_("内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    link = forms.ChoiceField(label=_("関連する会議・つなぎ"), required=False)

    def __init__(self, *args, links: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        links = links or {}
        groups = [
            (_("会議"), [(f"meeting:{pk}", label) for pk, label in links.get("meeting", [])]),
            (_("つなぎ"), [(f"referral:{pk}", label) for pk, label in links.get("referral", [])]),
        ]
        self.fields["link"].choices = [("", _("なし")), *[(name, pairs) for name, pairs in groups if pairs]]

    def clean(self) -> dict:
        data = super().clean()
        day, time = data.get("occurred_on"), data.get("occurred_time")
        if day and time:
            data["occurred_at"] = timezone.make_aware(datetime.datetime.combine(day, time))
            if data["occurred_at"] > timezone.now() + CLOCK_SKEW:
                self.add_error("occurred_time", _("先の時刻は入力できません。"))
        return data

    def service_arguments(self) -> dict:
        """The cleaned input as the progress services take it."""
        data = self.cleaned_data
        kind, _sep, linked = data["link"].partition(":")
        return {
            "kind": data["kind"],
            "occurred_at": data["occurred_at"],
            "counterpart": data["counterpart"],
            "counterpart_note": data["counterpart_note"],
            "text": data["text"],
            "meeting_id": linked if kind == "meeting" else None,
            "referral_id": linked if kind == "referral" else None,
        }

    @classmethod
    def initial_of(cls, entry: ProgressEntry) -> dict:
        """A form filled with an entry's version, to correct it."""
        at = timezone.localtime(entry.occurred_at)
        linked = (
            f"meeting:{entry.meeting_id}"
            if entry.meeting_id
            else (f"referral:{entry.referral_id}" if entry.referral_id else "")
        )
        return {
            "kind": entry.kind,
            "occurred_on": at.date(),
            "occurred_time": at.time().replace(second=0, microsecond=0),
            "counterpart": entry.counterpart,
            "counterpart_note": entry.counterpart_note,
            "text": entry.text,
            "link": linked,
        }


class ProgressCorrectionForm(ProgressForm):
    reason = forms.CharField(
        label=_("訂正の理由"), max_length=300, help_text=_("例: 日付の誤り、聞き取った内容の誤り")
    )

    def service_arguments(self) -> dict:
        return {**super().service_arguments(), "reason": self.cleaned_data["reason"]}
