from django.urls import path

from tandem.privacy import views

urlpatterns = [
    path("org/<slug:slug>/people/<uuid:pk>/erase/", views.member_erase, name="member_erase"),
    path("settings/erase/", views.account_erase, name="account_erase"),
]
