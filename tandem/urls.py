from allauth.account import views as allauth_views
from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from tandem.core import views as core_views

# Django admin signs in through allauth, so its MFA step applies (and MfaRequiredMiddleware
# sends staff without MFA to set it up).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # Sign-in is allauth's (under accounts/); the old addresses keep working.
    path("accounts/", include("allauth.urls")),
    path(
        "login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="login",
    ),
    path("logout/", allauth_views.logout, name="logout"),
    path("", include("tandem.accounts.urls")),
    path("", include("tandem.engagements.urls")),
    path("", include("tandem.coaching_sessions.urls")),
    path("", include("tandem.action_items.urls")),
    path("", include("tandem.feedback.urls")),
    path("", include("tandem.profiles.urls")),
    path("", include("tandem.transcripts.urls")),
    path("", include("tandem.notifications.urls")),
    path("", include("tandem.programmes.urls")),
    path("admin/", admin.site.urls),
]
