"""The case page's timeline reads a case's transitions — never the views of the case that pile up
beside them (one ``case.viewed`` event per page view): an index on (case_id, event, occurred_at)
finds them in order, however often the case has been viewed. It serves every other lookup by case
too, so the index on case_id alone goes: each event written updates one index more, and one less.

Written as SQL where it drops: altering a field on SQLite rebuilds the table, which would drop its
append-only triggers (migration 0002) and copy the whole trail. Creating an index rebuilds nothing."""

from django.db import migrations, models

TABLE = "audit_auditevent"
CASE_INDEX = "audit_auditevent_case_id_e19cbaff"  # Django's name for the index of case_id's db_index


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_fewer_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["case_id", "event", "occurred_at"], name="audit_case_event_time"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="case_id",
                    field=models.CharField(blank=True, max_length=64, verbose_name="ケースID"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {CASE_INDEX}", f"CREATE INDEX {CASE_INDEX} ON {TABLE} (case_id)"
                ),
            ],
        ),
    ]
