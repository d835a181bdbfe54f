"""Who is in an engagement: it was set up, a coach handed over, a sponsor changes; and a
coachee asked to choose a coach. Names and roles only — never anything said in coaching."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from tandem.engagements.models import Engagement
from tandem.notifications.kinds import Kind
from tandem.notifications.messages import Message, builds
from tandem.notifications.models import Notification


def _page(engagement: Engagement, anchor: str = "") -> str:
    return reverse("engagement_detail", args=[engagement.pk]) + anchor


@builds(Kind.PEOPLE_CHANGED)
def people_changed(notification: Notification) -> Message | None:
    if notification.engagement_id is None:
        return None
    engagement = (
        Engagement.objects.filter(pk=notification.engagement_id)
        .select_related("coach", "coachee", "sponsor", "programme")
        .first()
    )
    if engagement is None:
        return None
    me = notification.recipient_id
    p = notification.params
    event = p.get("event")
    title = engagement.display_title
    coachee, coach = engagement.coachee, engagement.coach
    if event == "started":
        series = engagement.is_one_on_one
        if me == coachee.pk:
            seat = "manager in 1:1s" if series else "coach"
            where = f" in {engagement.programme.name}" if engagement.programme else ""
            return Message(
                subject=f"Your {'1:1s' if series else 'coaching'} with {coach.full_name}: set up",
                body=(
                    f"{coach.full_name} is your {seat}{where}. What you write in coaching stays "
                    "between you and your coach; your sponsor and HR see only what you agree to "
                    "share. Start here:"
                ),
                link=_page(engagement),
            )
        return Message(
            subject=f"{'1:1s with' if series else 'You coach'} {coachee.full_name}",
            body=f"{title} is set up with you as {'manager' if series else 'coach'}. "
            "Plan its sessions from the engagement page:",
            link=_page(engagement),
        )
    if event == "coach_replaced":
        old, new = p.get("old", ""), p.get("new", "")
        if me == coachee.pk:
            return Message(
                subject=f"Your coach is now {new}",
                body=(
                    f"{old} has handed your coaching to {new}. {new} reads what you and your "
                    f"coach shared (sessions, actions, reviews, 360); {old}'s private notes stay "
                    "private. Your sessions go on as planned:"
                ),
                link=_page(engagement),
            )
        if me == coach.pk:
            return Message(
                subject=f"You now coach {coachee.full_name}",
                body=(
                    f"{title} was handed over to you by {old}. Its sessions, actions, reviews "
                    "and 360 are yours to read; read them before your first session:"
                ),
                link=_page(engagement),
            )
        if me == engagement.sponsor_id:
            return Message(
                subject=f"{coachee.full_name} has a new coach",
                body=f"{new} now coaches {coachee.full_name}, taking over from {old}.",
                link=_page(engagement),
            )
        return Message(  # the old coach: no longer part of it, so no link
            subject=f"{title} has been handed to {new}",
            body=(
                f"Your engagement with {coachee.full_name} is now coached by {new}. "
                "Your private notes stay yours and are not passed on."
            ),
        )
    if event == "coach_chosen":
        return Message(
            subject=f"{coachee.full_name} chose {coach.full_name} as coach",
            body=f"{coachee.full_name} chose {coach.full_name} from the coaches you proposed. "
            f"{title} is set up in draft; {coach.get_short_name()} plans the sessions.",
            link=_page(engagement),
        )
    if event == "sponsor_proposed":
        if me != coachee.pk:
            return None
        new = p.get("new") or "no sponsor"
        return Message(
            subject="A change of sponsor for your coaching — your agreement is needed",
            body=(
                f"{p.get('by', 'Your coach')} proposes {new} as the sponsor of your coaching. "
                "Nothing changes until you agree. A new sponsor sees your targets only once you "
                "and your coach ask them to sign them off. Agree or decline here:"
            ),
            link=_page(engagement, "#people"),
        )
    if event in {"sponsor_changed", "sponsor_declined"}:
        old, new = p.get("old") or "no sponsor", p.get("new") or "no sponsor"
        if event == "sponsor_declined":
            return Message(
                subject="The change of sponsor was declined",
                body=f"{coachee.full_name} kept {old} as the sponsor of {title}.",
                link=_page(engagement, "#people"),
            )
        if me == engagement.sponsor_id:
            return Message(
                subject=f"You are now the sponsor of {coachee.full_name}'s coaching",
                body=(
                    f"{coachee.full_name} agreed that you sponsor their coaching with "
                    f"{coach.full_name}. You will be asked to sign off the targets; you see "
                    "dates, sessions held and the summaries they approve for you."
                ),
                link=_page(engagement),
            )
        if me not in {coach.pk, coachee.pk}:  # the previous sponsor
            return Message(
                subject=f"You no longer sponsor {coachee.full_name}'s coaching",
                body=f"{coachee.full_name} agreed that {new} sponsors their coaching from now on.",
            )
        return Message(
            subject=f"The sponsor is now {new}",
            body=(
                f"{coachee.full_name} agreed: {new} sponsors {title} instead of {old}. "
                "Put the targets to the new sponsor for sign-off."
                if new != "no sponsor"
                else f"{coachee.full_name} agreed: {title} has no sponsor from now on."
            ),
            link=_page(engagement, "#contract"),
        )
    return None


@builds(Kind.CHOOSE_COACH)
def choose_coach(notification: Notification) -> Message | None:
    from tandem.programmes.models import MatchProposal

    if notification.about is None:
        return None
    proposal = (
        MatchProposal.objects.filter(pk=notification.about, state=MatchProposal.State.OPEN)
        .select_related("programme")
        .first()
    )
    if proposal is None:
        return None  # chosen or withdrawn meanwhile
    count = proposal.coaches.count()
    page = reverse("proposal_detail", args=[proposal.pk])
    body = (
        f"For {proposal.programme.name}, {count} coaches are proposed to you. Read their "
        "profiles and choose the one you want to work with:"
    )
    recipient = notification.recipient
    if recipient is not None and not recipient.has_usable_password():
        # Invited, no password yet: the way in comes first (the link is never stored).
        from tandem.accounts.emails import set_password_link

        return Message(
            subject="Choose your coach",
            body=f"{body}\n{settings.SITE_URL.rstrip('/')}{page}\n\nYou have not chosen a "
            "password yet: choose it here first (the link works once):",
            link=page,
            secret_link=set_password_link(recipient, base_url=settings.SITE_URL),
        )
    return Message(subject="Choose your coach", body=body, link=page)


@builds(Kind.JOIN_INVITATION)
def join_invitation(notification: Notification) -> Message | None:
    from tandem.accounts.models import OrganisationInvitation

    if notification.about is None:
        return None
    invitation = (
        OrganisationInvitation.objects.filter(
            pk=notification.about, state=OrganisationInvitation.State.PENDING
        )
        .select_related("organisation", "invited_by")
        .first()
    )
    if invitation is None:
        return None  # answered meanwhile
    who = invitation.invited_by or "A programme admin"
    return Message(
        subject=f"Join {invitation.organisation.name} on {settings.SITE_NAME}?",
        body=f"{who} of {invitation.organisation.name} asks you to join it on "
        f"{settings.SITE_NAME}. Nothing changes unless you accept; until then they see "
        "nothing of yours. Accept or decline here:",
        link=reverse("invitation_detail", args=[invitation.pk]),
    )
