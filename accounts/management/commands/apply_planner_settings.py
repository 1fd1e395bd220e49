"""Applies the planner settings (SSD costs, no JIT) to the PostgreSQL database itself
(ALTER DATABASE ... SET).

Every new connection then starts with them, whichever way it comes (directly or through PgBouncer
in transaction mode, which refuses the libpq `options` startup parameter). Idempotent: a setting
already in place is left alone and said so. Run by the database's owner (the application's role,
docs/operations.md) after the first `migrate`; SQLite has no planner settings and is skipped.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections


def current_settings(cursor, database: str) -> dict[str, str]:
    """The settings stored for this database (for every role), as name -> value."""
    cursor.execute(
        "SELECT unnest(s.setconfig) FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
        "WHERE d.datname = %s AND s.setrole = 0",
        [database],
    )
    stored = {}
    for (entry,) in cursor.fetchall():
        name, _, value = entry.partition("=")
        stored[name] = value
    return stored


class Command(BaseCommand):
    help = (
        "PostgreSQL のプランナ設定（SSD 向け、JIT なし）をデータベースに設定します"
        "（ALTER DATABASE … SET、冪等）。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database: str, **options) -> None:
        connection = connections[database]
        if connection.vendor != "postgresql":
            self.stdout.write(f"{connection.vendor}: no planner settings to apply.")
            return
        wanted = settings.TSUNAGU_PLANNER_SETTINGS
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            name = cursor.fetchone()[0]
            stored = current_settings(cursor, name)
            changed = []
            for setting, value in wanted.items():
                if not setting.replace("_", "").isalnum() or not value.replace(".", "").isalnum():
                    raise CommandError(f"Refusing an unexpected planner setting: {setting}={value}")
                if stored.get(setting) == value:
                    continue
                quoted = connection.ops.quote_name(name)
                try:
                    cursor.execute(f"ALTER DATABASE {quoted} SET {setting} = '{value}'")
                except Exception as error:
                    raise CommandError(
                        f"Could not set {setting} on database {name} ({type(error).__name__}): run this "
                        "command as the database's owner, or run as postgres: "
                        f"ALTER DATABASE {quoted} SET {setting} = '{value}';"
                    ) from error
                changed.append(f"{setting}={value}")
        if changed:
            self.stdout.write(f"Set on database {name} (new connections): {', '.join(changed)}")
        else:
            already = ", ".join(f"{key}={value}" for key, value in wanted.items())
            self.stdout.write(f"Database {name} already has: {already}")
