"""Every route × every role, generated from the URL configuration.

A new route fails ``test_every_route_has_an_expected_outcome`` until someone decides who
may use it — that is the point.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tandem.core.tests.world import build_world, canaries_in, write_canaries

ROLES = ["anonymous", "outsider", "coachee", "coach", "sponsor", "programme_admin"]
OK, DENIED, HIDDEN, LOGIN = "ok", 403, 404, "login"
PARTICIPANTS = {"coachee", "coach", "sponsor", "programme_admin"}


def allow(*roles: str, hidden: tuple[str, ...] = ()) -> dict[str, object]:
    """Outcome per role: the named roles succeed, other participants 403, outsiders 404."""
    outcome: dict[str, object] = {"anonymous": LOGIN, "outsider": HIDDEN}
    for role in PARTICIPANTS:
        outcome[role] = OK if role in roles else (HIDDEN if role in hidden else DENIED)
    return outcome


EVERYONE: dict[str, object] = {role: OK for role in ROLES}
SIGNED_IN: dict[str, object] = {**{role: OK for role in ROLES}, "anonymous": LOGIN}
CONTENT = ("coach", "coachee")

# route name: (method, object the pk refers to, expected outcome per role)
EXPECTED: dict[str, tuple[str, str | None, dict[str, object]]] = {
    "home": ("GET", None, SIGNED_IN),
    "healthz": ("GET", None, EVERYONE),
    "login": ("GET", None, EVERYONE),
    "logout": ("POST", None, {role: LOGIN for role in ROLES}),  # then back to sign-in
    "engagement_new": ("GET", None, SIGNED_IN),
    "password_reset": ("GET", None, EVERYONE),
    "password_reset_done": ("GET", None, EVERYONE),
    "password_reset_confirm": ("GET", None, EVERYONE),  # a bad link says so, for anyone
    "password_reset_complete": ("GET", None, EVERYONE),
    # A person's own settings and notifications: nobody else's exist for them.
    "account_settings": ("GET", None, SIGNED_IN),
    "email_bounce_clear": ("POST", None, SIGNED_IN),
    "notification_settings": ("GET", None, SIGNED_IN),
    "inbox": ("GET", None, SIGNED_IN),
    "inbox_mark_read": ("POST", None, SIGNED_IN),
    # A signed link from an email; a made-up one is refused for everyone alike.
    "unsubscribe": ("GET", None, {role: HIDDEN for role in ROLES}),
    "coach_profile": ("GET", None, SIGNED_IN),
    # Open sign-up for independent coaches is off unless OPEN_SIGNUP (tests run without).
    "sign_up": ("GET", None, {role: HIDDEN for role in ROLES}),
    # Programmes: the list is anyone's own (empty if they run none); setting one up needs an
    # organisation to run (the outsider runs their own); each programme is its admins'.
    "programme_list": ("GET", None, SIGNED_IN),
    "programme_new": (
        "GET",
        None,
        {**allow("programme_admin"), "outsider": OK},
    ),
    "programme_detail": ("GET", "programme", allow("programme_admin")),
    "programme_edit": ("GET", "programme", allow("programme_admin")),
    "programme_archive": ("POST", "programme", allow("programme_admin")),
    # This world's programme does not let its coaches start engagements.
    "programme_start": ("GET", "programme", allow("programme_admin")),
    "programme_match": ("GET", "programme", allow("programme_admin")),
    # A coach proposal is the coachee's to answer and its admins' to manage; to anyone
    # else it does not exist.
    "proposal_detail": (
        "GET",
        "proposal",
        allow("coachee", "programme_admin", hidden=("coach", "sponsor")),
    ),
    "proposal_choose": (
        "POST",
        "proposal",
        allow("coachee", "programme_admin", hidden=("coach", "sponsor")),
    ),
    "proposal_withdraw": (
        "POST",
        "proposal",
        allow("programme_admin", hidden=("coach", "sponsor")),
    ),
    "replace_coach": ("GET", "engagement", allow("programme_admin")),
    "sponsor_change": ("GET", "engagement", allow("coach", "programme_admin")),
    "sponsor_change_decide": ("POST", "engagement", allow("coachee")),
    "sponsor_change_withdraw": ("POST", "engagement", allow("coach", "programme_admin")),
    "session_feedback": ("POST", "session", allow("coachee")),
    # A person's own calendar address; the feed itself answers its secret only (no sign-in).
    "calendar_settings": ("GET", None, SIGNED_IN),
    "calendar_feed_regenerate": ("POST", None, SIGNED_IN),
    "calendar_feed_revoke": ("POST", None, SIGNED_IN),
    "calendar_feed": ("GET", None, {role: HIDDEN for role in ROLES}),
    # Emails that could not be sent: the organisation's programme admins.
    "failed_emails": ("GET", "organisation", allow("programme_admin")),
    # The development outbox exists only with DEBUG on: 404 for everyone here.
    "dev_outbox": ("GET", None, {role: HIDDEN for role in ROLES}),
    "dev_outbox_email": ("GET", None, {role: HIDDEN for role in ROLES}),
    "dev_outbox_ics": ("GET", None, {role: HIDDEN for role in ROLES}),
    # The organisation's people: its programme admins only; members 403, others 404.
    "people": ("GET", "organisation", allow("programme_admin")),
    "member_role": ("POST", "organisation", allow("programme_admin")),
    "person_edit": ("GET", "organisation", allow("programme_admin")),
    "member_deactivate": ("GET", "organisation", allow("programme_admin")),  # asks first
    "member_reactivate": ("POST", "organisation", allow("programme_admin")),  # active: says so
    "member_invite": ("POST", "organisation", allow("programme_admin")),  # has a password: says so
    # A programme's people and their import: its organisation's programme admins only.
    "programme_people": ("GET", "programme", allow("programme_admin")),
    "programme_people_import": ("GET", "programme", allow("programme_admin")),
    "programme_people_example": ("GET", "programme", allow("programme_admin")),
    "programme_member_update": ("POST", "programme", allow("programme_admin")),  # nobody chosen
    "programme_member_remove": ("POST", "programme", allow("programme_admin")),  # nobody chosen
    "engagement_detail": (
        "GET",
        "engagement",
        allow("coach", "coachee", "sponsor", "programme_admin"),
    ),
    "engagement_edit": ("GET", "engagement", allow("coach", "programme_admin")),
    "engagement_status": ("POST", "engagement", allow("coach", "programme_admin")),
    "target_new": ("GET", "engagement", allow(*CONTENT)),
    "targets_submit": ("POST", "engagement", allow(*CONTENT)),
    "targets_withdraw": ("POST", "engagement", allow(*CONTENT)),  # nothing to take back: flash
    # The sponsor answers only targets put to him; in this world they are not yet.
    "targets_sign_off": ("POST", "engagement", allow()),
    "targets_request_changes": ("POST", "engagement", allow()),
    # Reopening needs a signed-off contract; in this world it is not signed off yet.
    "targets_reopen": ("POST", "engagement", allow()),
    "target_edit": ("GET", "target", allow(*CONTENT)),
    "review_detail": ("GET", "engagement", allow(*CONTENT)),
    "profile": ("GET", "engagement", allow(*CONTENT)),
    "analysis_list": ("GET", "engagement", allow(*CONTENT)),
    "analysis_detail": ("GET", "analysis", allow(*CONTENT)),
    "target_delete": ("POST", "target", allow(*CONTENT)),
    "sessions_plan": ("GET", "engagement", allow("coach")),
    "session_detail": ("GET", "session", allow(*CONTENT)),
    "session_schedule": ("GET", "session", allow("coach")),
    "session_mark": ("POST", "session", allow("coach")),
    "topic_add": ("POST", "session", allow(*CONTENT)),
    "session_action_add": ("POST", "session", allow(*CONTENT)),
    "checkin_record": ("POST", "session", allow(*CONTENT)),
    "session_close": ("POST", "session", allow("coach")),
    "session_summary": ("POST", "session", allow(*CONTENT)),
    "private_note": ("GET", "session", allow("coach")),
    # Only whoever added a topic may remove it; the coachee added this one.
    "topic_remove": ("POST", "topic", allow("coachee")),
    "topic_grow": ("POST", "topic", allow(*CONTENT)),
    "option_add": ("POST", "topic", allow(*CONTENT)),
    "topic_commit": ("POST", "topic", allow(*CONTENT)),
    "topic_revisit": ("POST", "topic", allow(*CONTENT)),
    "option_choose": ("POST", "option", allow(*CONTENT)),
    "option_delete": ("POST", "option", allow(*CONTENT)),
    "action_list": ("GET", "engagement", allow(*CONTENT)),
    "action_edit": ("GET", "action", allow(*CONTENT)),
    "reflection_list": ("GET", "engagement", allow(*CONTENT)),
    "cycle_new": ("GET", "engagement", allow("coach")),
    "cycle_detail": ("GET", "cycle", allow(*CONTENT)),
    "cycle_nominate": ("POST", "cycle", allow(*CONTENT)),
    "cycle_open": ("POST", "cycle", allow("coach")),
    "cycle_extend": ("POST", "cycle", allow("coach")),
    "cycle_remind": ("POST", "cycle", allow("coach")),
    "cycle_close": ("POST", "cycle", allow("coach")),
    "self_assessment": ("GET", "cycle", allow("coachee")),
    "cycle_release": ("POST", "cycle", allow("coach")),
    # The coach may preview; the coachee reads it once released (this world's cycle is not,
    # see test_report.py for after release); nobody else ever.
    "cycle_report": ("GET", "cycle", allow("coach")),
    "cycle_report_pdf": ("GET", "cycle", allow("coach")),
    "invitation_review": ("POST", "invitation", allow("coach")),
    "invitation_remove": ("POST", "invitation", allow("coach")),
    "comment_review": ("POST", "comment", allow("coach")),
    # A rater's link needs no account; a made-up token is refused for everyone alike.
    "rater_answer": ("GET", None, {role: HIDDEN for role in ROLES}),
    # The token-free address a link is exchanged for: only in the browser that opened it.
    "rater_session": ("GET", None, {role: HIDDEN for role in ROLES}),
    # A reflection is the author's; the coach reads it once shared. Others learn nothing.
    "reflection_edit": (
        "GET",
        "reflection",
        allow(*CONTENT, hidden=("sponsor", "programme_admin")),
    ),
    # The programme dashboard and engagement list, and their exports: its admins only.
    "programme_dashboard": ("GET", "programme", allow("programme_admin")),
    "programme_dashboard_csv": ("GET", "programme", allow("programme_admin")),
    "programme_engagements": ("GET", "programme", allow("programme_admin")),
    "programme_engagements_csv": ("GET", "programme", allow("programme_admin")),
}


def named_routes() -> dict[str, URLPattern]:
    found: dict[str, URLPattern] = {}

    def walk(patterns: list[URLPattern | URLResolver], namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin" or p.app_name == "admin":
                    continue  # Django's admin, staff only, with its own permission system
                walk(p.url_patterns, p.namespace or namespace)
            elif p.name:
                found[f"{namespace}:{p.name}" if namespace else p.name] = p

    walk(get_resolver().url_patterns, None)
    return found


def test_every_route_has_an_expected_outcome():
    routes = set(named_routes())
    assert routes - set(EXPECTED) == set(), "Decide who may use these new routes"
    assert set(EXPECTED) - routes == set(), "These expectations name routes that are gone"


def _coachee_place(world):
    from tandem.accounts.models import ProgrammeMember

    e = world.engagement
    return ProgrammeMember.objects.get_or_create(
        programme_id=e.programme_id, user=e.coachee, role="coachee"
    )[0]


def _proposal(world):
    """Coaches proposed to the world's coachee (as if choosing a second coach)."""
    from tandem.programmes.models import MatchProposal

    e = world.engagement
    proposal, _ = MatchProposal.objects.get_or_create(
        programme_id=e.programme_id, coachee=e.coachee, state="open"
    )
    proposal.coaches.set([e.coach])
    return proposal


def _url(name: str, obj_key: str | None, world) -> str:
    pattern = named_routes()[name]
    converters = pattern.pattern.converters
    kwargs: dict[str, object] = {}
    if "pk" in converters and "slug" not in converters:
        assert obj_key is not None
        kwargs["pk"] = {
            "engagement": world.engagement.pk,
            "target": world.target.pk,
            "session": world.session.pk,
            "topic": world.topic.pk,
            "option": world.option.pk,
            "action": world.previous_action.pk,
            "reflection": world.reflection.pk,
            "cycle": world.cycle.pk,
            "invitation": world.invitation.pk,
            "comment": world.comment.pk,
            "analysis": world.analysis.pk,
            "programme": world.engagement.programme_id,
            "proposal": _proposal(world).pk,
        }[obj_key]
    if "slug" in converters:
        kwargs["slug"] = world.engagement.organisation.slug
        if "pk" in converters:
            kwargs["pk"] = world.engagement.organisation.memberships.first().pk
    if "uidb64" in converters:
        kwargs.update(uidb64="MQ", token="not-a-token")
    if "token" in converters and "uidb64" not in converters:
        kwargs["token"] = "not-a-real-token"
    if "slot" in converters:
        kwargs["slot"] = "not-a-slot"
    if "kind" in converters:
        kwargs["kind"] = "midpoint"
    if "member_pk" in converters:
        kwargs["member_pk"] = _coachee_place(world).pk
    if "file" in converters:
        kwargs.update(file="20260101-000000-1.log", index=0)
    if "action_pk" in converters:
        kwargs["action_pk"] = world.previous_action.pk
    return reverse(name, kwargs=kwargs)


CASES = [(name, role) for name in EXPECTED for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_route_outcome_for_role(name, role, engagement, cast):
    world = build_world(engagement)
    method, obj_key, outcomes = EXPECTED[name]
    client = Client()
    if cast[role] is not None:
        client.force_login(cast[role])
    url = _url(name, obj_key, world)
    response = client.get(url) if method == "GET" else client.post(url, {})
    expected = outcomes[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif expected == OK:
        assert response.status_code in {200, 302, 422}, response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected


# --- Writes, htmx and confidential content (issue 10) ----------------------------------------
# Every route also takes a POST from every role, as a form and as htmx sends it: a role that
# may not use the route is refused exactly as for the route's own method (an htmx request of
# someone signed out gets 401, see SignedOutMiddleware), and nothing a route answers to a
# sponsor or a programme admin carries confidential content (canaries in every confidential
# field first).

# Read-only routes refuse a POST (405), before or after asking who is there.
READ_ONLY = {
    "healthz",
    "calendar_feed",
    "password_reset_done",
    "password_reset_complete",
    "programme_people_example",
    "programme_dashboard",
    "programme_dashboard_csv",
    "programme_engagements",
    "programme_engagements_csv",
}
WRITE_OK = {200, 204, 302, 422}
MAY_SEE_NOTHING_CONFIDENTIAL = ("sponsor", "programme_admin")


class _Undo(Exception):
    """Raised to roll a write back, so each role meets the same world."""


def _post(client: Client, url: str, *, htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    try:
        with transaction.atomic():
            response = client.post(url, {}, headers=headers)
            raise _Undo
    except _Undo:
        return response


def _check_write(name: str, role: str, expected: object, response, htmx: bool) -> None:
    where = f"POST {name} as {role}{' (htmx)' if htmx else ''}"
    if name in READ_ONLY and response.status_code == 405:
        return
    if expected == LOGIN:
        if htmx and name != "logout":
            assert response.status_code == 401, where
        else:
            assert response.status_code == 302, where
            assert response["Location"].startswith(reverse("login")), where
    elif expected == OK:
        assert name not in READ_ONLY, (where, response.status_code)
        assert response.status_code in WRITE_OK, (where, response.status_code)
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("login")), where
    else:
        assert response.status_code == expected, (where, response.status_code)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_route_takes_writes_per_role_and_leaks_nothing(name, engagement, cast):
    world = build_world(engagement)
    write_canaries(world)
    method, obj_key, outcomes = EXPECTED[name]
    url = _url(name, obj_key, world)
    for role in ROLES:
        client = Client()
        if cast[role] is not None:
            client.force_login(cast[role])
        for htmx in (False, True):
            response = _post(client, url, htmx=htmx)
            _check_write(name, role, outcomes[role], response, htmx)
            if role in MAY_SEE_NOTHING_CONFIDENTIAL and response.status_code == 200:
                assert canaries_in(response.content) == [], f"POST {name} as {role}"
        if method == "GET" and role in MAY_SEE_NOTHING_CONFIDENTIAL:
            for htmx in (False, True):
                headers = {"HX-Request": "true"} if htmx else {}
                response = client.get(url, headers=headers)
                if response.status_code == 200:
                    body = (
                        b"".join(response.streaming_content)
                        if response.streaming
                        else response.content
                    )
                    assert canaries_in(body) == [], f"GET {name} as {role}"
