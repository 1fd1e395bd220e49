"""A referral's actions as service calls (``cases.web.Action``), for both sides: the referrer's
draft, send, answer and withdrawal, the agency's acceptance, question, refusal and completion —
one table for the pages (referrals/views.py) and the API (api/views.py)."""

from django.utils.translation import gettext_lazy

from cases.access import deny
from cases.web import Action, with_version
from referrals import forms, selectors, services
from referrals.models import AWAITING_ANSWER, ReferralState

S = ReferralState

NEW = Action(
    gettext_lazy("関係機関につなぐ（下書きを作る）"),
    gettext_lazy("下書きを作る"),
    forms.ReferralForm,
    services.draft_referral,  # the form's fields are the service's words: agency, fields, purpose, ground
    "case",
    form_kwargs=lambda case, actor: {"case": case},
    done_message=gettext_lazy("下書きを作りました。内容を確かめて送ってください。"),
)


def _text_action(service, keyword: str, label: str, title, button, done) -> Action:
    return Action(
        title,
        button,
        forms.TextForm,
        service,
        "referral",
        form_kwargs=lambda referral, actor: {"label": label},
        initial=with_version,
        renamed={"text": keyword},
        done_message=done,
    )


# The referral page's actions: the title of each one's panel, its button, what the next page says.
ACTIONS = {
    "send": Action(
        gettext_lazy("送る"),
        gettext_lazy("つなぎ先に送る"),
        forms.VersionedForm,
        services.send_referral,
        "referral",
        initial=with_version,
        done_message=gettext_lazy("つなぎ先に送りました。"),
    ),
    "ask": _text_action(
        services.ask_question,
        "question",
        gettext_lazy("つなぐ側への質問"),
        gettext_lazy("質問して差し戻す"),
        gettext_lazy("質問を送る"),
        gettext_lazy("質問を送りました。"),
    ),
    "answer": _text_action(
        services.answer_question,
        "answer",
        gettext_lazy("質問への回答"),
        gettext_lazy("質問に回答する"),
        gettext_lazy("回答して送り直す"),
        gettext_lazy("回答して送り直しました。"),
    ),
    "accept": Action(
        gettext_lazy("引き受ける"),
        gettext_lazy("引き受ける"),
        forms.AcceptForm,
        services.accept_referral,
        "referral",
        form_kwargs=lambda referral, actor: {"referral": referral},
        initial=with_version,
        done_message=gettext_lazy("引き受けました。"),
    ),
    "decline": _text_action(
        services.decline_referral,
        "reason",
        gettext_lazy("お断りの理由"),
        gettext_lazy("お断りする"),
        gettext_lazy("お断りする"),
        gettext_lazy("お断りしました。"),
    ),
    "complete": _text_action(
        services.complete_referral,
        "outcome",
        gettext_lazy("支援の結果"),
        gettext_lazy("完了を記録する"),
        gettext_lazy("完了にする"),
        gettext_lazy("完了を記録しました。"),
    ),
    "withdraw": _text_action(
        services.withdraw_referral,
        "reason",
        gettext_lazy("取り下げの理由"),
        gettext_lazy("つなぎを取り下げる"),
        gettext_lazy("取り下げる"),
        gettext_lazy("取り下げました。"),
    ),
}


def offered_actions(view: selectors.ReferralView) -> list[str]:
    """The actions the referral's page offers the actor, in the page's order of need."""
    referral, offered = view.referral, []
    if view.is_referrer:
        offered += ["send"] if referral.state == S.DRAFT else []
        offered += ["answer"] if referral.state == S.RETURNED else []
        offered += ["withdraw"] if referral.is_open else []
    if view.is_recipient:
        offered += ["accept", "ask"] if referral.state in AWAITING_ANSWER else []
        offered += ["decline"] if referral.state in (*AWAITING_ANSWER, S.RETURNED) else []
        offered += ["complete"] if referral.state == S.ACCEPTED else []
    return offered


def referral_for_form(actor, referral_id: object, action: str) -> selectors.ReferralView:
    """Who the actor is to the referral (refused, recorded, first), for one action's form: only
    where the page offers it to them now (refused, recorded, otherwise); nothing decrypted."""
    view = selectors.referral_to_act_on(actor, referral_id)
    if action not in offered_actions(view):
        deny(actor, action=f"open_form:{action}", case=view.referral.case)
    return view
