"""A consent's last valid day (optional): a consent grounds a disclosure only while in force."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_groups"),
        ("cases", "0006_fewer_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="valid_until",
            field=models.DateField(
                blank=True,
                help_text="空欄は期限なし（撤回されるまで有効）。",
                null=True,
                verbose_name="有効期限",
            ),
        ),
        migrations.AddConstraint(
            model_name="consent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_until__isnull", True),
                    ("valid_until__gte", models.F("obtained_on")),
                    _connector="OR",
                ),
                name="consent_valid_after_obtained",
            ),
        ),
    ]
