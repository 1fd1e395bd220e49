"""After seed_demo, the SQLite file holds none of the demo people's identities, in any encoding."""

import json
import os
import subprocess
import sys
from pathlib import Path

from privacy.keyring import generate_keyring, write_keyring_file

ROOT = Path(__file__).resolve().parents[2]

DUMP = """
import json
from cases.models import Person
from accounts.models import Organisation
people = [
    [p.name, p.kana, p.phone, p.address, p.birth_date.isoformat() if p.birth_date else ""]
    for p in Person.objects.select_related("data_key")
]
organisations = list(Organisation.objects.values_list("name", flat=True))
from cases.models import Concern, Decision, SupportMeeting
free_text = [c.details for c in Concern.objects.select_related("case__person__data_key")]
meetings = SupportMeeting.objects.select_related("case__person__data_key")
free_text += [text for m in meetings for text in (m.agenda, m.minutes)]
free_text += [d.reason for d in Decision.objects.select_related("meeting__case__person__data_key")]
from referrals.models import Referral, ReferralMessage
free_text += [r.purpose for r in Referral.objects.select_related("case__person__data_key")]
free_text += [m.text for m in ReferralMessage.objects.select_related("referral__case__person__data_key")]
from guardianship.models import GuardianCandidate, GuardianshipMatter
for m in GuardianshipMatter.objects.select_related("case__person__data_key"):
    free_text += [m.capacity_concerns, m.wishes, m.wishes_supported_by, m.wishes_how]
free_text += [c.name for c in GuardianCandidate.objects.select_related("data_key") if c.kind != "corporate"]
free_text = [t for t in free_text if t]
print(json.dumps({"people": people, "organisations": organisations, "free_text": free_text}))
"""


def manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_sqlite_file_after_seed_demo_holds_no_identity_in_utf8_or_shift_jis(tmp_path):
    database = tmp_path / "demo.sqlite3"
    keyring = tmp_path / "keyring.json"
    write_keyring_file(keyring, generate_keyring())
    ours = {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "HTTPS_ONLY", "ALLOWED_HOSTS", "TSUNAGU_KEYRING_JSON"}
    env = {k: v for k, v in os.environ.items() if k not in ours}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{database}",
            "TSUNAGU_KEYRING": str(keyring),
        }
    )
    manage("migrate", "-v0", env=env)
    manage("seed_demo", env=env)
    dumped = json.loads(manage("shell", "-v0", "-c", DUMP, env=env))

    raw = b"".join(path.read_bytes() for path in tmp_path.glob("demo.sqlite3*"))  # with -wal and -shm
    people = dumped["people"]
    assert len(people) >= 20
    for name, kana, phone, address, birth_date in people:
        # Whole values: a lone surname such as 佐藤 also occurs in staff names, which are not encrypted.
        secrets = [name, name.replace(" ", ""), kana, phone, phone.replace("-", ""), address, birth_date]
        for value in filter(
            None, secrets
        ):  # a household member may have no phone, a reported person no birth date
            for encoding in ("utf-8", "shift_jis"):
                try:
                    needle = value.encode(encoding)
                except UnicodeEncodeError:
                    continue  # a character Shift_JIS lacks cannot be stored in it either
                assert needle not in raw, f"a demo identity is readable on disk ({encoding})"
    # Free text about them — concerns, agendas, minutes, reasons, referrals, wishes — and the
    # guardian candidates' names are encrypted too.
    assert len(dumped["free_text"]) >= 40
    for text in dumped["free_text"]:
        for encoding in ("utf-8", "shift_jis"):
            needle = text.encode(encoding, errors="ignore")
            assert needle not in raw, f"free text is readable on disk ({encoding})"
    # The scan does see plaintext where there is some: organisation names are not personal data.
    organisation = dumped["organisations"][0]
    assert organisation.encode("utf-8") in raw
