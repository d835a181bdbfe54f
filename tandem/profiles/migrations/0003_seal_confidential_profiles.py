import tandem.core.fields
from django.db import migrations

from tandem.core.fields import seal_in_place, unseal_in_place

SEALED = [('personalityprofile', 'scores')]


def seal(apps, schema_editor):
    """Big-Five factor scores are sealed like the answers they come from."""
    for model, field in SEALED:
        seal_in_place(apps.get_model("profiles", model), field)


def unseal(apps, schema_editor):
    for model, field in SEALED:
        unseal_in_place(apps.get_model("profiles", model), field)


class Migration(migrations.Migration):

    dependencies = [
        ('profiles', '0002_norm_snapshots'),
    ]

    operations = [
        migrations.AlterField(
            model_name='personalityprofile',
            name='scores',
            field=tandem.core.fields.EncryptedJSONField(),
        ),
        migrations.RunPython(seal, unseal),
    ]
