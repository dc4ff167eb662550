"""Materials of two coalitions with identical data: Montréal (side A) and Estrie (side B)."""

import pytest

from arrimage.accounts.models import Membership, Role
from arrimage.awareness import services
from arrimage.awareness.models import Material
from tests.conftest import Side

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def coordinator(side: Side) -> Membership:
    return Membership.objects.get(organisation=side.organisation, role=Role.COORDINATOR)


def material_make(side: Side, *, audience: str, label: str) -> Material:
    coalition = side.organisation.coalitions.get()
    material = services.material_create(
        actor=coordinator(side),
        coalition_id=coalition.pk,
        data={
            "title": f"Repérer les indicateurs {label} ({audience})",
            "audience": audience,
            "kind": "training",
            "language": "fr",
            "published_on": "2026-10-01",
        },
        filename="guide.pdf",
        content=PDF,
    )
    services.material_version_add(
        actor=coordinator(side),
        material_id=material.pk,
        data={"language": "en", "published_on": "2026-10-02"},
        filename="guide-en.md",
        content=f"# Spotting the indicators {label}\n\nSee the trainer's notes.\n".encode(),
    )
    return material


@pytest.fixture
def materials(side_a, side_b) -> dict[str, Material]:
    return {
        f"{audience}-{label}": material_make(side, audience=audience, label=label)
        for label, side in (("a", side_a), ("b", side_b))
        for audience in ("workers", "public")
    }
