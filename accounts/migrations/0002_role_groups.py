"""Create one Django group per role (docs/design.md "Roles"). Their permissions: accounts/roles.py."""

from django.db import migrations

ROLES = [
    "commissioner",
    "plaza_staff",
    "ward_caseworker",
    "guardianship_coordinator",
    "agency_worker",
    "privacy_officer",
    "sysadmin",
]


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
