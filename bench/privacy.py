"""Cost of the personal-data layer, against plaintext baselines measured in the same run.

    .venv/bin/python bench/privacy.py [--people 100000] [--database-url postgres://...]

Prints: encrypt+decrypt throughput per field kind; bulk creation of N persons with encryption
against the same model with plain fields (target ratio ≤ 2×); blind-index lookup against
decrypt-and-scan over those N (target ratio ≥ 1,000×, lookup ≤ 5 ms); the search page's selector
(people_found) by full name, by surname alone and by given name alone, with how many it matched
(surnames are 50 common ones, so each is shared by about 2% of the N; every other 高橋 is written
髙橋, which the fold finds too); last, the onboarding import of N persons with their open cases
(cases.services.importing, batches of onboarding.people.BATCH_ROWS, one transaction each: keys,
persons, cases, the ground each is held on, lead grants, guardian's rows, an audit event a row)
against the same rows written by the same code with nothing encrypted (target ratio ≤ 2×; see
without_encryption) and, for scale, against plain person and case rows alone. Uses a throwaway
database (a temporary SQLite file unless --database-url is given) and a throwaway keyring.
"""

import contextlib
import datetime
import random
import statistics
import time
from unittest import mock

import harness
from faker.providers.person.ja_JP import Provider as JapaneseNames

LAST_NAME_PAIRS = list(JapaneseNames.last_name_pairs)


def _arguments(parser) -> None:
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--only-import", action="store_true", help="only the import (section 5)")
    parser.add_argument("--skip-import", action="store_true")


ARGS = harness.start(__doc__, _arguments)

from django.db import connection, models, transaction  # noqa: E402

from accounts.models import Area, Membership, Organisation, User  # noqa: E402
from cases.models import Person  # noqa: E402
from cases.selectors import find_people  # noqa: E402
from cases.selectors.search import RESULT_LIMIT, people_found  # noqa: E402
from privacy import crypto  # noqa: E402
from privacy.fields import BlindIndexField, Ciphertext, EncryptedField  # noqa: E402
from privacy.models import DataKey  # noqa: E402
from privacy.normalise import normalise_name  # noqa: E402


class PlainCase(models.Model):  # noqa: DJ008 — never displayed
    """A case of a PlainPerson: the columns an imported case has, in plaintext."""

    id = models.UUIDField(primary_key=True, default=Person._meta.pk.default)
    person = models.ForeignKey("PlainPerson", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    lead_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=20)
    reference = models.CharField(max_length=40, unique=True)
    opened_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "cases"
        db_table = "bench_plain_case"


class PlainPerson(models.Model):  # noqa: DJ008 — never displayed
    """The same person with plaintext fields and plain indexes where Person has blind indexes."""

    id = models.UUIDField(primary_key=True, default=Person._meta.pk.default)  # the same keys as Person
    registered_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100, db_index=True)
    kana = models.CharField(max_length=100, db_index=True)
    birth_date = models.DateField(null=True, db_index=True)
    address = models.TextField()
    phone = models.CharField(max_length=30, db_index=True)
    notes = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "cases"
        db_table = "bench_plain_person"


# 50 common surnames with their kana (Faker's ja_JP list), drawn evenly: each about 2% of the people.
SURNAMES = [(kanji, kana) for kanji, kana, _romaji in LAST_NAME_PAIRS]
GIVEN = ["花子", "太郎", "一郎", "美咲", "翔", "陽菜", "蓮", "結衣", "大輝", "さくら"]
GIVEN_KANA = ["はなこ", "たろう", "いちろう", "みさき", "しょう", "ひな", "れん", "ゆい", "だいき", "さくら"]


def identities(count: int) -> list[dict]:
    rng = random.Random(20261127)
    people = []
    takahashi = 0
    for i in range(count):
        (surname, surname_kana), g = rng.choice(SURNAMES), rng.randrange(len(GIVEN))
        if surname == "高橋":
            takahashi += 1
            surname = "髙橋" if takahashi % 2 else surname
        people.append(
            {
                # A serial number keeps every name unique, so a lookup has exactly one answer.
                "name": f"{surname} {GIVEN[g]}{i}",
                "kana": f"{surname_kana} {GIVEN_KANA[g]}{i}",
                "birth_date": datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(30000)),
                "address": f"つなぐ市はまかぜ区{rng.randrange(1, 9)}丁目{i % 30 + 1}番{i % 20 + 1}号",
                "phone": f"045-{rng.randrange(100, 999)}-{i:04d}"[:30],
                "notes": "見守りを継続。郵便物がたまっている。" * rng.randrange(0, 5),
            }
        )
    return people


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_fields() -> None:
    (key,) = DataKey.objects.build(1)
    person = Person(data_key=key)
    samples = {
        "name (short text)": ("name", "山田 花子"),
        "notes (long text, 1 kB)": ("notes", "郵便物がたまっている。様子が変わった。" * 18),
        "birth_date (date)": ("birth_date", datetime.date(1948, 3, 15)),
    }
    print("\n1. Field encryption + decryption (one value, AES-256-GCM, per-person key)")
    for label, (field_name, value) in samples.items():
        field = Person._meta.get_field(field_name)
        rounds = 20_000
        elapsed = timed(
            lambda f=field, v=value, n=rounds: [
                f.decrypt(person, Ciphertext(f.encrypt(person, v))) for _ in range(n)
            ]
        )
        print(
            f"   {label:<26} {rounds / elapsed:>10,.0f} round trips/s  ({elapsed / rounds * 1e6:.1f} µs each)"
        )


def bench_bulk_create(people: list[dict], plaza: Organisation) -> tuple[float, float]:
    batch = 2000

    def create_plain() -> None:
        for start in range(0, len(people), batch):
            with transaction.atomic():
                PlainPerson.objects.bulk_create(
                    [PlainPerson(registered_by=plaza, **p) for p in people[start : start + batch]]
                )

    def create_encrypted() -> None:
        for start in range(0, len(people), batch):
            chunk = people[start : start + batch]
            with transaction.atomic():
                keys = DataKey.objects.bulk_create(DataKey.objects.build(len(chunk)))
                Person.objects.bulk_create(
                    [
                        Person(data_key=key, registered_by=plaza, **p)
                        for key, p in zip(keys, chunk, strict=True)
                    ]
                )

    plain = timed(create_plain)
    encrypted = timed(create_encrypted)
    n = len(people)
    print(f"\n2. Bulk creation of {n:,} persons (batches of {batch}, one transaction per batch)")
    print(f"   plain fields             {plain:8.2f} s  ({n / plain:>9,.0f} persons/s)")
    print(f"   encrypted + blind index  {encrypted:8.2f} s  ({n / encrypted:>9,.0f} persons/s)")
    print(f"   ratio encrypted/plain    {encrypted / plain:8.2f}×   (target ≤ 2×)")
    return plain, encrypted


@contextlib.contextmanager
def without_encryption(count: int):
    """The import's own code writing the same rows, with nothing encrypted: each encrypted field
    stores its encoded plaintext (behind the format byte, which the column's guard checks), each
    blind index the normalised text it would have hashed (a plain index on the same column), and
    no data key is made, wrapped or written while it runs: each person points at a key row
    written beforehand, outside the time (a person's key is its own: the column is unique).
    Everything else (cases, grounds, grants, guardian's rows, audit events, the statements that
    write them) is the import's. For this benchmark's baseline only."""
    from cases.services import importing

    bare = DataKey.objects.bulk_create(DataKey.objects.build(count), batch_size=1000)
    insert_instances = importing.insert_instances
    plaintext = {
        (EncryptedField, "encrypt"): lambda self, instance, value: (
            bytes([crypto.VERSION_1]) + self.encode(value)
        ),
        (BlindIndexField, "hash"): lambda self, normalised: normalised.encode() if normalised else None,
        (type(DataKey.objects), "build"): lambda self, n=1: [bare.pop() for _ in range(n)],
        (importing, "insert_instances"): lambda rows: (
            None if isinstance(rows[0], DataKey) else insert_instances(rows)
        ),
    }
    with contextlib.ExitStack() as stack:
        for (owner, name), replacement in plaintext.items():
            stack.enter_context(mock.patch.object(owner, name, replacement))
        yield


def bench_import(people: list[dict], district: Area, plaza: Organisation, admin: User) -> None:
    from accounts.sql import insert_instances
    from cases.models import LegalBasis
    from cases.services.importing import OpenCaseRecord, import_open_cases
    from onboarding.people import BATCH_ROWS

    basis = LegalBasis.objects.get(code="consent")
    opened = datetime.date(2019, 5, 1)
    records = [
        OpenCaseRecord(
            identity=identity,
            area=district,
            lead=plaza,
            state="watching",
            opened_on=opened,
            legal_basis=basis,
            reference="同意書",
        )
        for identity in people
    ]

    def plain_rows(start: int) -> tuple[list, list]:
        persons = [PlainPerson(registered_by=plaza, **p) for p in people[start : start + BATCH_ROWS]]
        cases = [
            PlainCase(
                person=person,
                area=district,
                lead_organisation=plaza,
                state="watching",
                reference=f"2019-bench-{start + i:07d}",
                opened_on=opened,
            )
            for i, person in enumerate(persons)
        ]
        return persons, cases

    def write_plain_orm() -> None:
        for start in range(0, len(people), BATCH_ROWS):
            persons, cases = plain_rows(start)
            with transaction.atomic():
                PlainPerson.objects.bulk_create(persons)
                PlainCase.objects.bulk_create(cases)

    def write_plain_as_imported() -> None:
        for start in range(0, len(people), BATCH_ROWS):
            persons, cases = plain_rows(start)
            with transaction.atomic():
                insert_instances(persons)
                insert_instances(cases)

    def write_imported() -> None:
        for start in range(0, len(records), BATCH_ROWS):
            import_open_cases(actor=admin, records=records[start : start + BATCH_ROWS])

    plain = timed(write_plain_orm)
    with connection.cursor() as cursor:  # the same rows again, written the other way
        cursor.execute(f"DELETE FROM {PlainCase._meta.db_table}")  # noqa: S608 — the bench's own table
        cursor.execute(f"DELETE FROM {PlainPerson._meta.db_table}")  # noqa: S608
    plain_same_way = timed(write_plain_as_imported)
    # Ten rows first, untimed: what the first batch sets up once (the lead's permission group, the
    # case numbering) is neither run's. Then the baseline, so that the import itself writes into
    # the fuller tables (the harder of the two).
    import_open_cases(actor=admin, records=records[:10])
    with without_encryption(len(records)):
        in_plaintext = timed(write_imported)
    imported = timed(write_imported)
    # The baseline's first person kept in plaintext, the import's last encrypted again.
    plaintext = Person.objects.filter(name_index=normalise_name(people[0]["name"]).encode())
    last = Person.objects.order_by("-id").first()
    if not plaintext.exists() or last.name != people[-1]["name"]:
        raise SystemExit("the baseline was not written in plaintext, or the import not encrypted")
    n = len(people)
    print(
        f"\n5. Import of {n:,} persons with their open cases (batches of {BATCH_ROWS}, one transaction each)"
    )
    for label, seconds in (
        ("plain rows (person, case), bulk_create", plain),
        ("plain rows, written as the import writes", plain_same_way),
        ("the import's rows, nothing encrypted", in_plaintext),
        ("import_open_cases (everything it writes)", imported),
    ):
        print(f"   {label:<45} {seconds:8.2f} s  ({n / seconds:>9,.0f} rows/s)")
    for label, seconds, note in (
        ("the same rows, nothing encrypted", in_plaintext, "target ≤ 2×"),
        ("plain person and case rows only", plain, "bulk_create"),
        ("plain person and case rows only", plain_same_way, "written the same"),
    ):
        print(f"   ratio import/{label:<32} {imported / seconds:8.2f}×   ({note})")


def bench_lookup(people: list[dict], actor: User) -> None:
    rng = random.Random(7)
    targets = [people[rng.randrange(len(people))] for _ in range(ARGS.lookups)]
    durations = []
    for target in targets:
        query = target["kana"]
        start = time.perf_counter()
        found = list(find_people(actor, query))
        durations.append(time.perf_counter() - start)
        if len(found) != 1:
            raise SystemExit(f"lookup found {len(found)} people instead of 1")
    lookup = statistics.median(durations)
    p95 = sorted(durations)[int(len(durations) * 0.95) - 1]

    def scan() -> list[Person]:
        wanted = normalise_name(targets[0]["kana"])
        return [
            p
            for p in Person.objects.select_related("data_key").iterator(chunk_size=2000)
            if normalise_name(p.name) == wanted or normalise_name(p.kana) == wanted
        ]

    scan_matches: list[Person] = []
    scan_time = timed(lambda: scan_matches.extend(scan()))
    if len(scan_matches) != 1:
        raise SystemExit(f"scan found {len(scan_matches)} people instead of 1")
    plain_time = statistics.median(
        timed(lambda t=t: list(PlainPerson.objects.filter(kana=t["kana"]))) for t in targets[:50]
    )
    n = len(people)
    print(f"\n3. Exact search over {n:,} persons ({ARGS.lookups} different people)")
    print(
        f"   blind-index lookup (find_people)  median {lookup * 1000:7.2f} ms, "
        f"p95 {p95 * 1000:.2f} ms (target ≤ 5 ms)"
    )
    print(f"   decrypt-and-scan                          {scan_time * 1000:9.0f} ms")
    print(f"   ratio scan/lookup                         {scan_time / lookup:9,.0f}×   (target ≥ 1,000×)")
    print(f"   for reference, plaintext indexed lookup   {plain_time * 1000:7.2f} ms")


def bench_search(people: list[dict], actor: User) -> None:
    """The search page's read (people_found: blind indexes, who the actor may see, the shown
    people and their cases), by full name, by surname alone and by given name alone."""
    rng = random.Random(11)
    targets = [people[rng.randrange(len(people))] for _ in range(ARGS.lookups)]
    queries = {
        "full name (kana)": [t["kana"] for t in targets],
        "surname alone (kanji, folded)": [t["name"].split()[0].replace("髙", "高") for t in targets],
        "given name alone (kana)": [t["kana"].split()[1] for t in targets],
    }
    print(f"\n4. The search page's selector over {len(people):,} persons ({ARGS.lookups} queries each)")
    for label, texts in queries.items():
        durations, matched = [], []
        for text in texts:
            start = time.perf_counter()
            results = people_found(actor, text)
            durations.append(time.perf_counter() - start)
            matched.append(results.count)
        p95 = sorted(durations)[int(len(durations) * 0.95) - 1]
        print(
            f"   {label:<30} median {statistics.median(durations) * 1000:7.2f} ms, p95 {p95 * 1000:7.2f} ms; "
            f"matches median {statistics.median(matched):,.0f} (max {max(matched):,}), "
            f"shown ≤ {RESULT_LIMIT}"
        )


def main() -> None:
    with connection.schema_editor() as editor:
        editor.create_model(PlainPerson)
        editor.create_model(PlainCase)
    city = Area.objects.create(level=Area.Level.MUNICIPALITY, name="つなぐ市", code="990001")
    district = Area.objects.create(level=Area.Level.DISTRICT, name="ベンチ地区", parent=city)
    plaza = Organisation.objects.create(
        name="ベンチ地域ケアプラザ", kind=Organisation.Kind.CARE_PLAZA, municipality=city
    )
    plaza.areas.set([district])
    admin = User.objects.create(username="bench_admin", is_superuser=True)
    actor = User.objects.create(username="bench")
    Membership.objects.create(user=actor, organisation=plaza, role="plaza_staff")
    actor = User.objects.get(pk=actor.pk)

    harness.banner("privacy")
    if ARGS.only_import:
        bench_import(identities(ARGS.people), district, plaza, admin)
        return
    bench_fields()
    people = identities(ARGS.people)
    bench_bulk_create(people, plaza)
    bench_lookup(people, actor)
    bench_search(people, actor)
    if not ARGS.skip_import:  # last: its baseline's persons are kept in plaintext, which no scan reads
        bench_import(identities(ARGS.people), district, plaza, admin)


if __name__ == "__main__":
    with harness.throwaway_database(ARGS):
        main()
