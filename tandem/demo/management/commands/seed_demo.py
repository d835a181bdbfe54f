"""Demo data that shows everything Tandem does, created through the real services.

Idempotent: if the demo organisation exists, nothing is written (``--reset`` rebuilds it).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse

from tandem.accounts.models import Organisation, User
from tandem.action_items.models import ActionItem
from tandem.demo import cohort, practice, rhythm
from tandem.demo import privacy as demo_privacy
from tandem.demo.story import ORG_SLUG, PASSWORD, PEOPLE, ROLE_OF, Northwind
from tandem.engagements.models import Engagement
from tandem.feedback.models import Invitation


class Command(BaseCommand):
    help = "Load the demo organisation, people, engagements and sessions (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete and rebuild the demo.")

    def handle(self, *args: Any, reset: bool, **options: Any) -> None:
        existing = Organisation.objects.filter(slug=ORG_SLUG).first()
        if existing and not reset:
            self.stdout.write("Demo data is already loaded.")
        else:
            # Emails are sent as in real life. To a file (make run), they are in the outbox;
            # never to the console, where they would bury the logins (the open pulse's links
            # are printed below instead).
            backend = settings.EMAIL_BACKEND
            if backend.endswith("console.EmailBackend"):
                backend = "django.core.mail.backends.locmem.EmailBackend"
            with override_settings(EMAIL_BACKEND=backend), transaction.atomic():
                if existing:
                    self._delete(existing)
                org, programme, people = Northwind().build()
                cohort.build(org, programme, people)
                practice.build(people)
                rhythm.people_matters(org, people)
                demo_privacy.build(org, people)
                rhythm.feeds(cohort.demo_emails())
                transaction.on_commit(rhythm.run_the_scheduler)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"\nDemo logins (password for all: {PASSWORD}):")
        for key, name, email, _ in PEOPLE:
            self.stdout.write(f"  {email:<28} {name:<12} — {ROLE_OF[key]}")
        self.stdout.write(
            "  ines@northwind.example       Ines Ortega  — coachee choosing between two coaches\n"
            f"  …and {len(cohort.COHORT) + len(cohort.COACHES)} more people of the Emerging "
            "Leaders cohort and its pool (grace@, marco@, nora@…), same password"
        )
        self._print_rater_links()
        self._print_feed()

    def _print_feed(self) -> None:
        alex = User.objects.filter(email="alex@northwind.example").first()
        feed = getattr(alex, "calendar_feed", None) if alex else None
        if feed is not None:
            url = settings.SITE_URL.rstrip("/") + reverse("calendar_feed", args=[feed.token])
            self.stdout.write(
                "\nEvery demo person has a private calendar feed (Settings → Calendar); "
                f"Alex's:\n  {url}"
            )

    def _print_rater_links(self) -> None:
        """The open pulse's links, as the raters' emails carry them: try the rater's side."""
        pending = Invitation.objects.filter(
            cycle__engagement__organisation__slug=ORG_SLUG,
            cycle__status="open",
            status=Invitation.Status.APPROVED,
            completed=False,
        ).exclude(group="self")
        links = [i for i in pending if i.token]
        if links:
            self.stdout.write("\nAnswer Priya's midpoint pulse as a rater (no login needed):")
            for invitation in links:
                url = settings.SITE_URL.rstrip("/") + reverse(
                    "rater_answer", args=[invitation.token]
                )
                self.stdout.write(f"  {invitation.get_group_display():<15} {url}")

    def _delete(self, org: Organisation) -> None:
        emails = cohort.demo_emails()
        organisations = [org, *practice.practices_of(emails)]
        for organisation in organisations:
            for engagement in Engagement.objects.filter(organisation=organisation):
                ActionItem.objects.filter(engagement=engagement).delete()
                engagement.sessions.all().delete()
                engagement.delete()
        for organisation in organisations:
            organisation.delete()
        User.objects.filter(email__in=emails).delete()
