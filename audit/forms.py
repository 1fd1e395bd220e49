from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from audit.events import Action


class EventSearchForm(forms.Form):
    person = forms.UUIDField(label=_("本人ID"), required=False)
    actor = forms.CharField(label=_("操作者のユーザー名"), required=False, max_length=150)
    organisation = forms.ModelChoiceField(
        label=_("組織"), queryset=Organisation.objects.order_by("name"), required=False
    )
    action = forms.ChoiceField(label=_("操作の種類"), choices=[("", "—"), *Action.CHOICES], required=False)
    since = forms.DateField(
        label=_("期間（から）"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("期間（まで）"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("期間の開始日が終了日より後になっています。"))
        return data
