"""Seed the catalogue of legal bases for sharing (cases/legal_bases.py)."""

from django.db import migrations

from cases.legal_bases import CATALOGUE, ensure_catalogue


def seed(apps, schema_editor):
    ensure_catalogue(apps, using=schema_editor.connection.alias)


def unseed(apps, schema_editor):
    apps.get_model("cases", "LegalBasis").objects.filter(code__in=[e["code"] for e in CATALOGUE]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
