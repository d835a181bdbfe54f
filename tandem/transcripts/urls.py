from django.urls import path

from tandem.transcripts import views

urlpatterns = [
    path("engagements/<uuid:pk>/conversations/", views.analysis_list, name="analysis_list"),
    path("conversations/<uuid:pk>/", views.analysis_detail, name="analysis_detail"),
]
