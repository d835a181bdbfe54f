"""Sessions in people's calendars: iCalendar invitations by email and a private feed.

Every session is one calendar entry, named by a UID that never changes
(``<session id>@<site host>``). Each change of its time or status raises its SEQUENCE
(``CoachingSession.calendar_sequence``), and the invitation sent then carries it, so Outlook,
Google Calendar and Apple Calendar update the entry they have instead of adding another. A
cancelled session is sent as METHOD:CANCEL with STATUS:CANCELLED.

What an entry says is deliberately little: "Coaching session — Tandem" (or "1:1 — Tandem"), a
link to the session, the organiser (the site) and the two people in it. Never an agenda
topic, a goal, a note, a target, or anyone beyond coach and coachee.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from tandem.accounts.models import User
from tandem.coaching_sessions.models import CoachingSession
from tandem.engagements.models import Engagement
from tandem.notifications.kinds import Kind
from tandem.notifications.services import notify

PRODID = "-//Tandem//Coaching sessions//EN"
# The feed shows sessions from this far back, and everything ahead.
FEED_PAST = dt.timedelta(days=90)
FEED_STATUSES = (CoachingSession.Status.PLANNED, CoachingSession.Status.HELD)
Status = CoachingSession.Status


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def organiser_address() -> str:
    """The address invitations come from: the site's own, never a person's."""
    address = settings.DEFAULT_FROM_EMAIL
    if "<" in address:  # "Tandem <tandem@example.org>"
        address = address.split("<", 1)[1].rstrip(">")
    return address.strip()


def session_uid(session: CoachingSession) -> str:
    return f"{session.pk}@{site_host()}"


def session_summary(session: CoachingSession) -> str:
    if session.engagement.is_one_on_one:
        return f"1:1 — {settings.SITE_NAME}"
    return f"Coaching session — {settings.SITE_NAME}"


def session_link(session: CoachingSession) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("session_detail", args=[session.pk])


def _person(user: User, role: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["CN"] = vText(user.full_name or user.email)
    address.params["ROLE"] = vText(role)
    return address


def session_event(
    session: CoachingSession,
    *,
    cancelled: bool = False,
    attendees: Iterable[User] | None = None,
    stamp: dt.datetime | None = None,
) -> Event:
    """One VEVENT for ``session``: its stable UID, its current SEQUENCE, times in UTC, and
    nothing but a link to say what it is about. ``attendees`` defaults to coach and coachee."""
    engagement = session.engagement
    start = session.scheduled_at.astimezone(dt.UTC)
    event = Event()
    event.add("uid", session_uid(session))
    event.add("sequence", session.calendar_sequence)
    event.add("dtstamp", (stamp or timezone.now()).astimezone(dt.UTC))
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=session.duration_minutes))
    event.add("summary", session_summary(session))
    link = session_link(session)
    event.add("description", link)
    event.add("url", link)
    organiser = vCalAddress(f"mailto:{organiser_address()}")
    organiser.params["CN"] = vText(settings.SITE_NAME)
    event.add("organizer", organiser)
    people = list(attendees) if attendees is not None else [engagement.coach, engagement.coachee]
    for person in people:
        event.add("attendee", _person(person, "REQ-PARTICIPANT"), encode=False)
    cancelled = cancelled or session.status == Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    return calendar


def invitation_ics(
    session: CoachingSession, *, method: str, attendees: Iterable[User] | None = None
) -> str:
    """An invitation (METHOD REQUEST) or its cancellation (METHOD CANCEL) for one session."""
    calendar = _calendar(method)
    calendar.add_component(
        session_event(session, cancelled=method == "CANCEL", attendees=attendees)
    )
    return calendar.to_ical().decode()


def feed_sessions(user: User, *, now: dt.datetime | None = None) -> list[CoachingSession]:
    """The person's sessions as coach or coachee, from a while back and everything ahead,
    planned or held (a cancelled one drops out of the feed) — not those of an organisation
    where they were deactivated."""
    from tandem.core.policy import inactive_organisation_ids

    now = now or timezone.now()
    return list(
        CoachingSession.objects.filter(
            Q(engagement__coach=user) | Q(engagement__coachee=user),
            status__in=FEED_STATUSES,
            scheduled_at__gte=now - FEED_PAST,
        )
        .exclude(engagement__organisation_id__in=inactive_organisation_ids(user))
        .select_related("engagement__coach", "engagement__coachee")
        .order_by("scheduled_at")
    )


def feed_ics(user: User, *, now: dt.datetime | None = None) -> str:
    """The private feed a calendar app subscribes to: one entry per session, each with the
    same UID and SEQUENCE as its emailed invitation, so the two never make doubles."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", settings.SITE_NAME)
    calendar.add("x-wr-caldesc", f"Your coaching sessions in {settings.SITE_NAME}")
    # Ask subscribing apps to look again every hour (Apple and Outlook read these).
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    stamp = now or timezone.now()
    for session in feed_sessions(user, now=now):
        calendar.add_component(session_event(session, stamp=stamp))
    return calendar.to_ical().decode()


# --- invitations by email --------------------------------------------------------------------


def _participants(engagement: Engagement) -> list[User]:
    return [engagement.coach, engagement.coachee]


def invitation_key(session: CoachingSession, person: User) -> str:
    return f"invite:{session.pk}:{session.calendar_sequence}:{person.pk}"


def calendar_send(session: CoachingSession, *, people: Iterable[User] | None = None) -> None:
    """Email the session's current entry (REQUEST, or CANCEL once it is cancelled) to coach
    and coachee, once per sequence and person. Call after the session was saved."""
    engagement = session.engagement
    for person in people if people is not None else _participants(engagement):
        notify(
            kind=Kind.SESSION_INVITATION,
            key=invitation_key(session, person),
            recipient=person,
            engagement=engagement,
            about=session.pk,
            params={"sequence": session.calendar_sequence},
        )


def calendar_changed(session: CoachingSession, *, send: bool = True) -> None:
    """The session's time or status changed: raise its SEQUENCE and, for a change people's
    calendars must follow (a new time, a cancellation), send the update to both."""
    CoachingSession.objects.filter(pk=session.pk).update(
        calendar_sequence=F("calendar_sequence") + 1
    )
    session.refresh_from_db(fields=["calendar_sequence"])
    if send:
        calendar_send(session)


def _planned_ahead(engagement: Engagement) -> list[CoachingSession]:
    return list(
        engagement.sessions.filter(status=Status.PLANNED, scheduled_at__gt=timezone.now())
        .select_related("engagement__coach", "engagement__coachee")
        .order_by("scheduled_at")
    )


def calendar_invite_person(engagement: Engagement, person: User) -> int:
    """A person who joined the engagement (a new coach): every planned session ahead goes
    into their calendar. Each entry's SEQUENCE is raised and both people get the update, so
    the coachee's entry names the new coach too. Call once the engagement names them.
    Returns how many sessions were sent."""
    if person.pk not in {engagement.coach_id, engagement.coachee_id}:
        raise ValueError("Only the coach or the coachee of the engagement is invited.")
    sessions = _planned_ahead(engagement)
    for session in sessions:
        calendar_changed(session)
    return len(sessions)


def calendar_uninvite_person(engagement: Engagement, person: User) -> int:
    """A person who left the engagement (a replaced coach): a CANCEL for every planned
    session ahead, to them only, so the entries leave their calendar. Returns how many."""
    sessions = _planned_ahead(engagement)
    for session in sessions:
        notify(
            kind=Kind.SESSION_INVITATION,
            key=f"uninvite:{session.pk}:{session.calendar_sequence}:{person.pk}",
            recipient=person,
            engagement=engagement,
            about=session.pk,
            params={"sequence": session.calendar_sequence, "removed": True},
        )
    return len(sessions)
