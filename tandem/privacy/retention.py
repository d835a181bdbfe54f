"""Retention: each organisation says how long the confidential content of an ended
engagement is kept (``RetentionPolicy.months_after_close``); the scheduler's ``retention``
step deletes what has passed it.

An engagement ends when it is completed or cancelled; the clock starts at its end date (or,
without one, the day it was last changed). What goes is exactly what erasure takes from an
engagement (``erasure.content_parts``); what stays is the engagement with its dates, status,
sessions and their dates, and a ``ContentPurge`` row with the counts.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tandem.accounts.models import Organisation, User
from tandem.core.policy import admin_organisation_ids
from tandem.engagements.models import Engagement
from tandem.privacy.erasure import content_parts
from tandem.privacy.models import ContentPurge, RetentionPolicy

ENDED = (Engagement.Status.COMPLETED, Engagement.Status.CANCELLED)
BATCH = 50  # engagements per pass: a long backlog is worked off a minute at a time


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def retention_set(
    *, actor: User, organisation: Organisation, months_after_close: int | None
) -> RetentionPolicy:
    if organisation.pk not in admin_organisation_ids(actor):
        raise PermissionDenied("Only the organisation's programme admins set its retention.")
    policy, _ = RetentionPolicy.objects.get_or_create(organisation=organisation)
    policy.months_after_close = months_after_close
    policy.changed_by = actor
    policy.full_clean()
    policy.save()
    return policy


def due_engagements(policy: RetentionPolicy, today: dt.date) -> QuerySet[Engagement]:
    assert policy.months_after_close is not None
    cutoff = _months_before(today, policy.months_after_close)
    ended = Engagement.objects.filter(
        organisation_id=policy.organisation_id, status__in=ENDED, content_purge__isnull=True
    )
    return ended.filter(end_date__lt=cutoff) | ended.filter(
        end_date__isnull=True, updated_at__date__lt=cutoff
    )


@transaction.atomic
def engagement_purge(engagement: Engagement, months: int) -> ContentPurge:
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    one = Engagement.objects.filter(pk=engagement.pk)
    counts: dict[str, int] = {}
    for part in content_parts(one):
        count = part.rows.count()
        if count:
            part.apply(part.rows)
            counts[part.label] = count
    if engagement.targets_changes_requested:
        Engagement.objects.filter(pk=engagement.pk).update(targets_changes_requested="")
    return ContentPurge.objects.create(
        engagement=engagement, months_after_close=months, counts=counts
    )


def retention_purge(now: dt.datetime) -> int:
    """The scheduler's step: delete the content that has passed its organisation's limit,
    and expired data exports. Returns how many engagements were emptied."""
    from tandem.privacy.export import exports_expire_due

    exports_expire_due(now)
    today = timezone.localtime(now).date()
    done = 0
    for policy in RetentionPolicy.objects.filter(months_after_close__isnull=False):
        assert policy.months_after_close is not None
        for engagement in due_engagements(policy, today)[: BATCH - done]:
            engagement_purge(engagement, policy.months_after_close)
            done += 1
        if done >= BATCH:
            break
    return done
