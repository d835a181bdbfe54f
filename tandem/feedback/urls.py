from django.urls import path

from tandem.feedback import views

urlpatterns = [
    path("engagements/<uuid:pk>/360/new/", views.cycle_new, name="cycle_new"),
    path("360/<uuid:pk>/", views.cycle_detail, name="cycle_detail"),
    path("360/<uuid:pk>/nominate/", views.cycle_nominate, name="cycle_nominate"),
    path("360/<uuid:pk>/deadline/", views.cycle_extend, name="cycle_extend"),
    path("360/<uuid:pk>/open/", views.cycle_open, name="cycle_open"),
    path("360/<uuid:pk>/remind/", views.cycle_remind, name="cycle_remind"),
    path("360/<uuid:pk>/close/", views.cycle_close, name="cycle_close"),
    path("360/<uuid:pk>/release/", views.cycle_release, name="cycle_release"),
    path("360/<uuid:pk>/report/", views.cycle_report, name="cycle_report"),
    path("360/<uuid:pk>/report.pdf", views.cycle_report_pdf, name="cycle_report_pdf"),
    path("360/<uuid:pk>/self/", views.self_assessment, name="self_assessment"),
    path("raters/<uuid:pk>/review/", views.invitation_review, name="invitation_review"),
    path("raters/<uuid:pk>/remove/", views.invitation_remove, name="invitation_remove"),
    path("comments/<uuid:pk>/review/", views.comment_review, name="comment_review"),
    path("r/s/<str:slot>/", views.rater_session, name="rater_session"),
    path("r/<str:token>/", views.rater_answer, name="rater_answer"),
]
