from django.urls import path  # noqa: F401

# Programme pages: overview and matching (views.py), people and import (people_views.py),
# engagements list and dashboard (dashboard_views.py).
urlpatterns: list = []
