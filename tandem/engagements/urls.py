from django.urls import path

from tandem.engagements import people_views, review_views, views

urlpatterns = [
    path("engagements/new/", views.engagement_new, name="engagement_new"),
    path("engagements/<uuid:pk>/", views.engagement_detail, name="engagement_detail"),
    path("engagements/<uuid:pk>/edit/", views.engagement_edit, name="engagement_edit"),
    path(
        "engagements/<uuid:pk>/as-sponsor/",
        views.engagement_as_sponsor,
        name="engagement_as_sponsor",
    ),
    path("engagements/<uuid:pk>/status/", views.engagement_status, name="engagement_status"),
    path("engagements/<uuid:pk>/coach/", people_views.replace_coach, name="replace_coach"),
    path("engagements/<uuid:pk>/sponsor/", people_views.sponsor_change, name="sponsor_change"),
    path(
        "engagements/<uuid:pk>/sponsor/decide/",
        people_views.sponsor_change_decide,
        name="sponsor_change_decide",
    ),
    path(
        "engagements/<uuid:pk>/sponsor/withdraw/",
        people_views.sponsor_change_withdraw,
        name="sponsor_change_withdraw",
    ),
    path("engagements/<uuid:pk>/targets/new/", views.target_new, name="target_new"),
    path(
        "engagements/<uuid:pk>/targets/sign-off/",
        views.targets_sign_off,
        name="targets_sign_off",
    ),
    path("engagements/<uuid:pk>/targets/submit/", views.targets_submit, name="targets_submit"),
    path(
        "engagements/<uuid:pk>/targets/withdraw/", views.targets_withdraw, name="targets_withdraw"
    ),
    path(
        "engagements/<uuid:pk>/targets/changes/",
        views.targets_request_changes,
        name="targets_request_changes",
    ),
    path("engagements/<uuid:pk>/targets/reopen/", views.targets_reopen, name="targets_reopen"),
    path(
        "engagements/<uuid:pk>/reviews/<str:kind>/",
        review_views.review_detail,
        name="review_detail",
    ),
    path("targets/<uuid:pk>/edit/", views.target_edit, name="target_edit"),
    path("targets/<uuid:pk>/delete/", views.target_delete, name="target_delete"),
]
