"""Background work for accounts, through the django-tasks API (immediate in development)."""

from __future__ import annotations

from django_tasks import task

from tandem.accounts import emails


@task()
def send_account_emails(
    *,
    user_ids: list[int],
    organisation_id: str,
    programme_id: str | None,
    actor_id: int | None,
    base_url: str,
    reason: str,
) -> int:
    """Invitations and notices for up to ``emails.CHUNK`` people (see ``accounts.emails``)."""
    return emails.deliver(
        user_ids=user_ids,
        organisation_id=organisation_id,
        programme_id=programme_id,
        actor_id=actor_id,
        base_url=base_url,
        reason=reason,
    )
