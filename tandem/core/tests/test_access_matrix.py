"""Every route × every role, generated from the URL configuration.

A new route fails ``test_every_route_has_an_expected_outcome`` until someone decides who
may use it — that is the point.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.views.generic import RedirectView

from conftest import OrganisationFactory, UserFactory, member, programme_of
from tandem.accounts.models import Membership
from tandem.core.tests.world import build_world, canaries_in, write_canaries
from tandem.engagements.models import Engagement

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
NO_MFA_YET: dict[str, object] = {**{role: HIDDEN for role in ROLES}, "anonymous": LOGIN}

# route name: (method, object the pk refers to, expected outcome per role)
EXPECTED: dict[str, tuple[str, str | None, dict[str, object]]] = {
    "home": ("GET", None, SIGNED_IN),
    "healthz": ("GET", None, EVERYONE),
    # The old sign-in addresses lead to allauth's pages.
    "login": ("GET", None, {role: LOGIN for role in ROLES}),
    "logout": ("POST", None, {role: LOGIN for role in ROLES}),  # then back to sign-in
    "engagement_new": ("GET", None, SIGNED_IN),
    "password_reset": ("GET", None, EVERYONE),
    "password_reset_done": ("GET", None, EVERYONE),
    # --- allauth: sign-in, password, email, two-factor, single sign-on -------------------
    "account_login": ("GET", None, EVERYONE),  # signed in: on to the home page
    "account_logout": ("POST", None, {role: LOGIN for role in ROLES}),
    "account_inactive": ("GET", None, EVERYONE),
    # No sign-up through allauth (invitations, practices and SSO make accounts).
    "account_signup": ("GET", None, EVERYONE),
    "account_reset_password": ("GET", None, EVERYONE),
    "account_reset_password_done": ("GET", None, EVERYONE),
    "account_reset_password_from_key": ("GET", None, EVERYONE),  # a bad link says so
    "account_reset_password_from_key_done": ("GET", None, EVERYONE),
    "account_email_verification_sent": ("GET", None, EVERYONE),
    "account_confirm_email": ("GET", None, EVERYONE),  # a bad link says so
    "account_change_password": ("GET", None, SIGNED_IN),
    "account_set_password": ("GET", None, SIGNED_IN),
    "account_email": ("GET", None, SIGNED_IN),
    "account_reauthenticate": ("GET", None, SIGNED_IN),
    "account_request_reauthentication_code": ("GET", None, SIGNED_IN),
    "account_confirm_reauthentication_code": ("GET", None, SIGNED_IN),
    # Only half-way through a sign-in (a code, a second factor): else back to sign-in.
    "account_confirm_login_code": ("GET", None, SIGNED_IN),  # signed in: home
    "mfa_authenticate": ("GET", None, SIGNED_IN),
    "mfa_login_webauthn": ("GET", None, SIGNED_IN),
    "mfa_index": ("GET", None, SIGNED_IN),
    "mfa_reauthenticate": ("GET", None, SIGNED_IN),
    "mfa_activate_totp": ("GET", None, SIGNED_IN),
    # Without an authenticator app there is nothing to turn off or read: not found.
    "mfa_deactivate_totp": ("GET", None, NO_MFA_YET),
    "mfa_view_recovery_codes": ("GET", None, NO_MFA_YET),
    "mfa_generate_recovery_codes": ("GET", None, SIGNED_IN),
    "mfa_download_recovery_codes": ("GET", None, NO_MFA_YET),
    "mfa_list_webauthn": ("GET", None, SIGNED_IN),
    "mfa_add_webauthn": ("GET", None, SIGNED_IN),
    "mfa_reauthenticate_webauthn": ("GET", None, SIGNED_IN),
    # Changing a passkey asks for the password again first (a made-up one: 404 after).
    "mfa_edit_webauthn": ("GET", None, SIGNED_IN),
    "mfa_remove_webauthn": ("GET", None, SIGNED_IN),
    "socialaccount_connections": ("GET", None, SIGNED_IN),
    "socialaccount_login_cancelled": ("GET", None, EVERYONE),
    "socialaccount_login_error": ("GET", None, {role: 401 for role in ROLES}),
    "socialaccount_signup": ("GET", None, {role: LOGIN for role in ROLES}),
    # An organisation's single sign-on; a made-up one is not found.
    "openid_connect_login": ("POST", None, {role: HIDDEN for role in ROLES}),
    "openid_connect_callback": ("GET", None, {role: HIDDEN for role in ROLES}),
    "sso_start": ("GET", None, EVERYONE),
    # An organisation's sign-in rules: its programme admins only.
    "organisation_settings": ("GET", "organisation", allow("programme_admin")),
    # An invitation to join an organisation is the invitee's (here the outsider's) alone.
    "invitation_detail": (
        "GET",
        "join_invitation",
        {**{r: HIDDEN for r in ROLES}, "anonymous": LOGIN, "outsider": OK},
    ),
    "invitation_answer": (
        "POST",
        "join_invitation",
        {**{r: HIDDEN for r in ROLES}, "anonymous": LOGIN, "outsider": OK},
    ),
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
    # A person's own API tokens; another person's token does not exist for them.
    "api_tokens": ("GET", None, SIGNED_IN),
    "api_token_revoke": (
        "POST",
        "token",
        {**{r: HIDDEN for r in ROLES}, "anonymous": LOGIN, "coach": OK},
    ),
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
    # "What my sponsor sees": the coachee and the coach preview the sponsor's page.
    "engagement_as_sponsor": ("GET", "engagement", allow(*CONTENT)),
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
    # Data rights. Erasing: the organisation's programme admins (a dry run first); a person
    # themselves only as an independent coach's client — others are told whom to ask.
    "member_erase": ("GET", "organisation", allow("programme_admin")),
    "account_erase": ("GET", None, SIGNED_IN),
    # The organisation's privacy settings and records of processing: its programme admins.
    "organisation_privacy": ("GET", "organisation", allow("programme_admin")),
    "privacy_records": ("GET", "organisation", allow("programme_admin")),
    # A person's own copy of their data; someone else's export does not exist for them.
    "data_export": ("GET", None, SIGNED_IN),
    "my_reads": ("GET", None, SIGNED_IN),  # who has read my records: one's own only
    "data_export_download": (
        "GET",
        "export",
        allow("coachee", hidden=("coach", "sponsor", "programme_admin")),
    ),
}


def named_routes() -> dict[str, URLPattern]:
    found: dict[str, URLPattern] = {}

    def walk(patterns: list[URLPattern | URLResolver], namespace: str | None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin" or p.app_name == "admin":
                    continue  # Django's admin, staff only, with its own permission system
                if p.namespace == "api":
                    continue  # every API operation has its own matrix: test_api_access_matrix
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


def _export(world):
    """The coachee's copy of their data, prepared."""
    from tandem.privacy.export import export_prepare_now
    from tandem.privacy.models import DataExport

    export = DataExport.objects.create(person=world.engagement.coachee)
    export_prepare_now(str(export.pk))
    return export


def _coach_token(world):
    """The coach's API token: nobody else may even see that it exists."""
    from tandem.accounts.tokens import token_create

    return token_create(actor=world.engagement.coach, name="sync", scope="read", days=7).token


def _join_invitation(world):
    """The world's organisation asks the outsider (an account elsewhere) to join."""
    from tandem.accounts.models import Membership, OrganisationInvitation

    admin = Membership.objects.filter(
        organisation=world.engagement.organisation, role="programme_admin"
    ).first()
    outsider = Membership.objects.filter(user__full_name="Otto Outsider").first()  # conftest's
    if outsider is None:  # a test without the outsider fixture: someone of another organisation
        outsider = member(
            UserFactory.create(full_name="Otto Outsider"),
            OrganisationFactory.create(),
            Membership.Role.PROGRAMME_ADMIN,
        ).memberships.get()
    return OrganisationInvitation.objects.get_or_create(
        organisation=world.engagement.organisation,
        user=outsider.user,
        state="pending",
        defaults={"invited_by": admin.user},
    )[0]


# Routes whose arguments sit in allauth's regular expressions or outer includes.
ALLAUTH_KWARGS: dict[str, dict[str, object]] = {
    "account_confirm_email": {"key": "not-a-key"},
    "account_reset_password_from_key": {"uidb36": "1", "key": "not-a-key"},
    "mfa_edit_webauthn": {"pk": 999999},
    "mfa_remove_webauthn": {"pk": 999999},
    "openid_connect_login": {"provider_id": "org-made-up"},
    "openid_connect_callback": {"provider_id": "org-made-up"},
}


def _url(name: str, obj_key: str | None, world) -> str:
    if name in ALLAUTH_KWARGS:
        return reverse(name, kwargs=ALLAUTH_KWARGS[name])
    pattern = named_routes()[name]
    converters = pattern.pattern.converters
    kwargs: dict[str, object] = {}
    if obj_key == "export":
        kwargs["pk"] = _export(world).pk
    elif "pk" in converters and "slug" not in converters:
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
            "token": _coach_token(world).pk,
            "join_invitation": _join_invitation(world).pk,
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


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    """One lived-in world and cast (as conftest's) for every case of this module: building
    it was most of each case's cost. It is made inside a transaction that is rolled back
    after the module; each case runs in a savepoint of it (pytest-django's ``db``), so
    whatever a case's request changes is undone before the next case."""
    with django_db_blocker.unblock(), transaction.atomic():
        org = OrganisationFactory.create()
        start = timezone.localdate() - dt.timedelta(days=30)
        cast = {
            "anonymous": None,
            "outsider": member(
                UserFactory.create(full_name="Otto Outsider"),
                OrganisationFactory.create(),
                Membership.Role.PROGRAMME_ADMIN,
            ),
            "coachee": member(UserFactory.create(full_name="Lee Leader"), org),
            "coach": member(UserFactory.create(full_name="Casey Coach"), org),
            "sponsor": member(UserFactory.create(full_name="Sam Sponsor"), org),
            "programme_admin": member(
                UserFactory.create(full_name="Hana HR"), org, Membership.Role.PROGRAMME_ADMIN
            ),
        }
        engagement = Engagement.objects.create(
            organisation=org,
            programme=programme_of(org),
            kind=Engagement.Kind.COACHING,
            coach=cast["coach"],
            coachee=cast["coachee"],
            sponsor=cast["sponsor"],
            status=Engagement.Status.ACTIVE,
            start_date=start,
            end_date=start + dt.timedelta(days=120),
            planned_sessions=8,
        )
        yield build_world(engagement), cast
        transaction.set_rollback(True)


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_route_outcome_for_role(name, role, shared, db):
    world, cast = shared
    method, obj_key, outcomes = EXPECTED[name]
    client = Client()
    if cast[role] is not None:
        client.force_login(cast[role])
    url = _url(name, obj_key, world)
    response = client.get(url) if method == "GET" else client.post(url, {})
    expected = outcomes[role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif expected == OK:
        assert response.status_code in {200, 302, 422}, response.status_code
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("account_login"))
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


def _allauths_own(url: str) -> bool:
    """Sign-in, MFA and SSO pages are allauth's, with its own answers to a bare POST (a
    redirect to sign in, 405 on its read-only pages), tested in tandem/accounts/tests; the old
    addresses redirect to them. Here they must only never fail or leak."""
    view = resolve(urlsplit(url).path).func
    module = getattr(view, "__module__", "") or ""
    return module.startswith("allauth") or getattr(view, "view_class", None) is RedirectView


def _check_write(name: str, role: str, expected: object, response, htmx: bool) -> None:
    where = f"POST {name} as {role}{' (htmx)' if htmx else ''}"
    if name in READ_ONLY and response.status_code == 405:
        return
    if _allauths_own(response.wsgi_request.path):
        assert response.status_code < 500, (where, response.status_code)
        return
    if expected == LOGIN:
        if htmx and name != "logout":
            assert response.status_code == 401, where
        else:
            assert response.status_code == 302, where
            assert response["Location"].startswith(reverse("account_login")), where
    elif expected == OK:
        assert name not in READ_ONLY, (where, response.status_code)
        assert response.status_code in WRITE_OK, (where, response.status_code)
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("account_login")), where
    else:
        assert response.status_code == expected, (where, response.status_code)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_route_takes_writes_per_role_and_leaks_nothing(name, engagement, cast):
    world = build_world(engagement)
    write_canaries(world)
    method, obj_key, outcomes = EXPECTED[name]
    if obj_key == "join_invitation":
        pytest.skip("the invitee is the outsider; its writes are in accounts/tests")
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
