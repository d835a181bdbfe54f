"""The worker's side: django-tasks runs ``deliver`` for each due notification."""

from __future__ import annotations

from django_tasks import task

from tandem.notifications import delivery


@task()
def deliver(notification_id: str) -> None:
    delivery.deliver(notification_id)
