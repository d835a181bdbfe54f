import tandem.core.fields
from django.db import migrations

from tandem.core.fields import seal_in_place, unseal_in_place

SEALED = [("feedbackcycle", "questionnaire"), ("feedbackcycle", "report"), ("response", "answers")]


def seal(apps, schema_editor):
    """Existing rows: the frozen reports (comments in clear: issue 11), the questionnaires
    (target wordings) and the answers are sealed where they stand. Older report shapes are
    kept as they are: ``snapshot.ReportSnapshot.from_json`` upgrades them on read."""
    for model, field in SEALED:
        seal_in_place(apps.get_model("feedback", model), field)


def unseal(apps, schema_editor):
    for model, field in SEALED:
        unseal_in_place(apps.get_model("feedback", model), field)


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0002_reminder_days'),
    ]

    operations = [
        migrations.AlterField(
            model_name='feedbackcycle',
            name='questionnaire',
            field=tandem.core.fields.EncryptedJSONField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name='feedbackcycle',
            name='report',
            field=tandem.core.fields.EncryptedJSONField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name='response',
            name='answers',
            field=tandem.core.fields.EncryptedJSONField(),
        ),
        migrations.RunPython(seal, unseal),
    ]
