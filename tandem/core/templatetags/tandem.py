from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``{{ answers|get:item.key }}`` — dictionary lookup with a variable key."""
    if hasattr(mapping, "get"):
        return mapping.get(key)
    return None


@register.filter
def humanise(code: Any) -> str:
    """``open_question`` → ``open question``: a stored code as words."""
    return str(code or "").replace("_", " ")
