"""Who may see and do what. The one place that answers it (DESIGN.md, "Confidentiality").

Every view, API endpoint, export and email goes through selectors that call this module.
Two kinds of refusal:

* not a participant at all → the object does not exist for you (404), so outsiders cannot
  even learn that an engagement exists;
* a participant without the right → 403 (a sponsor opening GROW notes, say).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.action_items.models import Reflection
    from tandem.coaching_sessions.models import PrivateNote
    from tandem.engagements.models import Engagement
    from tandem.feedback.models import FeedbackCycle


class Role(StrEnum):
    COACH = "coach"
    COACHEE = "coachee"
    SPONSOR = "sponsor"
    PROGRAMME_ADMIN = "programme_admin"


class Perm(StrEnum):
    VIEW_ENGAGEMENT = "view_engagement"  # dates, status, session count
    MANAGE_ENGAGEMENT = "manage_engagement"  # dates, status, cadence, people
    VIEW_TARGETS = "view_targets"
    EDIT_TARGETS = "edit_targets"
    SIGN_OFF_TARGETS = "sign_off_targets"
    REOPEN_TARGETS = "reopen_targets"
    VIEW_SESSION_CONTENT = "view_session_content"  # agenda, GROW, summaries, actions
    EDIT_SESSION_CONTENT = "edit_session_content"
    SCHEDULE_SESSIONS = "schedule_sessions"
    WRITE_PRIVATE_NOTES = "write_private_notes"
    WRITE_REFLECTIONS = "write_reflections"
    READ_SHARED_REFLECTIONS = "read_shared_reflections"
    RUN_360 = "run_360"  # set up cycles, approve raters, open, close, review comments, release
    NOMINATE_RATERS = "nominate_raters"
    VIEW_360_PROGRESS = "view_360_progress"  # completion counts per group, never names
    RATE_REVIEW = "rate_review"  # midpoint and close reviews: GAS ratings, T-scores
    WRITE_SPONSOR_SUMMARY = "write_sponsor_summary"
    READ_SPONSOR_SUMMARY = "read_sponsor_summary"  # the sponsor: approved summaries only
    VIEW_PROFILE = "view_profile"  # the Big-Five result: coachee and coach only
    TAKE_PROFILE = "take_profile"


C, E, S, A = Role.COACH, Role.COACHEE, Role.SPONSOR, Role.PROGRAMME_ADMIN

# The table from DESIGN.md. Conditions that depend on state (sign-off, kind) are applied in
# ``engagement_can`` below, not here.
GRANTS: dict[Perm, frozenset[Role]] = {
    Perm.VIEW_ENGAGEMENT: frozenset({C, E, S, A}),
    Perm.MANAGE_ENGAGEMENT: frozenset({C, A}),
    Perm.VIEW_TARGETS: frozenset({C, E, S}),
    Perm.EDIT_TARGETS: frozenset({C, E}),
    Perm.SIGN_OFF_TARGETS: frozenset({S}),
    Perm.REOPEN_TARGETS: frozenset({C}),
    Perm.VIEW_SESSION_CONTENT: frozenset({C, E}),
    Perm.EDIT_SESSION_CONTENT: frozenset({C, E}),
    Perm.SCHEDULE_SESSIONS: frozenset({C}),
    Perm.WRITE_PRIVATE_NOTES: frozenset({C}),
    Perm.WRITE_REFLECTIONS: frozenset({E}),
    Perm.READ_SHARED_REFLECTIONS: frozenset({C}),
    Perm.RUN_360: frozenset({C}),
    Perm.NOMINATE_RATERS: frozenset({C, E}),
    Perm.VIEW_360_PROGRESS: frozenset({C, E}),
    Perm.RATE_REVIEW: frozenset({C, E}),
    Perm.WRITE_SPONSOR_SUMMARY: frozenset({E}),
    Perm.READ_SPONSOR_SUMMARY: frozenset({C, E, S}),
    Perm.VIEW_PROFILE: frozenset({C, E}),
    Perm.TAKE_PROFILE: frozenset({E}),
}

COACHING_ONLY = {
    Perm.VIEW_PROFILE,
    Perm.TAKE_PROFILE,
    Perm.RATE_REVIEW,
    Perm.WRITE_SPONSOR_SUMMARY,
    Perm.READ_SPONSOR_SUMMARY,
    Perm.RUN_360,
    Perm.NOMINATE_RATERS,
    Perm.VIEW_360_PROGRESS,
    Perm.VIEW_TARGETS,
    Perm.EDIT_TARGETS,
    Perm.SIGN_OFF_TARGETS,
    Perm.REOPEN_TARGETS,
}


def admin_organisation_ids(user: User) -> frozenset[UUID]:
    """Organisations where ``user`` runs programmes; cached on the user for the request."""
    cached: frozenset[UUID] | None = getattr(user, "_tandem_admin_orgs", None)
    if cached is None:
        from tandem.accounts.models import Membership

        cached = frozenset(
            Membership.objects.filter(user=user, role=Membership.Role.PROGRAMME_ADMIN).values_list(
                "organisation_id", flat=True
            )
        )
        user._tandem_admin_orgs = cached  # type: ignore[attr-defined]
    return cached


def engagement_roles(user: User, engagement: Engagement) -> frozenset[Role]:
    if not user.is_authenticated:
        return frozenset()
    roles = set()
    if engagement.coach_id == user.pk:
        roles.add(Role.COACH)
    if engagement.coachee_id == user.pk:
        roles.add(Role.COACHEE)
    if engagement.sponsor_id is not None and engagement.sponsor_id == user.pk:
        roles.add(Role.SPONSOR)
    if engagement.organisation_id in admin_organisation_ids(user):
        roles.add(Role.PROGRAMME_ADMIN)
    return frozenset(roles)


def engagement_can(user: User, perm: Perm, engagement: Engagement) -> bool:
    if perm in COACHING_ONLY and not engagement.is_coaching:
        return False
    roles = engagement_roles(user, engagement)
    if not roles & GRANTS[perm]:
        return False
    if perm == Perm.VIEW_TARGETS and roles & {C, E}:
        return True
    if perm == Perm.VIEW_TARGETS:  # the sponsor only once the targets are signed off
        return engagement.targets_signed_off
    if perm == Perm.EDIT_TARGETS:
        return not engagement.targets_signed_off
    if perm == Perm.SIGN_OFF_TARGETS:
        return not engagement.targets_signed_off
    if perm == Perm.REOPEN_TARGETS:
        return engagement.targets_signed_off
    return True


def engagement_require(user: User, perm: Perm, engagement: Engagement) -> None:
    """404 for people with no part in the engagement, 403 for a participant without ``perm``."""
    if not engagement_roles(user, engagement):
        raise Http404("No such engagement.")
    if not engagement_can(user, perm, engagement):
        raise PermissionDenied(f"Your role in this engagement does not allow: {perm.value}.")


def engagements_visible_to(user: User) -> QuerySet[Engagement]:
    from tandem.engagements.models import Engagement

    if not user.is_authenticated:
        return Engagement.objects.none()
    return Engagement.objects.filter(
        Q(coach=user)
        | Q(coachee=user)
        | Q(sponsor=user)
        | Q(organisation_id__in=admin_organisation_ids(user))
    )


def private_note_can_read(user: User, note: PrivateNote) -> bool:
    return note.author_id == user.pk


def reflection_can_read(user: User, reflection: Reflection) -> bool:
    if reflection.author_id == user.pk:
        return True
    return reflection.shared_with_coach and engagement_can(
        user, Perm.READ_SHARED_REFLECTIONS, reflection.engagement
    )


def feedback_report_can_read(user: User, cycle: FeedbackCycle) -> bool:
    """The coach always; the coachee once the coach has released it; nobody else, ever."""
    engagement = cycle.engagement
    if engagement_can(user, Perm.RUN_360, engagement):
        return True
    return user.pk == engagement.coachee_id and cycle.released_at is not None


def reflections_visible_filter(user: User) -> Q:
    """For querysets of one engagement's reflections the caller may already see."""
    return Q(author=user) | Q(shared_with_coach=True, engagement__coach=user)
