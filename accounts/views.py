"""Setting one's own password from a reset link: the change is recorded as the user's own."""

from django.contrib.auth import views as auth_views

from accounts.acting import acting_as
from accounts.forms import PasswordResetForm


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        # Nobody is signed in on this page: the link's owner is who sets the password.
        with acting_as(self.user):
            return super().form_valid(form)
