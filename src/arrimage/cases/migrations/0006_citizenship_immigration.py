"""Citizenship moves from the identity category to immigration (docs/policy.md).

A foreign citizenship on a trafficking case is a direct proxy of immigration status, and the
firewall keeps immigration from police, border enforcement and prosecution whatever the
consent. Every person's sealed identity is opened, the citizenship taken out of it and sealed
again in the immigration track of each of the person's cases (a track is created where a case
had none); the identity is sealed again without it. Backwards, the citizenship returns to the
identity and a track that held nothing else is removed.

Sealed columns open only through the privacy kernel, with the application's own models
(historical models are not registered as sealed fields) and a grant the kernel issues for
migrations (``privacy.grants.category_move_grant``). The rows are written through the
historical models, so the migration stays valid when the models gain columns later. One audit
event per organisation, with counts only.
"""

import uuid
from collections import defaultdict

from django.db import migrations
from django.utils import timezone

BATCH = 500


def _grant(case, person, organisation_type):
    from arrimage.privacy.categories import Category
    from arrimage.privacy.grants import Subject, category_move_grant

    subject = Subject(
        kind="case",
        id=case.pk,
        person_id=person.pk,
        owner_organisation_id=case.lead_organisation_id,
        owner_organisation_type=organisation_type,
    )
    return category_move_grant(
        subject=subject, categories=(Category.IDENTITY, Category.IMMIGRATION)
    )


def _sealed(value):
    return bytes(value) if value is not None else None


def _batches(queryset):
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        chunk = list(page[:BATCH])
        if not chunk:
            return
        last = chunk[-1].pk
        yield chunk


def _audit(action, counts):
    from arrimage.core.audit import audit_record

    for organisation_id, (persons, cases) in sorted(counts.items(), key=lambda i: str(i[0])):
        audit_record(
            action=action,
            organisation_id=organisation_id,
            target_type="organisation",
            target_id=str(organisation_id),
            details={"persons": persons, "cases": cases},
        )


def citizenship_to_immigration(apps, schema_editor):
    from arrimage.cases.models import ImmigrationTrack, Person
    from arrimage.cases.sealing import open_json, seal_json

    db = schema_editor.connection.alias
    person_rows = apps.get_model("cases", "Person")
    case_rows = apps.get_model("cases", "Case")
    track_rows = apps.get_model("cases", "ImmigrationTrack")
    counts = defaultdict(lambda: [0, 0])
    persons = person_rows.objects.using(db).filter(identity_sealed__isnull=False)
    for chunk in _batches(persons):
        cases = defaultdict(list)
        for case in (
            case_rows.objects.using(db)
            .filter(person_id__in=[p.pk for p in chunk])
            .select_related("lead_organisation")
            .order_by("opened_at", "pk")
        ):
            cases[case.person_id].append(case)
        tracks = {
            t.case_id: t
            for t in track_rows.objects.using(db).filter(
                case_id__in=[c.pk for found in cases.values() for c in found]
            )
        }
        for row in chunk:
            if not row.identity_sealed or not cases[row.pk]:
                continue
            first = cases[row.pk][0]
            person = Person(
                pk=row.pk,
                organisation_id=row.organisation_id,
                identity_sealed=_sealed(row.identity_sealed),
            )
            grant = _grant(first, person, first.lead_organisation.type)
            identity = open_json(grant, person, "identity_sealed")
            if "citizenship" not in identity:
                continue
            citizenship = identity.pop("citizenship") or []
            seal_json(person, "identity_sealed", identity)
            person_rows.objects.using(db).filter(pk=row.pk).update(
                identity_sealed=person.identity_sealed
            )
            counts[row.organisation_id][0] += 1
            if not citizenship:
                continue
            for case in cases[row.pk]:
                stored = tracks.get(case.pk)
                track = ImmigrationTrack(
                    pk=stored.pk if stored else uuid.uuid4(),
                    case_id=case.pk,
                    owner_organisation_id=(
                        stored.owner_organisation_id if stored else case.lead_organisation_id
                    ),
                    immigration_sealed=_sealed(stored.immigration_sealed) if stored else None,
                )
                grant = _grant(case, person, case.lead_organisation.type)
                data = open_json(grant, track, "immigration_sealed")
                data["citizenship"] = sorted(set(data.get("citizenship") or []) | set(citizenship))
                seal_json(track, "immigration_sealed", data)
                if stored:
                    track_rows.objects.using(db).filter(pk=stored.pk).update(
                        immigration_sealed=track.immigration_sealed
                    )
                else:
                    track_rows.objects.using(db).create(
                        id=track.pk,
                        case_id=case.pk,
                        owner_organisation_id=track.owner_organisation_id,
                        immigration_sealed=track.immigration_sealed,
                        created_at=timezone.now(),
                    )
                counts[case.lead_organisation_id][1] += 1
    _audit("citizenship_moved_to_immigration", counts)


def citizenship_to_identity(apps, schema_editor):
    from arrimage.cases.models import ImmigrationTrack, Person
    from arrimage.cases.sealing import open_json, seal_json

    db = schema_editor.connection.alias
    person_rows = apps.get_model("cases", "Person")
    track_rows = apps.get_model("cases", "ImmigrationTrack")
    counts = defaultdict(lambda: [0, 0])
    citizenships = defaultdict(set)
    tracks = track_rows.objects.using(db).filter(immigration_sealed__isnull=False)
    for chunk in _batches(tracks.select_related("case__lead_organisation", "case__person")):
        for row in chunk:
            case = row.case
            track = ImmigrationTrack(
                pk=row.pk,
                case_id=case.pk,
                owner_organisation_id=row.owner_organisation_id,
                immigration_sealed=_sealed(row.immigration_sealed),
            )
            grant = _grant(case, case.person, case.lead_organisation.type)
            data = open_json(grant, track, "immigration_sealed")
            if "citizenship" not in data:
                continue
            citizenships[case.person_id].update(data.pop("citizenship") or [])
            counts[case.lead_organisation_id][1] += 1
            if not data:
                # The track held the citizenship only: it was made for it.
                track_rows.objects.using(db).filter(pk=row.pk).delete()
                continue
            seal_json(track, "immigration_sealed", data)
            track_rows.objects.using(db).filter(pk=row.pk).update(
                immigration_sealed=track.immigration_sealed
            )
    case_rows = apps.get_model("cases", "Case")
    for person_id, codes in citizenships.items():
        row = person_rows.objects.using(db).get(pk=person_id)
        case = (
            case_rows.objects.using(db)
            .select_related("lead_organisation")
            .filter(person_id=person_id)
            .order_by("opened_at", "pk")
            .first()
        )
        person = Person(
            pk=row.pk,
            organisation_id=row.organisation_id,
            identity_sealed=_sealed(row.identity_sealed),
        )
        grant = _grant(case, person, case.lead_organisation.type)
        identity = open_json(grant, person, "identity_sealed")
        identity["citizenship"] = sorted(codes)
        seal_json(person, "identity_sealed", identity)
        person_rows.objects.using(db).filter(pk=row.pk).update(
            identity_sealed=person.identity_sealed
        )
        counts[row.organisation_id][0] += 1
    _audit("citizenship_moved_to_identity", counts)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_case_access_path"),
        ("core", "0005_audit_chains"),
    ]

    operations = [
        migrations.RunPython(citizenship_to_immigration, citizenship_to_identity),
    ]
