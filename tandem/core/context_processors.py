from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def site(request: HttpRequest) -> dict[str, object]:
    context: dict[str, object] = {
        "SITE_NAME": settings.SITE_NAME,
        "OPEN_SIGNUP": settings.OPEN_SIGNUP,
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from tandem.notifications.selectors import unread_count

        # One indexed count, and only on pages that show the bell.
        context["unread_notifications"] = SimpleLazyObject(lambda: unread_count(user=user))
    return context
