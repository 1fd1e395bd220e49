"""The listing criteria a city starts from (its administrator changes them in the admin)."""

from django.db import migrations

from disaster.criteria import ensure_criteria


def seed(apps, schema_editor):
    ensure_criteria(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("disaster", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
