"""Every transition updates the case row, and its state with it: every index of the table is
written each time. The separate indexes on the area and the lead organisation go; the
(area, state) and (lead_organisation, state) indexes begin with them and serve those lookups.

Written as SQL: altering a field on SQLite rebuilds the table (docs/performance.md)."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {  # Django's names for them: table, column and a hash of both
    "cases_case_area_id_040d4987": "area_id",
    "cases_case_lead_organisation_id_33610c42": "lead_organisation_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_groups"),
        ("cases", "0005_case_list_covering_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="area",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="accounts.area",
                        verbose_name="地域",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="lead_organisation",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="led_cases",
                        to="accounts.organisation",
                        verbose_name="主担当の組織",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(f"DROP INDEX IF EXISTS {name}", f"CREATE INDEX {name} ON cases_case ({column})")
                for name, column in INDEXES.items()
            ],
        ),
    ]
