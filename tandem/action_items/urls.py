from django.urls import path

from tandem.action_items import views

urlpatterns = [
    path("engagements/<uuid:pk>/actions/", views.action_list, name="action_list"),
    path("engagements/<uuid:pk>/reflections/", views.reflection_list, name="reflection_list"),
    path("actions/<uuid:pk>/", views.action_edit, name="action_edit"),
    path("reflections/<uuid:pk>/", views.reflection_edit, name="reflection_edit"),
]
