from django.urls import path

from tandem.programmes import dashboard_views

# Programme pages: overview and matching (views.py), people and import (people_views.py),
# engagements list and dashboard (dashboard_views.py).
urlpatterns: list = []

# --- engagements list and dashboard (dashboard_views.py) ---
urlpatterns += [
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
