from django.utils.translation import gettext_lazy as _

from cases.exceptions import Conflict


class ReferralConflict(Conflict):
    """Someone else answered or changed the referral since the actor loaded it."""

    message = _("他の人が先にこのつなぎを更新しました。画面を開き直して、最新の状態を確かめてください。")
