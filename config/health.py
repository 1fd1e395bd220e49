"""Probes for the load balancer and the monitoring: /healthz (the process answers) and /readyz (it can
serve: the database answers, every migration is applied, the keyring is loaded).

Answered by HealthMiddleware, after the security headers and before sessions, CSRF, the audit
context and the second factor (the HTTPS redirect exempts the two paths), so a probe over plain HTTP
from the proxy's host costs no session, no audit event and no query beyond its own.
JSON without personal data.
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse

from privacy.keyring import get_keyring


def _json(code: int, **body) -> JsonResponse:
    response = JsonResponse(body, status=code)
    response["Cache-Control"] = "no-store"
    return response


def healthz(request: HttpRequest) -> JsonResponse:
    return _json(200, status="ok")


def _not_ready() -> str:
    """A short reason this process cannot serve, or ""."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any failure means "not ready"; the reason stays short
        return "database unreachable"
    try:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return "unapplied migrations"
    except Exception:
        return "migrations unreadable"
    try:
        get_keyring()
    except Exception:  # the keyring's own error may name its path
        return "keyring not loaded"
    return ""


def readyz(request: HttpRequest) -> JsonResponse:
    reason = _not_ready()
    if reason:
        return _json(503, status="unavailable", reason=reason)
    return _json(200, status="ok")


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthMiddleware:
    """Answers the probes (GET or HEAD) before any middleware below it runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        probe = PROBES.get(request.path_info.rstrip("/") or "/")
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
