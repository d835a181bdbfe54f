from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tandem.api import api
from tandem.core import views as core_views
from tandem.home import views as home_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
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
