from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from config import health, offline, views
from phones import views as phone_views

handler403 = views.permission_denied

urlpatterns = [
    path("", views.home, name="home"),
    path("calendar/", views.meeting_calendar, name="calendar"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("accounts/login/", phone_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", phone_views.SignOutView.as_view(), name="logout"),
    # Nobody sets another user's password: a link lets each user set their own (docs/security.md).
    path("accounts/password-reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/", include("accounts.urls")),
    path("cases/", include("cases.urls")),
    path("referrals/", include("referrals.urls")),
    path("guardianship/", include("guardianship.urls")),
    path("audit/", include("audit.urls")),
    path("api/v1/", include("api.urls")),
    path("indicators/", include("indicators.urls")),
    path("networks/", include("networks.urls")),
    path("learning/", include("learning.urls")),
    path("disaster/", include("disaster.urls")),
    path("configuration/", include("configuration.urls")),
    path("onboarding/", include("onboarding.urls")),
    path("notifications/", include("notifications.urls")),
    path("phones/", include("phones.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Probes (config.health): answered by its middleware first; routed too, for reverse().
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
