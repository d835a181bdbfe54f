"""The JSON API under /api/v1/: one NinjaAPI, its sign-in and its refusals.

Every endpoint goes through the same services, selectors and policy as the pages, so the API
can never see or do more than the page would let the same person see or do.

* Credentials: a personal access token (``Authorization: Bearer tdm_…``, made on the
  person's settings page) or the browser's session, which must send the CSRF token on
  writes. A read-only token is refused every write (403).
* Refusals: 401 without credentials, 404 for what the person may not know exists, 403 for
  what they may not do, 409 when someone else saved first, 422 with the page's own words.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as SchemaError
from ninja.security import APIKeyCookie, HttpBearer

from tandem.accounts.tokens import token_authenticate
from tandem.action_items.api import router as actions_router
from tandem.coaching_sessions.api import router as sessions_router
from tandem.coaching_sessions.services import GrowClash
from tandem.core.api import validation_body
from tandem.engagements.api import router as engagements_router

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    """A personal access token: it acts as its person (``request.user``), never more."""

    openapi_description = "A personal access token from Settings → API tokens."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_authenticate(token)
        if found is None:
            return None
        if request.method not in SAFE_METHODS and not found.can_write:
            raise PermissionDenied("This token may only read: make a read-and-write token.")
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser's own session; writes must carry the CSRF token (X-CSRFToken), as
    the interactive docs do. Without a session this answers nothing, so the request is 401
    rather than a CSRF refusal."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "The signed-in browser session (send X-CSRFToken on writes)."

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if key and request.user.is_authenticated else None


api = NinjaAPI(
    title="Tandem API",
    version="1",
    description=(
        "Everything a person may see and do in Tandem's pages, under the same rules. "
        "See docs/api.md in the repository for a walk-through."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
)
api.add_router("/", engagements_router)
api.add_router("/", sessions_router)
api.add_router("/", actions_router)


def _json(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _json(
        request,
        401,
        {"detail": "Sign in, or send a personal access token: Authorization: Bearer tdm_…"},
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _json(request, 404, {"detail": str(exc) or "Not found."})


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _json(request, 403, {"detail": str(exc) or "You may not do this."})


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    stale = any(e.code == "stale" for e in getattr(exc, "error_list", ()))
    return _json(request, 409 if stale else 422, validation_body(exc))


@api.exception_handler(SchemaError)
def _malformed(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    """A body or parameter of the wrong shape: the same 422 body as a form's refusal."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = error.get("loc", ())
        field = str(loc[-1]) if len(loc) > 1 else "__all__"  # "count", not body.body.count
        errors.setdefault(field, []).append(str(error.get("msg", "Invalid.")))
    detail = " ".join(f"{field}: {'; '.join(msgs)}" for field, msgs in errors.items())
    return _json(request, 422, {"detail": detail, "errors": errors})


@api.exception_handler(GrowClash)
def _clash(request: HttpRequest, exc: GrowClash) -> HttpResponse:
    from tandem.coaching_sessions.schemas import grow_clash_body

    return _json(request, 409, grow_clash_body(exc))
