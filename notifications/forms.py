from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications.models import Kind


class PreferenceForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=_("メールで受け取る通知"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("メールには何が起きたかとリンクだけを載せ、本人の氏名などは載せません。"),
    )
    digest = forms.TypedChoiceField(
        label=_("メールの送り方"),
        choices=[("0", _("その都度送る")), ("1", _("1日1回まとめて送る"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(label=_("メールの言語"), choices=settings.LANGUAGES)

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_kinds"].choices = [(kind, Kind(kind).label) for kind in kinds]
