from django.urls import path

from tandem.profiles import views

urlpatterns = [path("engagements/<uuid:pk>/profile/", views.profile, name="profile")]
