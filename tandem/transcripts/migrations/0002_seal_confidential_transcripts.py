import tandem.core.fields
from django.db import migrations

from tandem.core.fields import seal_in_place, unseal_in_place

SEALED = [('transcriptanalysis', 'filename')]


def seal(apps, schema_editor):
    """A transcript's file name often says what was talked about: sealed."""
    for model, field in SEALED:
        seal_in_place(apps.get_model("transcripts", model), field)


def unseal(apps, schema_editor):
    for model, field in SEALED:
        unseal_in_place(apps.get_model("transcripts", model), field)


class Migration(migrations.Migration):

    dependencies = [
        ('transcripts', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='transcriptanalysis',
            name='filename',
            field=tandem.core.fields.EncryptedCharField(max_length=255),
        ),
        migrations.RunPython(seal, unseal),
    ]
