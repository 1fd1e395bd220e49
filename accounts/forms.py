"""The accounts forms: the codes a user types (one to confirm a new authenticator, one to sign
in), and the admin's user forms and the sign-in page's password reset — nobody sets another's
password."""

import logging

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import AdministrationError, claim_password_link, send_password_reset_link

logger = logging.getLogger(__name__)


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


class UserCreationForm(forms.ModelForm):
    """A new account is a name and an address: its owner sets the password through a link."""

    class Meta:
        model = User
        fields = ["username", "last_name", "first_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("パスワードを設定するためのリンクをこのアドレスに送ります。")

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class UserChangeForm(auth_forms.UserChangeForm):
    # No password field, not even the read-only hash with its link to a form that sets one.
    password = None


class PasswordResetForm(auth_forms.PasswordResetForm):
    """The sign-in page's "forgot my password": the same link, message and audit event as the
    admin's, and also for an account whose owner has not set a password yet."""

    def get_users(self, email: str):
        return (
            user
            for user in User._default_manager.filter(email__iexact=email, is_active=True)
            if auth_forms._unicode_ci_compare(email, user.email)
        )

    def save(self, *, request=None, domain_override=None, use_https: bool = False, **kwargs) -> None:
        domain = domain_override or request.get_host()
        for user in self.get_users(self.cleaned_data["email"]):
            if not claim_password_link(user):
                continue  # one was sent a moment ago; the page says the same either way
            try:
                send_password_reset_link(actor=None, user=user, domain=domain, use_https=use_https)
            except AdministrationError:
                # The page never says whether the address exists; the log names the account's id only.
                logger.warning("Password reset e-mail to user %s could not be sent.", user.pk)
