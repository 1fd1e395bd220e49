"""The trail takes every event of every transition: each index is written on each insert. Gone:
the separate index on the actor (audit_actor_time, actor first, serves those lookups), and on
PostgreSQL the ``varchar_pattern_ops`` twins Django adds to indexed and unique text columns for
LIKE 'prefix%' searches, which nothing here makes (docs/performance.md).

Written as SQL: altering a field on SQLite rebuilds the table, which would drop its append-only
triggers (migration 0002) and copy the whole trail."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "audit_auditevent"
ACTOR_INDEX = "audit_auditevent_actor_id_270bb4b7"
PATTERN_INDEXES = {  # Django's names for them: table, column and a hash of both, "_like"
    "audit_auditevent_action_2131bb77_like": "action",
    "audit_auditevent_case_id_e19cbaff_like": "case_id",
    "audit_auditevent_person_id_41e59516_like": "person_id",
    "audit_auditevent_hash_d0c402da_like": "hash",
}


def drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in PATTERN_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, column in PATTERN_INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {name} ON {TABLE} ({column} varchar_pattern_ops)")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_pattern_indexes, create_pattern_indexes),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="操作者",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {ACTOR_INDEX}", f"CREATE INDEX {ACTOR_INDEX} ON {TABLE} (actor_id)"
                ),
            ],
        ),
    ]
