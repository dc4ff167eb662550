"""Background jobs of the privacy core, run by ``arrimage worker``."""

from datetime import datetime, timedelta
from uuid import UUID

from arrimage.core.background import background_task, periodic
from arrimage.law25.retention import register_anonymiser, retention_run
from arrimage.law25.retention_cases import case_retention_anonymise, case_retention_count
from arrimage.screening.retention import screenings_unattached_due, screenings_unattached_purge

register_anonymiser(case_retention_anonymise, target_type="case", count=case_retention_count)


def screening_retention_purge(
    *, organisation_id: UUID, closed_before: datetime, limit: int
) -> list[UUID]:
    """Screenings never attached to a case, unchanged for the retention time: deleted."""
    return screenings_unattached_purge(
        organisation_id=organisation_id, changed_before=closed_before, limit=limit
    )


def screening_retention_count(*, organisation_id: UUID, closed_before: datetime) -> int:
    return screenings_unattached_due(organisation_id=organisation_id, changed_before=closed_before)


register_anonymiser(
    screening_retention_purge, target_type="screening", count=screening_retention_count
)


@background_task(max_attempts=3)
def retention_anonymise() -> None:
    retention_run()


# Daily at 07:00 UTC: 2 or 3 in the morning in Quebec, when nobody works on cases.
periodic(retention_anonymise, every=timedelta(days=1), offset=timedelta(hours=7))
