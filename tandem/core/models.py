import uuid

from django.db import models


class BaseModel(models.Model):
    """UUID keys: made before INSERT (the encryption binds them) and not guessable in URLs."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(BaseModel):
    """Optimistic locking for text that two people may edit at once (see ``check_version``)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True
