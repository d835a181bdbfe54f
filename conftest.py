"""The shared cast: a coach, a coachee, a sponsor, a programme admin and an outsider,
tied by one coaching engagement in an organisation — plus factories for the rest."""

from __future__ import annotations

import datetime as dt

import factory
import pytest
from django.utils import timezone

from tandem.accounts.models import Membership, Organisation, Programme, User
from tandem.engagements.models import Engagement

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: what one test's rows left there (under ids the
    next test's rows may reuse) must not leak into the next."""
    from django.core.cache import cache

    cache.clear()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            # Like every account that signs in today: its address is verified (allauth).
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


def member(user: User, org: Organisation, role: str = Membership.Role.MEMBER) -> User:
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


def programme_of(org: Organisation) -> Programme:
    """The organisation's test programme: every coaching engagement belongs to one."""
    return Programme.objects.get_or_create(organisation=org, name="Leaders 2026")[0]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Sign-in and reset limits are counted in the cache: each test starts from none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def organisation(db) -> Organisation:
    return OrganisationFactory.create()


@pytest.fixture
def programme(organisation) -> Programme:
    return programme_of(organisation)


@pytest.fixture
def coach(organisation) -> User:
    return member(UserFactory.create(full_name="Casey Coach"), organisation)


@pytest.fixture
def coachee(organisation) -> User:
    return member(UserFactory.create(full_name="Lee Leader"), organisation)


@pytest.fixture
def sponsor(organisation) -> User:
    return member(UserFactory.create(full_name="Sam Sponsor"), organisation)


@pytest.fixture
def programme_admin(organisation) -> User:
    return member(
        UserFactory.create(full_name="Hana HR"), organisation, Membership.Role.PROGRAMME_ADMIN
    )


@pytest.fixture
def outsider(db) -> User:
    """Signed in, a member of another organisation, no part in our engagement."""
    other = OrganisationFactory.create()
    return member(
        UserFactory.create(full_name="Otto Outsider"), other, Membership.Role.PROGRAMME_ADMIN
    )


@pytest.fixture
def engagement(organisation, programme, coach, coachee, sponsor, programme_admin) -> Engagement:
    start = timezone.localdate() - dt.timedelta(days=30)
    return Engagement.objects.create(
        organisation=organisation,
        programme=programme,
        kind=Engagement.Kind.COACHING,
        coach=coach,
        coachee=coachee,
        sponsor=sponsor,
        status=Engagement.Status.ACTIVE,
        start_date=start,
        end_date=start + dt.timedelta(days=120),
        planned_sessions=8,
    )


@pytest.fixture
def cast(coach, coachee, sponsor, programme_admin, outsider) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "outsider": outsider,
        "coachee": coachee,
        "coach": coach,
        "sponsor": sponsor,
        "programme_admin": programme_admin,
    }


@pytest.fixture(autouse=True)
def no_csp_violations(request):
    """Every browser test also checks the Content-Security-Policy: any violation the browser
    reports on any page it opened fails the test (the app has no inline script or style)."""
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    from playwright.sync_api import Browser, BrowserContext

    violations: list[str] = []

    def watch(page):
        def on_console(message):
            if "Content Security Policy" in message.text or "Content-Security-Policy" in (
                message.text
            ):
                violations.append(f"{page.url}: {message.text}")

        page.on("console", on_console)
        return page

    original_context_page = BrowserContext.new_page
    original_browser_page = Browser.new_page
    BrowserContext.new_page = lambda self, *a, **k: watch(original_context_page(self, *a, **k))
    Browser.new_page = lambda self, *a, **k: watch(original_browser_page(self, *a, **k))
    try:
        yield violations
    finally:
        BrowserContext.new_page = original_context_page
        Browser.new_page = original_browser_page
    assert violations == [], "\n".join(violations)
