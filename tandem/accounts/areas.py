"""The coaching areas: one vocabulary for coach profiles (what a coach works on), targets
(what a leader works on) and the programme dashboard's coaching themes."""

from django.db import models


class Area(models.TextChoices):
    DIRECTION = "direction", "Direction and strategy"
    DELEGATION = "delegation", "Delegation and empowerment"
    COMMUNICATION = "communication", "Communication and listening"
    FEEDBACK = "feedback", "Feedback and developing people"
    CONFLICT = "conflict", "Conflict and difficult conversations"
    INFLUENCE = "influence", "Influence and collaboration"
    RESILIENCE = "resilience", "Composure and resilience"
    INCLUSION = "inclusion", "Inclusion"
    TRANSITIONS = "transitions", "Role transitions"
    PRIORITIES = "priorities", "Priorities and time"
    CHANGE = "change", "Leading change"
    DECISIONS = "decisions", "Decision making"


# The 360 library's competencies, read as areas: a target linked to a competency question
# counts under that area unless its author chose another.
AREA_OF_COMPETENCY = {
    "direction": Area.DIRECTION,
    "delegation": Area.DELEGATION,
    "communication": Area.COMMUNICATION,
    "feedback": Area.FEEDBACK,
    "candour": Area.CONFLICT,
    "collaboration": Area.INFLUENCE,
    "composure": Area.RESILIENCE,
    "inclusion": Area.INCLUSION,
}


def validate_areas(value: object) -> None:
    from django.core.exceptions import ValidationError

    if not isinstance(value, list) or any(v not in Area.values for v in value):
        raise ValidationError("Choose areas from the list.")
