"""The programme admin's dashboard and engagement list, and their CSV exports.

Thin: the programme comes through ``programme_get_for`` (404 outsiders, 403 non-admins), the
figures from ``dashboard.py``, the rules from ``disclosure.py``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tandem.accounts.models import Programme
from tandem.core.http import AuthedRequest
from tandem.programmes import exports
from tandem.programmes.charts import before_after_chart
from tandem.programmes.dashboard_forms import DashboardFilterForm, EngagementListForm
from tandem.programmes.dashboard_types import Dashboard, FilterOptions, Filters
from tandem.programmes.engagement_list import ListFilters, engagement_rows, list_rows, page_of
from tandem.programmes.selectors import programme_get_for
from tandem.programmes.snapshots import ProgrammeFigures

PER_PAGE = 50


def _dashboard_for(
    request: AuthedRequest, pk: str
) -> tuple[Programme, FilterOptions, DashboardFilterForm, Dashboard]:
    programme = programme_get_for(user=request.user, pk=pk)
    kept = ProgrammeFigures(programme)
    options = kept.options()
    form = DashboardFilterForm(request.GET or None, options=options)
    filters = form.filters() if form.is_bound and form.is_valid() else Filters()
    return programme, options, form, kept.dashboard(filters)


@login_required
@require_GET
def programme_dashboard_page(request: AuthedRequest, pk: str) -> HttpResponse:
    programme, options, form, dashboard = _dashboard_for(request, pk)
    shown = [c for c in dashboard.competencies if c.hidden is None]
    chart = before_after_chart(
        [
            (c.name, c.before, c.after)
            for c in shown
            if c.before is not None and c.after is not None
        ],
        label="Mean 360 score per competency, before and after coaching (1–5)",
    )
    return render(
        request,
        "programmes/dashboard.html",
        {
            "programme": programme,
            "tab": "dashboard",
            "form": form,
            "options": options,
            "d": dashboard,
            "chart": chart,
            "hidden_competencies": [c for c in dashboard.competencies if c.hidden is not None],
            "query": dashboard.filters.query(),
            "filters_text": exports.describe_filters(dashboard.filters, options),
        },
    )


@login_required
@require_GET
def programme_dashboard_csv(request: AuthedRequest, pk: str) -> HttpResponseBase:
    programme, options, form, dashboard = _dashboard_for(request, pk)
    if form.is_bound and not form.is_valid():
        return _bad_filters(form)
    return exports.stream_csv(
        exports.dashboard_rows(dashboard, options),
        filename=exports.export_filename(programme, "dashboard"),
    )


def _list_for(
    request: AuthedRequest, pk: str
) -> tuple[Programme, FilterOptions, EngagementListForm, ListFilters]:
    programme = programme_get_for(user=request.user, pk=pk)
    options = ProgrammeFigures(programme).options()
    form = EngagementListForm(request.GET or None, options=options)
    filters = form.filters() if form.is_bound and form.is_valid() else ListFilters()
    return programme, options, form, filters


@login_required
@require_GET
def programme_engagements(request: AuthedRequest, pk: str) -> HttpResponse:
    programme, _, form, filters = _list_for(request, pk)
    now = timezone.now()
    ids = engagement_rows(programme=programme, filters=filters, now=now).values_list(
        "pk", flat=True
    )
    page = Paginator(ids, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/engagements.html",
        {
            "programme": programme,
            "tab": "engagements",
            "form": form,
            "page": page,
            "rows": page_of(page.object_list, now),
            "this_year": now.year,
            "query": filters.query(),
        },
    )


@login_required
@require_GET
def programme_engagements_csv(request: AuthedRequest, pk: str) -> HttpResponseBase:
    programme, _, form, filters = _list_for(request, pk)
    if form.is_bound and not form.is_valid():
        return _bad_filters(form)
    now = timezone.now()
    rows = list_rows(engagement_rows(programme=programme, filters=filters, now=now), now)
    return exports.stream_csv(
        exports.engagement_csv_rows(rows),
        filename=exports.export_filename(programme, "engagements"),
    )


def _bad_filters(form: DashboardFilterForm | EngagementListForm) -> HttpResponse:
    """A file is no place for an error message: say what to fix, as plain text."""
    problems = "\n".join(f"- {e}" for errors in form.errors.values() for e in errors)
    return HttpResponse(
        f"Nothing was exported: the filters are not right.\n{problems}\n",
        status=400,
        content_type="text/plain; charset=utf-8",
    )
