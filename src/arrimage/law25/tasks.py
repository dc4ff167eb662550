"""Background jobs of the privacy core, run by ``arrimage worker``."""

from datetime import timedelta

from arrimage.core.queue import periodic, task
from arrimage.law25.retention import register_anonymiser, retention_run
from arrimage.law25.retention_cases import case_retention_anonymise, case_retention_count

register_anonymiser(case_retention_anonymise, target_type="case", count=case_retention_count)


@task("retention_anonymise", max_attempts=3, lease=timedelta(hours=2))
def retention_anonymise() -> None:
    retention_run()


# Daily at 07:00 UTC: 2 or 3 in the morning in Quebec, when nobody works on cases.
periodic("retention_anonymise", every=timedelta(days=1), offset=timedelta(hours=7))
