"""Encrypted fields: round trips, tamper and move detection, and no way around them."""

import datetime
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.models import Person
from privacy import crypto
from privacy.exceptions import DecryptionError, EncryptedWriteError, KeyringError
from privacy.fields import Ciphertext
from privacy.keyring import Keyring, get_keyring, reload_keyring
from privacy.models import DataKey

NAME = Person._meta.get_field("name")
NOTES = Person._meta.get_field("notes")
BIRTH = Person._meta.get_field("birth_date")


def unsaved_person() -> Person:
    (key,) = DataKey.objects.build(1)
    return Person(data_key=key)


def stored(person: Person, field) -> bytes:
    return person._meta.model.objects.filter(pk=person.pk).values_list(field.attname, flat=True).get()


@given(text=st.text(max_size=500))
@settings(max_examples=300)
def test_any_unicode_text_round_trips(text):
    person = unsaved_person()
    sealed = NOTES.encrypt(person, text)
    assert len(text.encode()) < 8 or text.encode() not in sealed
    assert NOTES.decrypt(person, Ciphertext(sealed)) == text


@given(day=st.dates())
def test_any_date_round_trips(day):
    person = unsaved_person()
    assert BIRTH.decrypt(person, Ciphertext(BIRTH.encrypt(person, day))) == day


@given(data=st.data())
@settings(max_examples=300)
def test_flipping_any_bit_of_a_ciphertext_is_detected(data):
    person = unsaved_person()
    sealed = bytearray(NAME.encrypt(person, data.draw(st.text(min_size=0, max_size=40))))
    position = data.draw(st.integers(0, len(sealed) - 1))
    sealed[position] ^= data.draw(st.sampled_from([1, 2, 4, 8, 16, 32, 64, 128]))
    with pytest.raises(DecryptionError) as exc:
        NAME.decrypt(person, Ciphertext(bytes(sealed)))
    assert "cases.Person.name" in str(exc.value)


@given(cut=st.integers(1, 60))
def test_a_truncated_ciphertext_is_detected(cut):
    person = unsaved_person()
    sealed = NAME.encrypt(person, "山田 花子")
    with pytest.raises(DecryptionError, match=r"truncated|authentication"):
        NAME.decrypt(person, Ciphertext(sealed[: max(len(sealed) - cut, 0)]))


PEOPLE = ["髙橋 﨑子", "𠮷野 太郎", "齋藤 👨‍👩‍👧 ﾃｽﾄ", "渡邊　花子", "ｶﾀｶﾅ ハンカク", "𩸽 ホッケ"]


@pytest.mark.parametrize("name", PEOPLE)
def test_old_forms_and_emoji_survive_the_database(make_person, name):
    person = make_person(name=name, notes=name * 3, birth_date=datetime.date(1931, 2, 28))
    again = Person.objects.get(pk=person.pk)
    assert (again.name, again.notes, again.birth_date) == (name, name * 3, datetime.date(1931, 2, 28))
    raw = stored(person, NAME)
    assert name.encode() not in raw
    assert raw[0] == crypto.VERSION_1
    assert raw[1:17] == person.data_key_id.bytes


def test_a_ciphertext_moved_to_another_row_does_not_decrypt(make_person):
    hanako, taro = make_person(name="山田 花子"), make_person(name="鈴木 太郎")
    Person.objects.filter(pk=taro.pk).update(name=Ciphertext(stored(hanako, NAME)))
    with pytest.raises(DecryptionError, match="another person's data key") as exc:
        Person.objects.get(pk=taro.pk).name  # noqa: B018
    assert str(taro.pk) in str(exc.value)
    assert "山田" not in str(exc.value) and "鈴木" not in str(exc.value)


def test_a_ciphertext_moved_to_another_field_or_row_of_the_same_person_does_not_decrypt(make_person):
    person = make_person(name="山田 花子", kana="やまだ はなこ")
    Person.objects.filter(pk=person.pk).update(kana=Ciphertext(stored(person, NAME)))
    with pytest.raises(DecryptionError, match="authentication"):
        Person.objects.get(pk=person.pk).kana  # noqa: B018
    # Same key, same field, other row: rebuilt row with the same data key but another primary key.
    other = Person(id=uuid.uuid4(), data_key=person.data_key)
    with pytest.raises(DecryptionError, match="authentication"):
        NAME.decrypt(other, Ciphertext(stored(person, NAME)))


def test_an_unknown_format_version_is_reported(make_person):
    person = make_person()
    raw = bytearray(stored(person, NAME))
    raw[0] = 7
    with pytest.raises(DecryptionError, match="unknown format version 7"):
        NAME.decrypt(person, Ciphertext(bytes(raw)))


def test_decryption_is_lazy_and_unchanged_values_are_not_re_encrypted(make_person):
    person = make_person(name="山田 花子", notes="見守りが必要")
    before = stored(person, NOTES)
    loaded = Person.objects.get(pk=person.pk)
    assert isinstance(loaded.__dict__["notes"], Ciphertext)
    loaded.phone = "045-000-0000"
    loaded.save()
    assert stored(person, NOTES) == before  # never decrypted, written back as it was
    assert Person.objects.get(pk=person.pk).phone == "045-000-0000"


def test_raw_writes_and_value_queries_are_refused(make_person):
    make_person()
    with pytest.raises(EncryptedWriteError):
        Person.objects.update(name="平文")
    with pytest.raises(EncryptedWriteError):
        list(Person.objects.filter(name="山田 花子"))


def test_encrypted_fields_are_never_serialised(make_person):
    from django.core import serializers

    person = make_person()
    with pytest.raises(EncryptedWriteError):
        serializers.serialize("json", [person])


def test_string_form_never_shows_the_name(make_person):
    person = make_person(name="山田 花子")
    assert "山田" not in str(person) and "山田" not in repr(person)


def test_length_limits_apply_to_the_plaintext(make_person):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        make_person(name="長" * 101)
    assert "name" in exc.value.message_dict
    assert not Person.objects.exists()


def test_a_keyring_with_a_different_key_under_the_same_id_is_a_clear_error(make_person, settings):
    person = make_person()
    keyring = get_keyring()
    wrong = Keyring(
        current_kek_id=keyring.current_kek_id,
        keks={keyring.current_kek_id: crypto.new_key()},
        blind_index_key=keyring.blind_index_key,
        audit_signing_key=keyring.audit_signing_key,
        source="test",
    )
    settings.TSUNAGU_KEYRING_JSON = wrong.to_json()
    reload_keyring()
    try:
        with pytest.raises(KeyringError, match="cannot be unwrapped"):
            Person.objects.get(pk=person.pk).name  # noqa: B018
    finally:
        settings.TSUNAGU_KEYRING_JSON = keyring.to_json()
        reload_keyring()


def test_a_keyring_without_the_needed_key_is_a_clear_error(make_person, settings):
    person = make_person()
    keyring = get_keyring()
    other_id = "kek-other"
    settings.TSUNAGU_KEYRING_JSON = Keyring(
        current_kek_id=other_id,
        keks={other_id: crypto.new_key()},
        blind_index_key=keyring.blind_index_key,
        audit_signing_key=keyring.audit_signing_key,
        source="test",
    ).to_json()
    reload_keyring()
    try:
        with pytest.raises(KeyringError, match=f"{keyring.current_kek_id}.*not in the keyring"):
            Person.objects.get(pk=person.pk).name  # noqa: B018
    finally:
        settings.TSUNAGU_KEYRING_JSON = keyring.to_json()
        reload_keyring()


def test_refresh_and_deferred_loading_decrypt_on_read(make_person):
    person = make_person(name="山田 花子", notes="初回")
    loaded = Person.objects.get(pk=person.pk)
    loaded.notes = "更新"
    loaded.save()
    person.refresh_from_db()
    assert isinstance(person.__dict__["notes"], Ciphertext)
    assert person.notes == "更新"
    deferred = Person.objects.only("id", "data_key").get(pk=person.pk)
    assert deferred.name == "山田 花子"
