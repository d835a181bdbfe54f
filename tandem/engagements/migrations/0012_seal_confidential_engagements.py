import tandem.core.fields
from django.db import migrations

from tandem.core.fields import seal_in_place, unseal_in_place

SEALED = [('behaviouraltarget', 'behaviour'), ('behaviouraltarget', 'rater_wording'), ('behaviouraltarget', 'why_it_matters'), ('behaviouraltarget', 'success_indicators'), ('behaviouraltarget', 'gas_minus_2'), ('behaviouraltarget', 'gas_minus_1'), ('behaviouraltarget', 'gas_0'), ('behaviouraltarget', 'gas_plus_1'), ('behaviouraltarget', 'gas_plus_2'), ('engagement', 'targets_changes_requested'), ('targetrating', 'behaviour'), ('targetrating', 'level_text')]


def seal(apps, schema_editor):
    """Targets (what the sponsor sees only after sign-off, nobody else outside the engagement), the
    sponsor's change note and the target wording a review kept are sealed where they stand."""
    for model, field in SEALED:
        seal_in_place(apps.get_model("engagements", model), field)


def unseal(apps, schema_editor):
    for model, field in SEALED:
        unseal_in_place(apps.get_model("engagements", model), field)


class Migration(migrations.Migration):

    dependencies = [
        ('engagements', '0011_engagement_list_by_programme_and_start'),
    ]

    operations = [
        migrations.AlterField(
            model_name='behaviouraltarget',
            name='behaviour',
            field=tandem.core.fields.EncryptedCharField(help_text="What others will see you do, e.g. 'I raise concerns early'.", max_length=300),
        ),
        migrations.AlterField(
            model_name='behaviouraltarget',
            name='gas_0',
            field=tandem.core.fields.EncryptedCharField(max_length=300, verbose_name='Expected outcome (0)'),
        ),
        migrations.AlterField(
            model_name='behaviouraltarget',
            name='gas_minus_1',
            field=tandem.core.fields.EncryptedCharField(max_length=300, verbose_name='Somewhat less than expected (−1)'),
        ),
        migrations.AlterField(
            model_name='behaviouraltarget',
            name='gas_minus_2',
            field=tandem.core.fields.EncryptedCharField(max_length=300, verbose_name='Much less than expected (−2)'),
        ),
        migrations.AlterField(
            model_name='behaviouraltarget',
            name='gas_plus_1',
            field=tandem.core.fields.EncryptedCharField(max_length=300, verbose_name='Somewhat more than expected (+1)'),
        ),
        migrations.AlterField(
            model_name='behaviouraltarget',
            name='gas_plus_2',
            field=tandem.core.fields.EncryptedCharField(max_length=300, verbose_name='Much more than expected (+2)'),
        ),
        migrations.AlterField(
            model_name='behaviouraltarget',
            name='rater_wording',
            field=tandem.core.fields.EncryptedCharField(blank=True, help_text="Raters are asked how often they see you do this, so it is worded about you: 'I raise concerns early' becomes 'Raises concerns early'. Left empty, it is worded like that for you.", max_length=300, verbose_name='How 360 raters read it'),
        ),
        migrations.AlterField(
            model_name='behaviouraltarget',
            name='success_indicators',
            field=tandem.core.fields.EncryptedTextField(help_text='How you and others will notice the change.'),
        ),
        migrations.AlterField(
            model_name='behaviouraltarget',
            name='why_it_matters',
            field=tandem.core.fields.EncryptedTextField(),
        ),
        migrations.AlterField(
            model_name='engagement',
            name='targets_changes_requested',
            field=tandem.core.fields.EncryptedTextField(blank=True, editable=False),
        ),
        migrations.AlterField(
            model_name='targetrating',
            name='behaviour',
            field=tandem.core.fields.EncryptedCharField(blank=True, max_length=300),
        ),
        migrations.AlterField(
            model_name='targetrating',
            name='level_text',
            field=tandem.core.fields.EncryptedCharField(blank=True, max_length=300),
        ),
        migrations.RunPython(seal, unseal),
    ]
