from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from tandem.accounts.models import Membership, Organisation, User
from tandem.core.policy import admin_organisation_ids

PER_PAGE = 50


def organisation_get_for_admin(*, user: User, slug: str) -> Organisation:
    """404 unless the user belongs to the organisation (and is active in it); 403 unless they
    run its programmes."""
    organisation = Organisation.objects.filter(
        slug=slug, memberships__user=user, memberships__is_active=True
    ).first()
    if organisation is None:
        raise Http404("No such organisation.")
    if organisation.pk not in admin_organisation_ids(user):
        raise PermissionDenied("Only programme admins manage the organisation's people.")
    return organisation


def members_of(*, organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("user__full_name")


@dataclass
class MembersPage:
    page: Page  # of Membership
    query: str
    status: str  # "" (everyone), "active" or "deactivated"
    counts: dict[bool, int]  # memberships by is_active, unfiltered

    @property
    def keep(self) -> str:
        return urlencode({k: v for k, v in (("q", self.query), ("status", self.status)) if v})

    @property
    def active(self) -> int:
        return self.counts.get(True, 0)

    @property
    def deactivated(self) -> int:
        return self.counts.get(False, 0)


def members_page(
    *, organisation: Organisation, query: str = "", status: str = "", page: str | int | None = 1
) -> MembersPage:
    """One page of the organisation's people, searched by name or email, in 3 queries."""
    counts = dict(
        organisation.memberships.values("is_active")
        .annotate(n=Count("id"))
        .values_list("is_active", "n")
    )
    members = members_of(organisation=organisation).order_by("user__full_name", "user__email", "id")
    query = query.strip()
    if query:
        members = members.filter(
            Q(user__full_name__icontains=query) | Q(user__email__icontains=query)
        )
    if status == "active":
        members = members.filter(is_active=True)
    elif status == "deactivated":
        members = members.filter(is_active=False)
    else:
        status = ""
    paginator = Paginator(members, PER_PAGE)
    if not query:  # the count is known already: no second COUNT query
        known = {"active": counts.get(True, 0), "deactivated": counts.get(False, 0)}
        paginator.__dict__["count"] = known.get(status, sum(counts.values()))
    page_obj = paginator.get_page(page)
    return MembersPage(page=page_obj, query=query, status=status, counts=counts)


def membership_get(*, organisation: Organisation, pk: UUID | str) -> Membership:
    membership = (
        organisation.memberships.filter(pk=pk).select_related("user", "organisation").first()
    )
    if membership is None:
        raise Http404("No such member.")
    return membership
