"""Case numbers (2026-はまかぜ-0123, cases.services.references) and the name as the reporter wrote it.

Existing cases are numbered in the order they came in, per numbering unit and fiscal year, and the
counters are left where the numbering stopped. The name the reporter wrote is copied onto each
case's first concern from the person: until this migration no name could be changed after intake,
so the person's name is still the reporter's words."""

from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone

import privacy.fields

BATCH = 1000


def _prefixes(apps):
    """prefix(area_id, created_at): the numbering unit's short name, as the service makes it."""
    from cases.services.references import fiscal_year, short_name

    areas = {a.pk: a for a in apps.get_model("accounts", "Area").objects.all()}
    units: dict = {}

    def unit_name(area_id) -> str:
        if area_id not in units:
            chain, node = [], areas[area_id]
            while node is not None:
                chain.append(node)
                node = areas.get(node.parent_id)
            unit = next((a for a in chain if a.level == "ward"), chain[-1])
            units[area_id] = short_name(unit.name)
        return units[area_id]

    return lambda area_id, created_at: f"{fiscal_year(timezone.localdate(created_at))}-{unit_name(area_id)}"


def number_cases(apps, schema_editor):
    from cases.services.references import format_reference

    Case = apps.get_model("cases", "Case")
    Counter = apps.get_model("cases", "CaseReferenceCounter")
    prefix_of = _prefixes(apps)
    last: dict[str, int] = {}
    batch = []
    for pk, area_id, created_at in Case.objects.order_by("created_at", "pk").values_list(
        "pk", "area_id", "created_at"
    ):
        prefix = prefix_of(area_id, created_at)
        last[prefix] = last.get(prefix, 0) + 1
        batch.append(Case(pk=pk, reference=format_reference(prefix, last[prefix])))
        if len(batch) == BATCH:
            Case.objects.bulk_update(batch, ["reference"])
            batch = []
    Case.objects.bulk_update(batch, ["reference"])
    Counter.objects.bulk_create(Counter(prefix=prefix, last=number) for prefix, number in last.items())


def copy_reported_names(apps, schema_editor):
    """Each case's first concern, if someone reported it, gets the person's name as written then."""
    from privacy.exceptions import DataErased
    from privacy.models import DataKey  # the real one: it unwraps (built from the row, not queried)

    Concern = apps.get_model("cases", "Concern")
    Person = apps.get_model("cases", "Person")
    HistoricalKey = apps.get_model("privacy", "DataKey")
    first: dict = {}
    for pk, case_id in Concern.objects.filter(reported_by__isnull=False).order_by(
        "case_id", "created_at", "pk"
    ).values_list("pk", "case_id"):
        first.setdefault(case_id, pk)
    for concern in Concern.objects.filter(pk__in=first.values()).select_related("case"):
        person = Person.objects.get(pk=concern.case.person_id)
        if person.erased_at is not None:
            continue
        row = HistoricalKey.objects.get(pk=person.data_key_id)
        key = DataKey(id=row.id, wrapped=row.wrapped, kek_id=row.kek_id, destroyed_at=row.destroyed_at)
        person.personal_data_key = concern.personal_data_key = lambda key=key: key
        try:
            concern.reported_name = person.name
        except DataErased:
            continue
        concern.save(update_fields=["reported_name"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_meeting_consent")]

    operations = [
        migrations.CreateModel(
            name="CaseReferenceCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("prefix", models.CharField(max_length=30, unique=True, verbose_name="接頭辞")),
                ("last", models.PositiveIntegerField(default=0, verbose_name="最後の番号")),
            ],
            options={"verbose_name": "ケース番号の採番", "verbose_name_plural": "ケース番号の採番"},
        ),
        migrations.AddField(
            model_name="case",
            name="reference",
            field=models.CharField(editable=False, max_length=40, null=True, verbose_name="ケース番号"),
        ),
        migrations.AddField(
            model_name="concern",
            name="reported_name",
            field=privacy.fields.EncryptedCharField(
                blank=True, max_length=100, null=True, verbose_name="報告時の氏名"
            ),
        ),
        migrations.RunPython(number_cases, migrations.RunPython.noop),
        migrations.RunPython(copy_reported_names, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="case",
            name="reference",
            field=models.CharField(editable=False, max_length=40, verbose_name="ケース番号"),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(fields=["reference"], name="case_reference_unique"),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(condition=~Q(reference=""), name="case_reference_given"),
        ),
    ]
