"""The chain relies on writers being serialised; on SQLite that is BEGIN IMMEDIATE."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def sqlite_transactions_take_the_write_lock(app_configs, **kwargs):
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return []
    if database.get("OPTIONS", {}).get("transaction_mode") == "IMMEDIATE":
        return []
    return [
        Error(
            "SQLite must open transactions with BEGIN IMMEDIATE for the audit chain to stay linear.",
            hint='Set DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE".',
            id="audit.E001",
        )
    ]
