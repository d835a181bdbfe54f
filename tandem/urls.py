from allauth.account import views as allauth_views
from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from tandem.api import api
from tandem.core import views as core_views
from tandem.home import views as home_views

# Django admin signs in through allauth, so its MFA step applies (and MfaRequiredMiddleware
# sends staff without MFA to set it up).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", home_views.home, name="home"),
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
    path("", include("tandem.privacy.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.BENCH_VIEWS:  # the benchmark's reference pages (tandem/core/bench_views.py)
    from tandem.core import bench_views

    urlpatterns += [
        path("bench/hello", bench_views.hello, name="bench_hello"),
        path("bench/floor", bench_views.floor, name="bench_floor"),
    ]
