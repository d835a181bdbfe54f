"""Django admin shows platform staff the structure, never confidential content: every
registered model's list and every record's change page, with a canary in every
confidential field of a lived-in engagement."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from conftest import UserFactory
from tandem.accounts.tests.test_mfa import with_totp
from tandem.core.tests.world import build_world, canaries_in, write_canaries

pytestmark = pytest.mark.django_db


def test_no_admin_page_shows_confidential_content(engagement):
    world = build_world(engagement)
    written = write_canaries(world)
    assert len(written) > 40  # every kind of confidential field got one
    staff = UserFactory(is_staff=True, is_superuser=True)
    with_totp(staff)  # Django admin requires MFA of staff
    client = Client()
    client.force_login(staff)
    pages = 0
    for model in admin.site._registry:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        urls = [changelist]
        for obj in model._default_manager.all()[:25]:
            pk = obj.pk
            urls += [
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk]),
                reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[pk]),
            ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert canaries_in(response.content) == [], url
            pages += 1
    assert pages > 40
