from django.urls import path

from tandem.coaching_sessions import feedback_views, grow_views, schedule_views, views

urlpatterns = [
    path(
        "engagements/<uuid:pk>/sessions/plan/", schedule_views.sessions_plan, name="sessions_plan"
    ),
    path("sessions/<uuid:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<uuid:pk>/schedule/", schedule_views.session_schedule, name="session_schedule"),
    path("sessions/<uuid:pk>/mark/", schedule_views.session_mark, name="session_mark"),
    path("sessions/<uuid:pk>/topics/", views.topic_add, name="topic_add"),
    path("sessions/<uuid:pk>/actions/", views.session_action_add, name="session_action_add"),
    path(
        "sessions/<uuid:pk>/checkins/<uuid:action_pk>/",
        views.checkin_record,
        name="checkin_record",
    ),
    path("sessions/<uuid:pk>/close/", views.session_close, name="session_close"),
    path("sessions/<uuid:pk>/summary/", views.session_summary, name="session_summary"),
    path("sessions/<uuid:pk>/private-note/", views.private_note, name="private_note"),
    path("sessions/<uuid:pk>/feedback/", feedback_views.session_feedback, name="session_feedback"),
    path("topics/<uuid:pk>/remove/", views.topic_remove, name="topic_remove"),
    path("topics/<uuid:pk>/grow/", grow_views.topic_grow, name="topic_grow"),
    path("topics/<uuid:pk>/options/", grow_views.option_add, name="option_add"),
    path("topics/<uuid:pk>/commit/", grow_views.topic_commit, name="topic_commit"),
    path("topics/<uuid:pk>/revisit/", grow_views.topic_revisit, name="topic_revisit"),
    path("options/<uuid:pk>/choose/", grow_views.option_choose, name="option_choose"),
    path("options/<uuid:pk>/delete/", grow_views.option_delete, name="option_delete"),
]
