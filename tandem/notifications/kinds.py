"""What Tandem tells people, and which of it they may turn off.

Every notification has a kind. A person chooses per kind: email at once, a weekly digest, or
no email (the bell in the app still lists it). Essential kinds — calendar invitations, rater
invitations, account and security mail — cannot be turned off.
"""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    # to the coachee
    SESSION_INVITATION = "session_invitation", "Session invitations and changes"
    AGENDA_REMINDER = "agenda_reminder", "Add your agenda, two days before a session"
    ACTIONS_DUE = "actions_due", "Your actions falling due"
    REFLECTION_PROMPT = "reflection_prompt", "A prompt to reflect, a few days after a session"
    NOMINATE_RATERS = "nominate_raters", "Nominate your 360 raters"
    REPORT_RELEASED = "report_released", "Your 360 report is released"
    REVIEW_DUE = "review_due", "A midpoint or close review is due"
    CHOOSE_COACH = "choose_coach", "Coaches proposed for you to choose from"
    # to the coach
    AGENDA_ADDED = "agenda_added", "Your coachee added to a session's agenda"
    REFLECTION_SHARED = "reflection_shared", "A reflection shared with you"
    RATERS_WAITING = "raters_waiting", "360 raters waiting for your approval"
    ACCOUNTABILITY_MISSING = "accountability_missing", "A session with accountability missing"
    ENGAGEMENT_STALLED = "engagement_stalled", "An engagement with no session for four weeks"
    # to the sponsor
    TARGETS_TO_SIGN_OFF = "targets_to_sign_off", "Targets waiting for your sign-off"
    SUMMARY_APPROVED = "summary_approved", "A summary approved for you"
    # to coach and coachee
    CONTRACT_ANSWERED = "contract_answered", "The sponsor answered the targets"
    PEOPLE_CHANGED = "people_changed", "A change of coach or sponsor"
    # to 360 raters (no account)
    RATER_INVITATION = "rater_invitation", "360 feedback invitation"
    RATER_REMINDER = "rater_reminder", "360 feedback reminder"
    # to someone with an account asked to join another organisation
    JOIN_INVITATION = "join_invitation", "An invitation to join an organisation"
    # a week of the above, for those who chose the digest
    DIGEST = "digest", "Weekly digest"


class Mode(models.TextChoices):
    NOW = "now", "Email at once"
    DIGEST = "digest", "Weekly digest"
    OFF = "off", "No email"


# Cannot be turned off: a calendar that silently misses a change, or a rater or a changed
# coach never told, would break the coaching itself.
ESSENTIAL = frozenset(
    {
        Kind.SESSION_INVITATION,
        Kind.RATER_INVITATION,
        Kind.RATER_REMINDER,
        Kind.PEOPLE_CHANGED,
        Kind.CHOOSE_COACH,
        Kind.JOIN_INVITATION,
        Kind.DIGEST,
    }
)

# Sent to people without an account: no preferences, no bell.
TO_RATERS = frozenset({Kind.RATER_INVITATION, Kind.RATER_REMINDER})

# What a person can set, in the order the settings page lists them.
CHOOSABLE = [kind for kind in Kind if kind not in ESSENTIAL]
