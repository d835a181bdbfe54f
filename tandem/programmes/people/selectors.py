"""Reads for the people pages: a programme's people a page at a time, what each coach
carries now, and engagements whose coach was deactivated.

Callers have checked access already (``programme_get_for``, ``organisation_get_for_admin``);
each function costs a fixed number of queries, whatever the number of people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from tandem.accounts.models import Membership, Organisation, Programme, ProgrammeMember, User
from tandem.engagements.models import Engagement
from tandem.engagements.selectors import coach_loads, live_engagements

PER_PAGE = 50
Role = ProgrammeMember.Role


def engagements_needing_a_coach(
    *, organisation: Organisation, programme: Programme | None = None
) -> QuerySet[Engagement]:
    """Engagements not yet ended whose coach is deactivated in the organisation (or whose
    account was switched off altogether)."""
    coach_gone = Membership.objects.filter(
        organisation=organisation, user_id=OuterRef("coach_id"), is_active=False
    )
    found = live_engagements().filter(
        Q(Exists(coach_gone)) | Q(coach__is_active=False), organisation=organisation
    )
    if programme is not None:
        found = found.filter(programme=programme)
    return found.select_related("coach", "coachee", "programme").order_by("start_date", "id")


def programme_member_get(*, programme: Programme, pk: UUID | str | None) -> ProgrammeMember:
    member = (
        programme.members.filter(pk=pk).select_related("user").first()
        if pk and _is_uuid(pk)
        else None
    )
    if member is None:
        raise Http404("No such person in this programme.")
    return member


def _is_uuid(value: UUID | str) -> bool:
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True


@dataclass
class PersonRow:
    member: ProgrammeMember
    deactivated: bool = False
    load: int = 0  # coaches: engagements coached now
    capacity: int | None = None  # coaches: from their profile
    engagement: Engagement | None = None  # coachees: their latest in this programme
    sponsoring: int = 0  # sponsors: coachees in this programme they sponsor

    @property
    def at_capacity(self) -> bool:
        return self.capacity is not None and self.load >= self.capacity


@dataclass
class PeoplePage:
    page: Page  # of ProgrammeMember
    rows: list[PersonRow]
    counts: dict[str, int] = field(default_factory=dict)  # places per role, unfiltered
    query: str = ""
    role: str = ""

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def role_filters(self) -> list[tuple[str, str, int]]:
        """(role, plural label, places) for the filter links."""
        plural = {Role.COACH: "Coaches", Role.COACHEE: "Coachees", Role.SPONSOR: "Sponsors"}
        return [(str(r), label, self.counts.get(r, 0)) for r, label in plural.items()]

    @property
    def keep(self) -> str:
        """The page's search and filter, for the pager's links."""
        return urlencode({k: v for k, v in (("q", self.query), ("role", self.role)) if v})


def programme_people(
    *, programme: Programme, query: str = "", role: str = "", page: str | int | None = 1
) -> PeoplePage:
    """One page (``PER_PAGE``) of the programme's people, searched by name or email and
    filtered by role, with what the page shows for each: in a fixed number of queries."""
    counts = dict(programme.members.values("role").annotate(n=Count("id")).values_list("role", "n"))
    members = programme.members.select_related("user", "sponsor", "user__coach_profile")
    query = query.strip()
    if query:
        members = members.filter(
            Q(user__full_name__icontains=query) | Q(user__email__icontains=query)
        )
    if role in Role.values:
        members = members.filter(role=role)
    else:
        role = ""
    members = members.order_by("role", "user__full_name", "user__email", "id")
    paginator = Paginator(members, PER_PAGE)
    if not query:  # the count is known already: no second COUNT query
        paginator.__dict__["count"] = counts.get(role, 0) if role else sum(counts.values())
    page_obj = paginator.get_page(page)
    places = list(page_obj.object_list)
    rows = [PersonRow(member=m) for m in places]

    user_ids = {m.user_id for m in places}
    inactive = set(
        Membership.objects.filter(
            organisation_id=programme.organisation_id, user_id__in=user_ids, is_active=False
        ).values_list("user_id", flat=True)
    )
    coach_ids = [m.user_id for m in places if m.role == Role.COACH]
    coachee_ids = [m.user_id for m in places if m.role == Role.COACHEE]
    sponsor_ids = [m.user_id for m in places if m.role == Role.SPONSOR]
    loads = coach_loads(coach_ids)
    latest: dict[int, Engagement] = {}
    if coachee_ids:
        for e in Engagement.objects.filter(
            programme=programme, coachee_id__in=coachee_ids
        ).order_by("start_date", "id"):
            latest[e.coachee_id] = e  # the latest start wins
    sponsoring: dict[int, int] = {}
    if sponsor_ids:
        sponsoring = dict(
            programme.members.filter(role=Role.COACHEE, sponsor_id__in=sponsor_ids)
            .values("sponsor_id")
            .annotate(n=Count("id"))
            .values_list("sponsor_id", "n")
        )
    for row in rows:
        m = row.member
        row.deactivated = m.user_id in inactive or not m.user.is_active
        if m.role == Role.COACH:
            row.load = loads.get(m.user_id, 0)
            profile = getattr(m.user, "coach_profile", None)
            row.capacity = profile.capacity if profile is not None else None
        elif m.role == Role.COACHEE:
            row.engagement = latest.get(m.user_id)
        else:
            row.sponsoring = sponsoring.get(m.user_id, 0)
    return PeoplePage(page=page_obj, rows=rows, counts=counts, query=query, role=role)


def engagements_of_person(*, organisation: Organisation, user: User) -> list[Engagement]:
    """The person's engagements in the organisation that have not ended, whatever their
    part: what a deactivation touches."""
    return list(
        live_engagements()
        .filter(organisation=organisation)
        .filter(Q(coach=user) | Q(coachee=user) | Q(sponsor=user))
        .select_related("coach", "coachee", "sponsor", "programme")
        .order_by("start_date", "id")
    )
