"""The demonstration directory: about 150 bilingual services with realistic eligibility,
some confidential locations, some stale availability, owned by organisations of matching type,
and the same every time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from arrimage.accounts.demo import demo_coalition_build
from arrimage.directory.demo import demo_directory_build
from arrimage.directory.models import (
    Address,
    Attribute,
    DirectoryOrganization,
    Location,
    SearchEntry,
    Service,
    ServiceCapacity,
)
from arrimage.directory.search import directory_search
from arrimage.directory.search_types import SearchParams

pytestmark = pytest.mark.django_db


def codes_of(service: Service) -> set[str]:
    return set(
        Attribute.objects.filter(link_id=service.pk).values_list("taxonomy_term__code", flat=True)
    )


def test_demo_directory(db):
    demo_coalition_build()
    count = demo_directory_build()
    assert 140 <= count <= 170
    assert Service.objects.count() == count == SearchEntry.objects.count()
    services = list(Service.objects.select_related("organization__owner"))
    # Bilingual, with a few French-only services.
    english = [s for s in services if s.name_en]
    assert len(english) >= 0.8 * count and len(english) < count
    # Owned by organisations of matching type.
    for service in services:
        codes = codes_of(service)
        owner_type = service.organization.owner.type
        if codes & {"housing_emergency", "housing_transitional"}:
            assert owner_type == "shelter"
        if "legal_immigration" in codes:
            assert owner_type == "immigration_legal"
    by_codes = [codes_of(s) for s in services]
    assert sum({"housing_emergency", "gender_women"} <= c for c in by_codes) >= 10
    assert 2 <= sum({"housing_emergency", "gender_men"} <= c for c in by_codes) <= 12
    assert any({"legal_immigration", "status_trp", "status_none"} <= c for c in by_codes)
    assert any({"mental_health", "coverage_ifhp"} <= c for c in by_codes)
    assert any("language_interpretation" in c for c in by_codes)
    assert any(s.maximum_age == 17 for s in services)  # youth
    assert any("housing_transitional" in c for c in by_codes)
    # Spread over the demonstration regions.
    regions = set(Location.objects.values_list("region__code", flat=True))
    assert {"QC-06", "QC-03", "QC-07", "QC-05", "QC-15", "QC-13"} <= regions
    # Some confidential locations, some stale availability, some fresh.
    assert 5 <= Location.objects.filter(is_confidential=True).count() < count
    stale = ServiceCapacity.objects.filter(updated__lt=timezone.now() - timedelta(hours=24))
    assert 3 <= stale.count() < ServiceCapacity.objects.count()
    # Searchable at once.
    assert (
        directory_search(actor=None, params=SearchParams(q="shelter", gender="gender_men")).total
        >= 2
    )
    # Deterministic: built again, the same services at the same addresses.
    first = sorted(Service.objects.values_list("name_fr", "minimum_age"))
    streets = sorted(Address.objects.values_list("address_1", flat=True))
    DirectoryOrganization.objects.all().delete()
    Location.objects.all().delete()
    Attribute.objects.all().delete()
    demo_directory_build()
    assert sorted(Service.objects.values_list("name_fr", "minimum_age")) == first
    assert sorted(Address.objects.values_list("address_1", flat=True)) == streets
