"""Session feedback: after a held session the coachee may say how useful it was (1–5, and
a word if they like). Only the coachee ever reads their own; the coach and the programme admin
see averages over enough ratings that nobody's can be told apart (programmes/dashboard)."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tandem.accounts.models import User
from tandem.coaching_sessions.models import CoachingSession, SessionFeedback
from tandem.core.policy import Perm, engagement_require
from tandem.core.services import locked
from tandem.programmes.figures import figures_touch

WORD_MAX = 60


def feedback_of(*, user: User, session: CoachingSession) -> SessionFeedback | None:
    """The coachee's own rating of this session; nobody else's ever."""
    if user.pk != session.engagement.coachee_id:
        return None
    return SessionFeedback.objects.filter(session=session).first()


def may_give_feedback(user: User, session: CoachingSession) -> bool:
    return (
        user.pk == session.engagement.coachee_id
        and session.is_held
        and session.engagement.is_coaching
    )


@transaction.atomic
def session_feedback_give(
    *, actor: User, session: CoachingSession, usefulness: int, word: str = ""
) -> SessionFeedback:
    """Rate a held session, or change the rating given."""
    session = locked(session)
    engagement_require(actor, Perm.VIEW_SESSION_CONTENT, session.engagement, reading=True)
    if actor.pk != session.engagement.coachee_id:
        raise PermissionDenied("The coachee rates the session: only they see their rating.")
    if not session.is_held:
        raise ValidationError("A session can be rated once it has been held.")
    if not session.engagement.is_coaching:
        raise ValidationError("1:1 series are not rated.")
    if not 1 <= usefulness <= 5:
        raise ValidationError({"usefulness": "Choose from 1 (not useful) to 5 (very useful)."})
    word = " ".join(word.split())
    if len(word) > WORD_MAX:
        raise ValidationError({"word": f"A word or a few: {WORD_MAX} characters at most."})
    feedback = SessionFeedback.objects.select_for_update().filter(
        session=session
    ).first() or SessionFeedback(id=uuid.uuid4(), session=session, usefulness=usefulness)
    feedback.usefulness = usefulness
    feedback.word = word
    feedback.full_clean()
    feedback.save()
    figures_touch(session.engagement)  # the programme's and the coach's averages
    return feedback
