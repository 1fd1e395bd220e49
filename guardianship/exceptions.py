from django.utils.translation import gettext_lazy as _

from cases.exceptions import Conflict


class MatterConflict(Conflict):
    """Someone else changed the matter since the actor loaded it."""

    message = _("他の人が先にこの案件を更新しました。画面を開き直して、最新の状態を確かめてください。")
