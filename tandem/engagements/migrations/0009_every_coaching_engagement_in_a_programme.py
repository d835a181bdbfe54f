# Data first, then the rule: on PostgreSQL an ALTER TABLE cannot follow row updates with
# pending foreign-key checks in one transaction, so they are separate migrations.

from django.db import migrations, models


def every_coaching_engagement_in_a_programme(apps, schema_editor):
    """Coaching engagements started before programmes were records join one per
    organisation, named so the programme admin can rename or regroup them."""
    Engagement = apps.get_model("engagements", "Engagement")
    Programme = apps.get_model("accounts", "Programme")
    loose = Engagement.objects.filter(kind="coaching", programme__isnull=True)
    for organisation_id in loose.values_list("organisation_id", flat=True).distinct():
        programme, _ = Programme.objects.get_or_create(
            organisation_id=organisation_id,
            name="Coaching (before programmes)",
            defaults={"description": "Engagements started before programmes were set up."},
        )
        loose.filter(organisation_id=organisation_id).update(programme=programme)



class Migration(migrations.Migration):

    dependencies = [
        ("engagements", "0008_programmes_handovers_sponsor_changes"),
    ]

    operations = [
        migrations.RunPython(every_coaching_engagement_in_a_programme, migrations.RunPython.noop),
    ]
