from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import views
from cases.actions import CASE_ACTIONS, MEETING_ACTIONS
from guardianship.actions import MATTER_ACTIONS
from referrals.actions import ACTIONS as REFERRAL_ACTIONS

app_name = "api"


def action_paths(kind: str, actions: dict, view_of) -> list:
    """One address per action of a page (``<kind>s/<id>/actions/<action>/``, named
    ``<kind>_<action>``), each its own view, so that the schema describes each one's body."""
    return [
        path(
            f"{kind}s/<str:{kind}_id>/actions/{action}/",
            view_of(action),
            {"action": action},
            name=f"{kind}_{action}",
        )
        for action in actions
    ]


urlpatterns = [
    path("concerns/", views.ConcernCreate.as_view(), name="concerns"),
    path("cases/", views.CaseList.as_view(), name="cases"),
    path("persons/search/", views.PersonSearch.as_view(), name="person_search"),
    # Any text: an id that is no UUID is the API's 404 problem, not Django's HTML page.
    path("cases/<str:case_id>/", views.CaseDetail.as_view(), name="case"),
    path("cases/<str:case_id>/person/", views.PersonOfCase.as_view(), name="person"),
    path(
        "cases/<str:case_id>/consents/<str:consent_id>/withdraw/",
        views.ConsentWithdrawal.as_view(),
        name="consent_withdraw",
    ),
    path("cases/<str:case_id>/grants/<str:grant_id>/end/", views.AccessEnd.as_view(), name="access_end"),
    *action_paths("case", CASE_ACTIONS, views.case_action_view),
    path("meetings/<str:meeting_id>/", views.MeetingDetail.as_view(), name="meeting"),
    *action_paths("meeting", MEETING_ACTIONS, views.meeting_action_view),
    path("cases/<str:case_id>/referrals/", views.ReferralDraft.as_view(), name="referral_draft"),
    path("referrals/", views.ReferralList.as_view(), name="referrals"),
    path("referrals/<str:referral_id>/", views.ReferralDetail.as_view(), name="referral"),
    *action_paths("referral", REFERRAL_ACTIONS, views.referral_action_view),
    path("matters/", views.MatterList.as_view(), name="matters"),
    path("matters/<str:matter_id>/", views.MatterDetail.as_view(), name="matter"),
    *action_paths("matter", MATTER_ACTIONS, views.matter_action_view),
    path("safety/", views.SafetyRounds.as_view(), name="safety_rounds"),
    path("safety/checks/", views.SafetyCheckCreate.as_view(), name="safety_checks"),
    path("phones/this/", views.ThisPhone.as_view(), name="this_phone"),
    path("phones/this/key/", views.ThisPhoneKey.as_view(), name="this_phone_key"),
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    # The schema to read and try (GETs) in Swagger UI: for signed-in users (the middleware asks
    # for the second factor first); its script is served from the same address (?script=). Its
    # stylesheet draws icons as data: images — allowed here as images only, no script or style.
    path(
        "docs/",
        csp_update({"img-src": ["data:"]})(
            login_required(
                SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html")
            )
        ),
        name="docs",
    ),
]
