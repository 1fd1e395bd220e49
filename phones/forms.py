from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """Django's sign-in, and whether this phone is the user's own (the sign-in is kept on it)."""

    remember = forms.BooleanField(
        label=_("この端末は自分専用です（ログインしたままにする・電波がなくても記録できるようにする）"),
        required=False,
    )
