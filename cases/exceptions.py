"""What the case services raise besides PermissionDenied. Messages are translated and name no person."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class Conflict(Exception):
    """Someone else changed the record (a case, a referral, a matter) since the actor loaded it:
    reload, do not overwrite. ``message`` names the thing (the engine's machine gives it); the
    default names the case."""

    message = _("他の人が先にこのケースを更新しました。画面を開き直して、最新の状態を確かめてください。")

    def __init__(self, message: str | None = None) -> None:
        super().__init__()
        if message is not None:
            self.message = message

    def __str__(self) -> str:
        return str(self.message)


class CaseRuleError(ValidationError):
    """The request breaks a rule of the workflow (missing consent, wrong state…); nothing was changed."""
