from django.urls import path

from tandem.privacy import views

urlpatterns = [
    path("org/<slug:slug>/people/<uuid:pk>/erase/", views.member_erase, name="member_erase"),
    path("org/<slug:slug>/privacy/", views.organisation_privacy, name="organisation_privacy"),
    path("org/<slug:slug>/privacy/records/", views.privacy_records, name="privacy_records"),
    path("settings/erase/", views.account_erase, name="account_erase"),
    path("settings/my-data/", views.data_export, name="data_export"),
    path("settings/who-read-my-records/", views.my_reads, name="my_reads"),
    path(
        "settings/my-data/<uuid:pk>/download/",
        views.data_export_download,
        name="data_export_download",
    ),
]
