from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from tandem.accounts import security_views, views

urlpatterns = [
    path("settings/", views.account_settings, name="account_settings"),
    path("settings/email-ok/", views.email_bounce_clear, name="email_bounce_clear"),
    path("settings/coach/", views.coach_profile, name="coach_profile"),
    path("settings/api-tokens/", views.api_tokens, name="api_tokens"),
    path("settings/api-tokens/<uuid:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("practice/new/", views.sign_up, name="sign_up"),
    path("org/<slug:slug>/people/", views.people, name="people"),
    path(
        "org/<slug:slug>/settings/",
        security_views.organisation_settings,
        name="organisation_settings",
    ),
    path("sign-in/organisation/", security_views.sso_start, name="sso_start"),
    path("invitations/<uuid:pk>/", security_views.invitation_detail, name="invitation_detail"),
    path(
        "invitations/<uuid:pk>/answer/",
        security_views.invitation_answer,
        name="invitation_answer",
    ),
    path("org/<slug:slug>/people/<uuid:pk>/role/", views.member_role, name="member_role"),
    path("org/<slug:slug>/people/<uuid:pk>/edit/", views.person_edit, name="person_edit"),
    path(
        "org/<slug:slug>/people/<uuid:pk>/deactivate/",
        views.member_deactivate,
        name="member_deactivate",
    ),
    path(
        "org/<slug:slug>/people/<uuid:pk>/reactivate/",
        views.member_reactivate,
        name="member_reactivate",
    ),
    path("org/<slug:slug>/people/<uuid:pk>/invite/", views.member_invite, name="member_invite"),
    # Resetting a password is allauth's now; these addresses lead there.
    path(
        "password/reset/",
        RedirectView.as_view(pattern_name="account_reset_password", query_string=True),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        RedirectView.as_view(pattern_name="account_reset_password_done"),
        name="password_reset_done",
    ),
    path(
        "password/set/<uidb64>/<token>/",
        views.SetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/set/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
