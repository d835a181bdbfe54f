"""Sign-in moves to allauth, which counts only verified addresses: everyone who already
chose a password signed in with their address (and got their invitation at it), so it is
verified. Rate limits are kept in the database cache: its table is made here so `migrate`
is the only step a deployment needs."""

from django.core.management import call_command
from django.db import migrations


def addresses_verified(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    have = set(EmailAddress.objects.values_list("user_id", flat=True))
    rows = [
        EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True)
        for u in User.objects.exclude(pk__in=have).exclude(password__startswith="!").iterator()
    ]
    EmailAddress.objects.bulk_create(rows, batch_size=500)


def cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_sign_in_rules_and_invitations"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.RunPython(addresses_verified, migrations.RunPython.noop),
        migrations.RunPython(cache_table, migrations.RunPython.noop),
    ]
