"""Background jobs of cases, run by ``arrimage worker``."""

from arrimage.cases import search_index
from arrimage.core.background import background_task


@background_task(max_attempts=3)
def case_search_index_rebuild(*, organisation_id: str = "") -> int:
    """Rebuild case search's blind index (of one organisation, or of all)."""
    return search_index.rebuild(organisation_id=organisation_id or None)
