"""Bad HSDS files get a clear message naming the file, the line or JSON path and the field, on
the command line and on the web page, and write nothing (issue 14; issue 12, D3, D4, D5, D9).
Run on SQLite and PostgreSQL: a NUL character used to reach PostgreSQL as a DataError."""

import io
import json
import struct
import zipfile
import zlib
from functools import cache
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from arrimage.core.models import AuditEvent
from arrimage.directory import exchange_views
from arrimage.directory.exchange_guard import MEGABYTE
from arrimage.directory.exchange_kinds import MODELS
from arrimage.directory.exchange_read import read_upload
from arrimage.directory.models import Service
from tests.conftest import login

pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "hsds"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["arrimage_language"] = "en"
    with translation.override("en"):
        yield


def snapshot() -> dict[str, int]:
    return {kind: model.objects.count() for kind, model in MODELS.items()}  # type: ignore[attr-defined]


def refused(path: Path, *options: str, match: str = "nothing was imported") -> list[str]:
    """The problems the command prints; it must write nothing."""
    before = snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError, match=match):
        call_command(
            "import_hsds", str(path), "--no-progress", *options, stdout=io.StringIO(), stderr=err
        )
    assert snapshot() == before
    assert not AuditEvent.objects.filter(action="directory_imported").exists()
    return err.getvalue().strip().splitlines()


def web_refused(client, user, name: str, data: bytes) -> str:
    login(client, user)
    client.cookies["arrimage_language"] = "en"
    before = snapshot()
    response = client.post(
        "/repertoire/echange/", {"file": SimpleUploadedFile(name, data), "dry_run": "on"}
    )
    assert response.status_code == 200
    assert snapshot() == before
    html = response.content.decode()
    assert "Nothing was imported" in html
    return html


def service_full() -> dict:
    return json.loads((EXAMPLES / "service_full.json").read_text())


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# Malformed, truncated, of the wrong type -------------------------------------------------------


def test_a_truncated_file_names_its_line(tmp_path, client, side_a):
    text = (EXAMPLES / "service_full.json").read_text()
    cut = text[: len(text) // 2]
    line = cut.count("\n") + 1
    problems = refused(write(tmp_path, "service_full.json", cut))
    assert problems == [
        f"service_full.json, line {line}, -: the file ends too early: it is cut off or incomplete"
    ]
    html = web_refused(client, side_a.user("organisation_admin"), "cut.json", cut.encode())
    assert f"line {line}" in html and "cut off or incomplete" in html


def test_malformed_json_names_its_line_and_column(tmp_path):
    problems = refused(write(tmp_path, "bad.json", '{\n  "id": "x",\n  "name": oops\n}'))
    assert problems == ["bad.json, line 3, -: not valid JSON (column 11: Expecting value)"]


def test_a_wrong_type_names_the_json_path_and_the_field(tmp_path):
    document = service_full()
    document["minimum_age"] = "twelve"
    document["phones"] = "555-0100"
    document["service_at_locations"][0]["location"]["latitude"] = "north"
    problems = refused(write(tmp_path, "service.json", json.dumps(document)))
    assert "service.json, minimum_age: expected number" in problems
    assert "service.json, phones: expected a list" in problems
    assert "service.json, service_at_locations[0].location.latitude: expected number" in problems


def test_a_file_that_is_not_hsds_is_named(tmp_path, client, side_a):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
    assert refused(write(tmp_path, "photo.json", png)) == [
        "photo.json, -: not an HSDS file: give HSDS JSON, or a zip of a CSV data package"
    ]
    assert refused(write(tmp_path, "thing.json", '{"colour": "blue"}')) == [
        "thing.json, -: not an HSDS object: its properties fit no HSDS 3.0 object (a required "
        "property is missing or a property is unknown)"
    ]
    html = web_refused(client, side_a.user("organisation_admin"), "photo.png", png)
    assert "photo.png" in html and "not an HSDS file" in html


def test_a_csv_package_names_the_file_line_and_column(tmp_path):
    folder = tmp_path / "package"
    folder.mkdir()
    for path in (EXAMPLES / "csv").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    phones = (folder / "phones.csv").read_text().replace(",100,", ",cent,")
    (folder / "phones.csv").write_text(phones)
    assert "phones.csv, row 2, extension: not a number: cent" in refused(folder)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path, client, side_a, monkeypatch):
    document = service_full()
    document["description"] = "x" * (2 * MEGABYTE)
    path = write(tmp_path, "huge.json", json.dumps(document))
    assert refused(path, "--max-size", "1") == [
        "huge.json, -: the file is too large: 2 MB, at most 1 MB"
    ]
    monkeypatch.setattr(exchange_views, "MAX_UPLOAD", MEGABYTE)
    html = web_refused(client, side_a.user("organisation_admin"), "huge.json", path.read_bytes())
    assert "huge.json" in html and "the file is larger than 1 MB" in html


def test_messages_are_translated(tmp_path):
    with translation.override("fr"):
        problems = refused(
            write(tmp_path, "coupé.json", '{"id": "x", "name": '), match="rien n'a été importé"
        )
    assert problems == [
        "coupé.json, ligne 1, -\u00a0: le fichier finit trop tôt\u00a0: il est tronqué ou incomplet"
    ]


# D3: deep nesting --------------------------------------------------------------------------------


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_deeply_nested_json_is_refused_not_a_crash(tmp_path, client, side_a, opening):
    closing = "]" if opening == "[" else "}"
    text = "{\n" + '"services": ' + opening * 100_000 + "1" + closing * 100_000 + "\n}"
    problems = refused(write(tmp_path, "deep.json", text))
    assert problems == ["deep.json, line 2, -: nested more than 40 levels deep"]
    html = web_refused(client, side_a.user("organisation_admin"), "deep.json", text.encode())
    assert "nested more than 40 levels deep" in html


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path):
    document = service_full()
    document["description"] = "[[[[" * 100 + "{{{{" * 100
    path = write(tmp_path, "service.json", json.dumps(document))
    call_command("import_hsds", str(path), "--no-progress", stdout=io.StringIO())
    assert Service.objects.get().description_fr.startswith("[[[[")


# D4: archives ------------------------------------------------------------------------------------


@cache
def zip_bomb(members: int = 12, size: int = 190 * MEGABYTE) -> bytes:
    """The probe's archive: 12 members of 190 MB of zeros, 2.3 MB in all. Built by hand, one
    compressed stream written under each member's header, so nothing is inflated here."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(MEGABYTE)
    data = b"".join(compressor.compress(chunk) for _ in range(size // MEGABYTE))
    data += compressor.flush()
    crc = 0
    for _ in range(size // MEGABYTE):
        crc = zlib.crc32(chunk, crc)
    out = io.BytesIO()
    central = []
    for index in range(members):
        name = f"member{index}.csv".encode()
        offset = out.tell()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(name), 0
            )
            + name
            + data
        )
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(data),
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    out.write(b"".join(central))
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, members, members, out.tell() - start, start, 0)
    )
    return out.getvalue()


def never_inflate(monkeypatch) -> None:
    """From now on, fail the test if any member of a zip is opened."""

    def refuse_to_open(*args, **kwargs):
        raise AssertionError("a member of the zip was inflated")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse_to_open)


def test_a_zip_bomb_is_refused_without_inflating_it(tmp_path, client, side_a, monkeypatch):
    bomb = zip_bomb()
    never_inflate(monkeypatch)
    assert len(bomb) < 2.5 * MEGABYTE
    expected = "bomb.zip, -: uncompressed, the zip holds 2280 MB, at most 50 MB"
    assert refused(write(tmp_path, "bomb.zip", bomb)) == [expected]
    html = web_refused(client, side_a.user("organisation_admin"), "bomb.zip", bomb)
    assert "uncompressed, the zip holds 2280 MB, at most 50 MB" in html


def test_a_member_compressed_beyond_reason_is_refused_without_inflating_it(tmp_path, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", "{}")
        archive.writestr("services.csv", bytes(5 * MEGABYTE))
    never_inflate(monkeypatch)
    problems = refused(write(tmp_path, "dense.zip", buffer.getvalue()))
    assert len(problems) == 1
    assert problems[0].startswith("dense.zip, services.csv: compressed ")
    assert problems[0].endswith("times, at most 100: this is not an HSDS data package")


def test_a_member_larger_than_it_declares_is_refused(tmp_path):
    bomb = bytearray(zip_bomb(members=1, size=2 * MEGABYTE))
    # Declare 1 000 bytes in both headers: the member inflates further than it says.
    local_size, central_size = 22, bomb.index(b"PK\x01\x02") + 24
    bomb[local_size : local_size + 4] = struct.pack("<I", 1000)
    bomb[central_size : central_size + 4] = struct.pack("<I", 1000)
    assert read_upload("liar.zip", bytes(bomb)).errors[0].reason == (
        "this file of the zip cannot be read"
    )


def test_a_truncated_zip_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in (EXAMPLES / "csv").iterdir():
            archive.write(path, path.name)
    cut = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    assert refused(write(tmp_path, "cut.zip", cut)) == ["cut.zip, -: not a valid zip file"]


# D5: control characters and lone surrogates ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Refuge\u0000", "holds a control character (U+0000)"),
        ("Refuge\u001b[31m", "holds a control character (U+001B)"),
        ("Refuge\ud800", "not valid Unicode (a lone surrogate)"),
    ],
)
def test_control_characters_and_lone_surrogates_are_refused_even_in_a_dry_run(
    tmp_path, client, side_a, text, reason
):
    document = service_full()
    document["service_at_locations"][0]["location"]["name"] = text
    data = json.dumps(document).encode()  # escaped: \u0000, \ud800
    problems = refused(write(tmp_path, "service.json", data), "--dry-run")
    assert problems == [f"service.json, service_at_locations[0].location.name: {reason}"]
    html = web_refused(client, side_a.user("organisation_admin"), "service.json", data)
    assert "service_at_locations[0].location.name" in html and reason in html


def test_a_nul_in_a_csv_cell_is_refused(tmp_path):
    folder = tmp_path / "package"
    folder.mkdir()
    for path in (EXAMPLES / "csv").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    text = (folder / "services.csv").read_text().replace("Community Counselling", "Comm\x00unity")
    (folder / "services.csv").write_text(text)
    assert "services.csv, row 2, name: holds a control character (U+0000)" in refused(folder)


def test_newlines_and_tabs_are_kept(tmp_path):
    document = service_full()
    document["description"] = "Line one\nLine two\r\n\tindented"
    call_command(
        "import_hsds",
        str(write(tmp_path, "service.json", json.dumps(document))),
        "--no-progress",
        stdout=io.StringIO(),
    )
    assert Service.objects.get().description_fr == "Line one\nLine two\r\n\tindented"


# D9: length limits -------------------------------------------------------------------------------


def test_a_description_longer_than_the_limit_is_refused(tmp_path):
    document = service_full()
    document["description"] = "d" * 8001
    document["wait_time"] = "w" * 201
    problems = refused(write(tmp_path, "service.json", json.dumps(document)))
    assert "service.json, description: longer than 8000 characters (8001)" in problems
    assert "service.json, wait_time: longer than 200 characters (201)" in problems


def test_the_service_form_limits_descriptions(client, side_a, two_shelters):
    service = two_shelters["a"]
    login(client, side_a.user("service_staff"))
    form = {
        "name_fr": "Refuge",
        "description_fr": "d" * 8001,
        "description_en": "",
        "status": "active",
    }
    response = client.post(f"/repertoire/services/{service.pk}/modifier/", form)
    assert response.status_code == 200
    service.refresh_from_db()
    assert len(service.description_fr) <= 8000
    form["description_fr"] = "d" * 8000
    assert client.post(f"/repertoire/services/{service.pk}/modifier/", form).status_code == 302
    service.refresh_from_db()
    assert len(service.description_fr) == 8000
