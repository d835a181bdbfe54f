from django.urls import path

from tandem.programmes import dashboard_views, people_views, views

# Programme pages: overview and matching (views.py), people and import (people_views.py),
# engagements list and dashboard (dashboard_views.py).
urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path("programmes/<uuid:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<uuid:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<uuid:pk>/archive/", views.programme_archive, name="programme_archive"),
    path("programmes/<uuid:pk>/start/", views.programme_start, name="programme_start"),
    path(
        "programmes/<uuid:pk>/match/<uuid:member_pk>/",
        views.programme_match,
        name="programme_match",
    ),
    path("proposals/<uuid:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<uuid:pk>/choose/", views.proposal_choose, name="proposal_choose"),
    path("proposals/<uuid:pk>/withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    # People: the pool, the cohort and the sponsors; the CSV import (people_views.py).
    path("programmes/<uuid:pk>/people/", people_views.programme_people, name="programme_people"),
    path(
        "programmes/<uuid:pk>/people/import/",
        people_views.programme_people_import,
        name="programme_people_import",
    ),
    path(
        "programmes/<uuid:pk>/people/example.csv",
        people_views.programme_people_example,
        name="programme_people_example",
    ),
    path(
        "programmes/<uuid:pk>/people/update/",
        people_views.programme_member_update,
        name="programme_member_update",
    ),
    path(
        "programmes/<uuid:pk>/people/remove/",
        people_views.programme_member_remove,
        name="programme_member_remove",
    ),
    # --- engagements list and dashboard (dashboard_views.py) ---
    path(
        "programmes/<uuid:pk>/engagements/",
        dashboard_views.programme_engagements,
        name="programme_engagements",
    ),
    path(
        "programmes/<uuid:pk>/engagements.csv",
        dashboard_views.programme_engagements_csv,
        name="programme_engagements_csv",
    ),
    path(
        "programmes/<uuid:pk>/dashboard/",
        dashboard_views.programme_dashboard_page,
        name="programme_dashboard",
    ),
    path(
        "programmes/<uuid:pk>/dashboard.csv",
        dashboard_views.programme_dashboard_csv,
        name="programme_dashboard_csv",
    ),
]
