"""Who may see and do what. The one place that answers it (DESIGN.md, "Confidentiality").

Every view, API endpoint, export and email goes through selectors that call this module.
Two kinds of refusal:

* not a participant at all → the object does not exist for you (404), so outsiders cannot
  even learn that an engagement exists;
* a participant without the right → 403 (a sponsor opening GROW notes, say).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

if TYPE_CHECKING:
    from tandem.accounts.models import User
    from tandem.action_items.models import Reflection
    from tandem.coaching_sessions.models import PrivateNote
    from tandem.engagements.models import Engagement
    from tandem.feedback.models import FeedbackCycle

M = TypeVar("M", bound=Model)


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
    SUBMIT_TARGETS = "submit_targets"  # send the agreed targets to the sponsor, or take back
    SIGN_OFF_TARGETS = "sign_off_targets"  # the sponsor: sign off or ask for changes
    REOPEN_TARGETS = "reopen_targets"
    VIEW_SESSION_CONTENT = "view_session_content"  # agenda, GROW, summaries, actions
    EDIT_SESSION_CONTENT = "edit_session_content"
    SCHEDULE_SESSIONS = "schedule_sessions"
    WRITE_PRIVATE_NOTES = "write_private_notes"
    WRITE_REFLECTIONS = "write_reflections"
    READ_SHARED_REFLECTIONS = "read_shared_reflections"
    RUN_360 = "run_360"  # set up cycles, approve raters, open, close, review comments, release
    NOMINATE_RATERS = "nominate_raters"
    VIEW_360_PROGRESS = "view_360_progress"  # the total answered, never per group
    RATE_REVIEW = "rate_review"  # midpoint and close reviews: GAS ratings, T-scores
    WRITE_SPONSOR_SUMMARY = "write_sponsor_summary"
    READ_SPONSOR_SUMMARY = "read_sponsor_summary"  # the sponsor: approved summaries only
    VIEW_PROFILE = "view_profile"  # the Big-Five result: coachee and coach only
    TAKE_PROFILE = "take_profile"
    PREVIEW_AS_SPONSOR = "preview_as_sponsor"  # "what my sponsor sees"


C, E, S, A = Role.COACH, Role.COACHEE, Role.SPONSOR, Role.PROGRAMME_ADMIN

# The table from DESIGN.md. Conditions that depend on state (sign-off, kind) are applied in
# ``engagement_can`` below, not here.
GRANTS: dict[Perm, frozenset[Role]] = {
    Perm.VIEW_ENGAGEMENT: frozenset({C, E, S, A}),
    Perm.MANAGE_ENGAGEMENT: frozenset({C, A}),
    Perm.VIEW_TARGETS: frozenset({C, E, S}),
    Perm.EDIT_TARGETS: frozenset({C, E}),
    Perm.SUBMIT_TARGETS: frozenset({C, E}),
    Perm.SIGN_OFF_TARGETS: frozenset({C, S}),  # the coach only where there is no sponsor
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
    Perm.PREVIEW_AS_SPONSOR: frozenset({C, E}),
}

# What a refusal says: "Your role here does not let you <this>." Shown on the 403 page.
REFUSALS: dict[Perm, str] = {
    Perm.VIEW_ENGAGEMENT: "see this engagement",
    Perm.MANAGE_ENGAGEMENT: "change its dates, status or people (the coach and the programme "
    "admin do)",
    Perm.VIEW_TARGETS: "see the targets: they are for the coachee, the coach and the sponsor",
    Perm.EDIT_TARGETS: "change the targets (the coachee and the coach draft them)",
    Perm.SUBMIT_TARGETS: "put the targets to a sponsor",
    Perm.SIGN_OFF_TARGETS: "sign off the targets (the sponsor does)",
    Perm.REOPEN_TARGETS: "reopen the contract (the coach does, once it is signed off)",
    Perm.VIEW_SESSION_CONTENT: "read session notes, agendas or actions: they stay between coach "
    "and coachee",
    Perm.EDIT_SESSION_CONTENT: "change session notes, agendas or actions: they belong to coach "
    "and coachee",
    Perm.SCHEDULE_SESSIONS: "plan, move or mark sessions (the coach does)",
    Perm.WRITE_PRIVATE_NOTES: "write a coach's private notes",
    Perm.WRITE_REFLECTIONS: "write reflections: they are the coachee's journal",
    Perm.READ_SHARED_REFLECTIONS: "read reflections: only those shared with the coach, by the "
    "coach",
    Perm.RUN_360: "run the 360 feedback round (the coach does)",
    Perm.NOMINATE_RATERS: "nominate 360 raters (the coachee and the coach do)",
    Perm.VIEW_360_PROGRESS: "see how the 360 round is going",
    Perm.RATE_REVIEW: "rate the targets in a review (the coach and the coachee do)",
    Perm.WRITE_SPONSOR_SUMMARY: "write the sponsor's summary (the coachee does)",
    Perm.READ_SPONSOR_SUMMARY: "read summaries for the sponsor",
    Perm.VIEW_PROFILE: "see the personality profile: it is the coachee's and the coach's only",
    Perm.TAKE_PROFILE: "take the personality profile (the coachee does)",
    Perm.PREVIEW_AS_SPONSOR: "preview the sponsor's page (the coachee and the coach do)",
}

# Where the role has the right but the contract's state does not allow it now.
NOT_NOW: dict[Perm, str] = {
    Perm.VIEW_TARGETS: "The targets are not yet put to you: you see them when you are asked to "
    "sign them off.",
    Perm.EDIT_TARGETS: "The targets cannot change now: they are signed off (the coach can reopen "
    "the contract) or waiting for the sponsor (take them back first).",
    Perm.SUBMIT_TARGETS: "The targets are signed off already, or there is no sponsor to ask.",
    Perm.SIGN_OFF_TARGETS: "There is nothing waiting for your sign-off.",
    Perm.REOPEN_TARGETS: "The contract is not signed off, so there is nothing to reopen (if "
    "the targets are with the sponsor, take them back to change them).",
}

COACHING_ONLY = {
    Perm.PREVIEW_AS_SPONSOR,
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
    Perm.SUBMIT_TARGETS,
    Perm.SIGN_OFF_TARGETS,
    Perm.REOPEN_TARGETS,
}


def _memberships_key(user_id: object) -> str:
    return f"memberships:{user_id}"


def _memberships(user: User) -> tuple[frozenset[UUID], frozenset[UUID]]:
    """(organisations the user runs programmes in, organisations where they are deactivated).

    Read on nearly every request, so kept on the user for the request and in the cache
    between requests, under the user's ``access_version``: every change of a membership moves
    it (tandem/accounts/models.py), so the next request reads them afresh in every process."""
    cached: tuple[frozenset[UUID], frozenset[UUID]] | None = getattr(
        user, "_tandem_memberships", None
    )
    if cached is not None:
        return cached
    from django.core.cache import cache

    version = getattr(user, "access_version", None)
    kept = cache.get(_memberships_key(user.pk))
    if kept is not None and version is not None and kept[0] == version:
        cached = kept[1]
    else:
        from tandem.accounts.models import Membership

        rows = Membership.objects.filter(user=user).values_list(
            "organisation_id", "role", "is_active"
        )
        admin: set[UUID] = set()
        inactive: set[UUID] = set()
        for organisation_id, role, is_active in rows:
            if not is_active:
                inactive.add(organisation_id)
            elif role == Membership.Role.PROGRAMME_ADMIN:
                admin.add(organisation_id)
        cached = (frozenset(admin), frozenset(inactive))
        if version is not None:
            cache.set(_memberships_key(user.pk), (version, cached), timeout=24 * 3600)
    user._tandem_memberships = cached  # type: ignore[attr-defined]
    return cached


def memberships_forget(user_id: object) -> None:
    """Drop the cached memberships of a person whose membership just changed."""
    from django.core.cache import cache

    cache.delete(_memberships_key(user_id))


def admin_organisation_ids(user: User) -> frozenset[UUID]:
    """Organisations where ``user`` runs programmes (an inactive membership runs nothing)."""
    return _memberships(user)[0]


def inactive_organisation_ids(user: User) -> frozenset[UUID]:
    """Organisations where ``user`` was deactivated: none of their engagements are theirs to
    see any more, whatever their part in them was. Their records stay."""
    return _memberships(user)[1]


def policy_cache_clear(user: User) -> None:
    """Forget what was read about ``user``'s memberships (after they change in this request)."""
    user.__dict__.pop("_tandem_memberships", None)
    memberships_forget(user.pk)


def engagement_roles(user: User, engagement: Engagement) -> frozenset[Role]:
    if not user.is_authenticated:
        return frozenset()
    if engagement.organisation_id in inactive_organisation_ids(user):
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


# What stops when an engagement has ended: a completed one keeps its reviews, summary and the
# coachee's journal open for the last word; a cancelled one is a record, read only.
FROZEN_WHEN_COMPLETED = {
    Perm.MANAGE_ENGAGEMENT,
    Perm.EDIT_TARGETS,
    Perm.SUBMIT_TARGETS,
    Perm.SIGN_OFF_TARGETS,
    Perm.REOPEN_TARGETS,
    Perm.SCHEDULE_SESSIONS,
    Perm.EDIT_SESSION_CONTENT,
    Perm.NOMINATE_RATERS,
}
FROZEN_WHEN_CANCELLED = FROZEN_WHEN_COMPLETED | {
    Perm.RUN_360,
    Perm.RATE_REVIEW,
    Perm.WRITE_SPONSOR_SUMMARY,
    Perm.TAKE_PROFILE,
    Perm.WRITE_REFLECTIONS,
    Perm.WRITE_PRIVATE_NOTES,
}


def _frozen(perm: Perm, engagement: Engagement) -> bool:
    if engagement.status == "cancelled":
        return perm in FROZEN_WHEN_CANCELLED
    return engagement.status == "completed" and perm in FROZEN_WHEN_COMPLETED


def engagement_can(
    user: User, perm: Perm, engagement: Engagement, *, reading: bool = False
) -> bool:
    """``reading``: only to look at what the right produced earlier (a private note, a review,
    a report), which stays readable once the engagement has ended."""
    if perm in COACHING_ONLY and not engagement.is_coaching:
        return False
    if _frozen(perm, engagement) and not reading:
        return False
    roles = engagement_roles(user, engagement)
    if not roles & GRANTS[perm]:
        return False
    if perm == Perm.MANAGE_ENGAGEMENT and engagement.is_one_on_one:
        return Role.COACH in roles  # a manager's own series: HR sees it, the manager runs it
    if perm == Perm.VIEW_TARGETS and roles & {C, E}:
        return True
    if perm == Perm.VIEW_TARGETS:  # the sponsor once they are put to him, to sign them off
        return engagement.targets_signed_off or engagement.targets_awaiting_sign_off
    if perm == Perm.EDIT_TARGETS:  # what the sponsor is reading does not change under him
        return not engagement.targets_signed_off and not engagement.targets_awaiting_sign_off
    if perm == Perm.SUBMIT_TARGETS:  # submit, or take back before the sponsor answers
        return engagement.sponsor_id is not None and not engagement.targets_signed_off
    if perm == Perm.SIGN_OFF_TARGETS:
        if engagement.targets_signed_off:
            return False
        if engagement.sponsor_id is None:  # no sponsor: coach and coachee agree them alone
            return Role.COACH in roles
        return Role.SPONSOR in roles and engagement.targets_awaiting_sign_off
    if perm == Perm.REOPEN_TARGETS:
        return engagement.targets_signed_off
    return True


def engagement_require(
    user: User, perm: Perm, engagement: Engagement, *, reading: bool = False
) -> None:
    """404 for people with no part in the engagement, 403 for a participant without ``perm``."""
    if not engagement_roles(user, engagement):
        raise Http404("No such engagement.")
    if not engagement_can(user, perm, engagement, reading=reading):
        if perm in COACHING_ONLY and not engagement.is_coaching:
            raise PermissionDenied(
                "A 1:1 series has no contract, 360, reviews or profile: "
                "those belong to coaching engagements."
            )
        roles = engagement_roles(user, engagement)
        if roles & GRANTS[perm] and _frozen(perm, engagement):
            raise PermissionDenied(
                f"This engagement is {engagement.get_status_display().lower()}: its record can "
                "be read, no longer changed."
            )
        if perm == Perm.MANAGE_ENGAGEMENT and engagement.is_one_on_one:
            raise PermissionDenied("A manager's 1:1 series is run by the manager alone.")
        if perm == Perm.SIGN_OFF_TARGETS and Role.COACH in roles and engagement.sponsor_id:
            raise PermissionDenied(
                f"The sponsor, {engagement.sponsor}, signs the targets off once they are put "
                "to them."
            )
        if engagement_roles(user, engagement) & GRANTS[perm] and perm in NOT_NOW:
            raise PermissionDenied(NOT_NOW[perm])
        raise PermissionDenied(f"Your role in this engagement does not let you {REFUSALS[perm]}.")


def engagements_visible_to(user: User) -> QuerySet[Engagement]:
    from tandem.engagements.models import Engagement

    if not user.is_authenticated:
        return Engagement.objects.none()
    visible = Engagement.objects.filter(
        Q(coach=user)
        | Q(coachee=user)
        | Q(sponsor=user)
        | Q(organisation_id__in=admin_organisation_ids(user))
    )
    inactive = inactive_organisation_ids(user)
    return visible.exclude(organisation_id__in=inactive) if inactive else visible


def object_get_for(
    *,
    user: User,
    queryset: QuerySet[M],
    pk: UUID | str,
    perm: Perm,
    via: str = "engagement",
    reading: bool = False,
    missing: str,
) -> M:
    """The one accessor for anything that belongs to an engagement: the object ``pk`` of
    ``queryset`` if ``user`` has a part in its engagement (else 404 saying ``missing``, so an
    outsider cannot even learn it exists) and may do ``perm`` there (else 403 saying why).

    ``via`` is the path from the object to its engagement (``"session__engagement"``), or
    ``""`` when the queryset is of engagements. Every ``<entity>_get_for`` selector is this
    call with its own queryset (the related rows its page shows) and its own right.
    """
    visible = engagements_visible_to(user)
    found = queryset.filter(pk=pk, **{f"{via}__in" if via else "pk__in": visible}).first()
    if found is None:
        raise Http404(missing)
    engagement: Any = found
    for step in via.split("__") if via else ():
        engagement = getattr(engagement, step)
    engagement_require(user, perm, engagement, reading=reading)
    return found


def engagements_seated(user: User) -> QuerySet[Engagement]:
    """The engagements ``user`` has a seat in (coach, coachee or sponsor), leaving out those
    they see only as a programme admin: a subset of ``engagements_visible_to``."""
    from tandem.engagements.models import Engagement

    if not user.is_authenticated:
        return Engagement.objects.none()
    seated = Engagement.objects.filter(Q(coach=user) | Q(coachee=user) | Q(sponsor=user))
    inactive = inactive_organisation_ids(user)
    return seated.exclude(organisation_id__in=inactive) if inactive else seated


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
    if engagement_can(user, Perm.RUN_360, engagement, reading=True):
        return True
    return user.pk == engagement.coachee_id and cycle.released_at is not None


def reflections_visible_filter(user: User) -> Q:
    """For querysets of one engagement's reflections the caller may already see."""
    return Q(author=user) | Q(shared_with_coach=True, engagement__coach=user)
