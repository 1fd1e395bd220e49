from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_person_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="contactlog",
            name="counterpart",
            # Entries from before the counterpart was asked are "other": nothing says with whom.
            field=models.CharField(
                choices=[
                    ("fellow_commissioner", "委員相互"),
                    ("agency", "関係機関"),
                    ("other", "その他"),
                ],
                default="other",
                max_length=20,
                verbose_name="相談・連絡の相手",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="contactlog",
            constraint=models.CheckConstraint(
                condition=models.Q(("counterpart__in", ["fellow_commissioner", "agency", "other"])),
                name="contactlog_counterpart",
            ),
        ),
    ]
