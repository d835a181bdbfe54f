"""Request typing and the htmx habit: one view, a partial for htmx, the page otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import RequestContext
from django.template.loader import get_template
from django.template.loader_tags import BlockNode
from django.utils.safestring import SafeString
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:  # core imports no domain app at run time
    from tandem.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


def render_page_or_partial(
    request: AuthedRequest,
    page: str,
    partial: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    template = partial if request.htmx else page
    return render(request, template, context, status=status)


def render_block(
    request: HttpRequest, template_name: str, block: str, context: dict[str, Any]
) -> SafeString:
    """One ``{% block %}`` of a page template, rendered with ``context`` (which wins over the
    context processors, so ``user`` can be someone else's view of the same page)."""
    template = get_template(template_name).template  # type: ignore[attr-defined]
    node = next(n for n in template.nodelist.get_nodes_by_type(BlockNode) if n.name == block)
    request_context = RequestContext(request)
    with request_context.bind_template(template):
        request_context.update(context)
        return SafeString(node.render(request_context))


def uuid_or_none(value: str | None) -> UUID | None:
    """An id sent by a page, or None if it is not one (PostgreSQL refuses a NUL byte in a
    query with an error; a made-up id should simply match nothing)."""
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def search_text(value: str) -> str:
    """A search box's words, without NUL bytes (PostgreSQL refuses them in a query)."""
    return value.replace("\x00", "").strip()
