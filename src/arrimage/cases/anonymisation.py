"""Anonymisation of a closed case for the Law 25 retention schedule.

Interface used by other parts of Arrimage (Law 25 retention):

- :func:`case_anonymise` — strips every identifying field of a closed case and keeps what the
  statistics count (status, dates, gender, age band, exploitation picklists).
"""

from django.db import transaction
from django.utils import timezone

from arrimage.cases import search_index
from arrimage.cases.access import case_subject
from arrimage.cases.models import (
    Case,
    Document,
    Exploitation,
    Goal,
    HealthFollowUp,
    ImmigrationTrack,
    Note,
    Task,
)
from arrimage.cases.sealing import category_data, category_write
from arrimage.core.audit import audit_record
from arrimage.privacy.categories import Category
from arrimage.privacy.grants import anonymisation_grant

STATISTICS_IDENTITY_FIELDS = ("gender", "age_band")


STATISTICS_EXPLOITATION_FIELDS = (
    "sex_exploitation_types",
    "labour_exploitation_types",
    "methods_of_control",
    "methods_of_recruitment",
    "trafficking_status",
)


def case_anonymise(*, case: Case) -> None:
    """Irreversibly anonymise a case for the retention schedule (no actor: the background job).

    Keeps what statistics count: the case row (status, dates, lead organisation), the person's
    gender and age band, the exploitation picklists, the immigration status code and the
    citizenship (immigration), the needs. Removes everything else: names, alias, year of
    birth, languages, contact, location, legal, free text, notes, documents, goals, tasks,
    health follow-ups. Consent records stay as evidence (they hold no personal field).
    Audited as ``case_anonymised``.
    """
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("person", "lead_organisation")
            .get(pk=case.pk)
        )
        grant = anonymisation_grant(subject=case_subject(case))
        person = case.person
        identity = category_data(grant, person, Category.IDENTITY)
        kept = {k: identity[k] for k in STATISTICS_IDENTITY_FIELDS if k in identity}
        kept["alias"] = ""
        category_write(person, Category.IDENTITY, kept)
        person.contact_sealed = None
        person.location_sealed = None
        person.is_anonymised = True
        person.save(
            update_fields=["identity_sealed", "contact_sealed", "location_sealed", "is_anonymised"]
        )
        search_index.person_erase(person.pk)
        # A write like any other: the statistics worker reads the case again (its health
        # coverage and permit dates are gone).
        Case.objects.filter(pk=case.pk).update(
            legal_sealed=None, assigned_worker=None, is_urgent=False, updated_at=timezone.now()
        )
        for record in Exploitation.objects.filter(case=case):
            data = category_data(grant, record, Category.EXPLOITATION)
            category_write(
                record,
                Category.EXPLOITATION,
                {k: data[k] for k in STATISTICS_EXPLOITATION_FIELDS if k in data},
            )
            record.save(update_fields=["exploitation_sealed"])
        for track in ImmigrationTrack.objects.filter(case=case):
            data = category_data(grant, track, Category.IMMIGRATION)
            kept = {"status": data.get("status", "")}
            if data.get("citizenship"):
                kept["citizenship"] = data["citizenship"]
            category_write(track, Category.IMMIGRATION, kept)
            track.save(update_fields=["immigration_sealed"])
        Note.objects.filter(case=case).delete()
        Document.objects.filter(case=case).delete()
        Task.objects.filter(case=case).delete()
        HealthFollowUp.objects.filter(case=case).delete()
        Goal.objects.filter(plan__case=case).delete()
        audit_record(
            action="case_anonymised",
            organisation_id=case.lead_organisation_id,
            target_type="case",
            target_id=case.pk,
        )
