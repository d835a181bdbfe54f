from django.urls import path

from tandem.programmes import people_views

# Programme pages: overview and matching (views.py), people and import (people_views.py),
# engagements list and dashboard (dashboard_views.py).
urlpatterns: list = []

# People: the pool, the cohort and the sponsors; the CSV import (people_views.py).
urlpatterns += [
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
]
