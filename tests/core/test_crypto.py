"""Field encryption: round trips, binding to table/row/field/organisation, key rotation."""

import base64
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arrimage.core import crypto, keyfile
from arrimage.core.models import DataKey

pytestmark = pytest.mark.django_db

ORG_A = uuid.uuid4()
ORG_B = uuid.uuid4()


def seal(text: str, *, row=None, field="note", org=ORG_A, table="cases_note") -> bytes:
    return crypto.encrypt(text, table=table, row_id=row or ROW, field=field, organisation_id=org)


def unseal(blob: bytes, *, row=None, field="note", org=ORG_A, table="cases_note") -> str:
    return crypto.decrypt(blob, table=table, row_id=row or ROW, field=field, organisation_id=org)


ROW = uuid.uuid4()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=2000))
def test_round_trip(text):
    blob = seal(text)
    assert unseal(blob) == text
    if len(text.encode()) >= 8:  # shorter strings can occur in random bytes by chance
        assert text.encode() not in blob


def test_same_plaintext_gives_different_ciphertexts():
    assert seal("Immigration: sans statut") != seal("Immigration: sans statut")


@pytest.mark.parametrize(
    "where",
    [
        {"row": uuid.uuid4()},
        {"field": "other_field"},
        {"table": "cases_person"},
        {"org": ORG_B},
        {"org": None},
    ],
    ids=["other row", "other field", "other table", "other organisation", "instance key"],
)
def test_ciphertext_moved_elsewhere_does_not_open(where):
    crypto.data_key_create(scope=str(ORG_B))
    blob = seal("adresse du refuge")
    with pytest.raises(crypto.DecryptionError):
        unseal(blob, **where)


def test_tampered_ciphertext_does_not_open():
    blob = bytearray(seal("secret"))
    blob[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        unseal(bytes(blob))


def test_each_organisation_has_its_own_wrapped_key():
    seal("a", org=ORG_A)
    seal("b", org=ORG_B)
    keys = DataKey.objects.filter(scope__in=[str(ORG_A), str(ORG_B)])
    assert keys.count() == 2
    wrapped = [bytes(k.wrapped_key) for k in keys]
    assert wrapped[0] != wrapped[1]


def test_wrong_master_key_cannot_open(settings):
    blob = seal("secret")
    crypto.clear_key_cache()
    settings.ARRIMAGE_MASTER_KEY = keyfile.generate_master_key_text()
    with pytest.raises(crypto.DecryptionError):
        unseal(blob)


def test_master_key_from_a_key_file(settings, tmp_path):
    path = tmp_path / "master.key"
    keyfile.write_master_key_file(path)
    settings.ARRIMAGE_MASTER_KEY = ""
    settings.ARRIMAGE_MASTER_KEY_FILE = str(path)
    assert unseal(seal("from the file")) == "from the file"
    assert oct(path.stat().st_mode)[-3:] == "600"
    with pytest.raises(FileExistsError):
        keyfile.write_master_key_file(path)


def test_missing_or_malformed_master_key_is_refused(settings):
    settings.ARRIMAGE_MASTER_KEY = ""
    settings.ARRIMAGE_MASTER_KEY_FILE = ""
    with pytest.raises(crypto.MasterKeyMissing):
        seal("x")
    settings.ARRIMAGE_MASTER_KEY = base64.urlsafe_b64encode(b"short").decode()
    with pytest.raises(crypto.MasterKeyMissing):
        seal("x")


def test_master_key_rotation_rewraps_every_data_key(settings):
    blob = seal("still readable")
    new_text = keyfile.generate_master_key_text()
    assert crypto.rewrap_master_key(crypto.parse_master_key(new_text)) == 1
    settings.ARRIMAGE_MASTER_KEY = new_text
    crypto.clear_key_cache()
    assert unseal(blob) == "still readable"
    assert DataKey.objects.get().master_key_id == crypto.parse_master_key(new_text).id


def test_data_key_rotation_reencrypts_registered_fields(side_a):
    from arrimage.accounts.models import TOTPDevice
    from arrimage.accounts.services import totp_device_start

    device = totp_device_start(user=side_a.user("caseworker"))
    seed = device.seed()
    old_blob = bytes(device.key_ciphertext)
    assert crypto.key_version_of(old_blob) == 1
    assert crypto.rotate_data_keys() >= 1
    device = TOTPDevice.objects.get(pk=device.pk)
    assert crypto.key_version_of(bytes(device.key_ciphertext)) == 2
    assert device.seed() == seed
    assert DataKey.objects.get(scope="instance", is_active=True).version == 2


def test_rotate_keys_command(capsys, settings, tmp_path):
    from django.core.management import call_command

    seal("x")
    call_command("rotate_keys")
    assert "new data keys" in capsys.readouterr().out
    new_file = tmp_path / "new.key"
    call_command("rotate_keys", new_master_key_file=new_file, generate=True)
    assert "re-wrapped" in capsys.readouterr().out
    settings.ARRIMAGE_MASTER_KEY = new_file.read_text().strip()
    crypto.clear_key_cache()
    assert unseal(seal("after")) == "after"
