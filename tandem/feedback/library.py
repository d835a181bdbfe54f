"""The competency library: leadership behaviours in our own words, rated 1–5 by raters.

It lives in code, not in the database: an opened cycle freezes a copy of the items it asks
(``FeedbackCycle.questionnaire``), so editing this file never changes a running 360.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Competency:
    key: str
    name: str
    items: tuple[tuple[str, str], ...]  # (item key, text)


LIBRARY: tuple[Competency, ...] = (
    Competency(
        "direction",
        "Sets clear direction",
        (
            ("direction.why", "Explains where the team is heading and why."),
            ("direction.priorities", "Turns strategy into priorities people can act on."),
            ("direction.no", "Says no to work that does not fit the priorities."),
            ("direction.visible", "Keeps the team's goals visible when plans change."),
        ),
    ),
    Competency(
        "delegation",
        "Delegates and empowers",
        (
            ("delegation.outcomes", "Hands over whole outcomes, not just tasks."),
            ("delegation.decide", "Lets people decide within agreed limits."),
            ("delegation.detail", "Stays out of the detail once work is delegated."),
            ("delegation.stretch", "Gives people assignments that stretch and grow them."),
        ),
    ),
    Competency(
        "communication",
        "Communicates and listens",
        (
            ("communication.listens", "Listens to the end before responding."),
            ("communication.informs", "Keeps people informed about decisions that affect them."),
            ("communication.adapts", "Adapts the message to the audience."),
            ("communication.concise", "Is clear and concise in meetings."),
        ),
    ),
    Competency(
        "feedback",
        "Gives feedback and develops people",
        (
            ("feedback.specific", "Gives specific, timely feedback."),
            ("feedback.recognises", "Recognises good work in a way people value."),
            ("feedback.asks", "Asks for feedback on their own behaviour."),
            ("feedback.development", "Holds regular development conversations."),
        ),
    ),
    Competency(
        "candour",
        "Has difficult conversations",
        (
            ("candour.early", "Raises concerns early, in the meeting where they matter."),
            ("candour.performance", "Addresses performance problems directly."),
            ("candour.upward", "Disagrees respectfully with more senior people."),
            ("candour.mistakes", "Admits their own mistakes openly."),
        ),
    ),
    Competency(
        "collaboration",
        "Collaborates across boundaries",
        (
            ("collaboration.across", "Works across teams to solve shared problems."),
            ("collaboration.credit", "Shares information and credit."),
            ("collaboration.trust", "Builds trust with peers."),
            ("collaboration.conflict", "Resolves conflict constructively."),
        ),
    ),
    Competency(
        "composure",
        "Stays composed under pressure",
        (
            ("composure.calm", "Stays calm and constructive under pressure."),
            ("composure.workload", "Manages their own workload sustainably."),
            ("composure.setbacks", "Responds to setbacks by looking for what to learn."),
        ),
    ),
    Competency(
        "inclusion",
        "Includes and involves others",
        (
            ("inclusion.quiet", "Makes sure quieter voices are heard."),
            ("inclusion.fair", "Treats people fairly, whatever their background."),
            ("inclusion.differing", "Invites views that differ from their own."),
        ),
    ),
)

BY_KEY = {c.key: c for c in LIBRARY}
ITEM_TEXT = {key: text for c in LIBRARY for key, text in c.items}
SECTION_OF_ITEM = {key: c.key for c in LIBRARY for key, _ in c.items}
# For a select of items, grouped by competency.
ITEM_CHOICES = [(c.name, [(key, text) for key, text in c.items]) for c in LIBRARY]
TARGETS_KEY = "targets"
TARGETS_NAME = "Coaching targets"

SCALE = (
    (1, "Rarely"),
    (2, "Sometimes"),
    (3, "Often"),
    (4, "Usually"),
    (5, "Almost always"),
)


def validate_item_key(value: str) -> None:
    from django.core.exceptions import ValidationError

    if value and value not in ITEM_TEXT:
        raise ValidationError("Choose one of the questions in the list.")
