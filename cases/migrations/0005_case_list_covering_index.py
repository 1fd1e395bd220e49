"""PostgreSQL: the case id with its creation time in one index, so that a permission-filtered list
probes the few thousand cases a user may see without reading their rows to sort them
(docs/performance.md). SQLite has no INCLUDE columns (and its rowid lookups are cheap): nothing."""

from django.db import migrations

INDEX = "case_id_created_covering"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX} ON cases_case (id) INCLUDE (created_at)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_consent_recorded_at")]

    operations = [migrations.RunPython(create, drop)]
