from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("engagements", "0009_every_coaching_engagement_in_a_programme"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="engagement",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind", "one_on_one"), ("programme__isnull", False), _connector="OR"),
                name="coaching_belongs_to_a_programme",
            ),
        ),
    ]
