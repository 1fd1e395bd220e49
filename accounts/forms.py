"""The codes a user types: one to confirm a new authenticator, one to sign in."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ConfirmAuthenticatorForm(forms.Form):
    code = forms.CharField(
        label=_("確認コード（6桁）"),
        max_length=12,
        help_text=_("認証アプリに表示されている6桁の数字を入力してください。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("確認コード"),
        max_length=24,
        help_text=_(
            "認証アプリに表示されている6桁の数字を入力してください。"
            "スマートフォンが手元にないときは、回復コードを1つ入力できます。"
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
