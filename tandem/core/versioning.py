from django.core.exceptions import ValidationError

from tandem.core.models import VersionedModel

STALE_MESSAGE = (
    "Someone else saved this while you were editing — or you did, in another tab or window. "
    "Your changes were not saved: copy them, reload the page to see the saved version, then "
    "apply yours again."
)


def bump_version(instance: VersionedModel, *, expected: int | None) -> None:
    """Reject a save based on an old copy; call inside the transaction holding the row lock.

    ``expected`` is the version the editor's form was rendered with (None skips the check,
    for writes that do not come from a form).
    """
    if expected is not None and expected != instance.version:
        raise ValidationError(STALE_MESSAGE, code="stale")
    instance.version += 1
