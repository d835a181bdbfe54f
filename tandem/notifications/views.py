"""The person's notification settings, one-click unsubscribe from an email, and the bell."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tandem.accounts.models import User
from tandem.core.http import AuthedRequest
from tandem.notifications import services
from tandem.notifications.delivery import read_unsubscribe_token
from tandem.notifications.kinds import CHOOSABLE, Kind, Mode
from tandem.notifications.selectors import inbox_for, preferences_for


@login_required
def notification_settings(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        modes = {
            kind.value: request.POST.get(kind.value, "")
            for kind in CHOOSABLE
            if kind.value in request.POST
        }
        try:
            services.preferences_save(actor=request.user, modes=modes)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Saved. Tandem will email you as you chose.")
            return redirect("notification_settings")
    return render(
        request,
        "notifications/settings.html",
        {"preferences": preferences_for(user=request.user), "modes": Mode.choices},
    )


def _unsubscribe_target(token: str) -> tuple[User, Kind]:
    try:
        user_id, kind = read_unsubscribe_token(token)
    except signing.BadSignature as exc:
        raise Http404("This link is not one of ours, or it was cut short.") from exc
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or kind not in {k.value for k in CHOOSABLE}:
        raise Http404("This link no longer works.")
    return user, Kind(kind)


# A mail client's one-click unsubscribe (RFC 8058) posts without our CSRF token; the signed
# token in the address is the proof, and it can only ever turn one kind of email off.
@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    user, kind = _unsubscribe_target(token)
    done = request.method == "POST"
    if done:
        services.preferences_save(actor=user, modes={kind.value: Mode.OFF})
    return render(
        request, "notifications/unsubscribe.html", {"kind": kind, "done": done, "person": user}
    )


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    items = list(inbox_for(user=request.user)[:50])
    return render(request, "notifications/inbox.html", {"items": items})


@login_required
@require_POST
def inbox_mark_read(request: AuthedRequest) -> HttpResponse:
    count = services.notifications_mark_read(actor=request.user)
    if count:
        messages.success(request, f"{count} notification(s) marked read.")
    return redirect("inbox")
