"""The audit of reads: every read of confidential content, and every export, leaves a row.

Views call :func:`record_read` after the policy let the reader in. Where from is the client's
address, set per request by :func:`audit_middleware` (REMOTE_ADDR; behind a proxy, configure
the proxy to set it). One INSERT per page: see benchmarks/bench_audit.py for its cost.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

from tandem.accounts.models import User
from tandem.privacy.models import ReadRecord

Kind = ReadRecord.Kind
_client_ip: ContextVar[str | None] = ContextVar("tandem_client_ip", default=None)


def audit_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        token = _client_ip.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return get_response(request)
        finally:
            _client_ip.reset(token)

    return middleware


def record_read(
    *,
    reader: User,
    kind: str,
    engagement: object | None = None,
    owner: User | int | None = None,
    object_id: object = "",
) -> ReadRecord:
    """``owner`` is whose record it is (default: the engagement's coachee)."""
    engagement_id = getattr(engagement, "pk", None)
    if owner is None and engagement is not None:
        owner_id = getattr(engagement, "coachee_id", None)
    else:
        owner_id = owner.pk if isinstance(owner, User) else owner
    record = ReadRecord(
        reader_id=reader.pk,
        owner_id=owner_id,
        engagement_id=engagement_id,
        kind=kind,
        object_id=str(object_id or ""),
        ip=_client_ip.get(),
    )
    record.save()
    return record
