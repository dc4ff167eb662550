"""Finding a record as the policy sees it, by its kind and id, without knowing the app that
keeps it.

Apps on one layer import nothing from each other (``.importlinter``): screening may not import
cases. A screening is still attached to a case the actor may write, so the kernel keeps a
register of resolvers: each domain app declares, once, how a record of its kind becomes a
:class:`~arrimage.privacy.grants.Subject` (``cases`` declares ``"case"`` in its app config).
The kernel calls the resolver and decides with its own policy (:func:`grants_issue`): it still
knows nothing of cases.
"""

from collections.abc import Callable
from uuid import UUID

from arrimage.privacy.grants import Subject

SubjectResolver = Callable[[UUID], Subject | None]

_RESOLVERS: dict[str, SubjectResolver] = {}


def subject_resolver_register(kind: str, resolver: SubjectResolver) -> None:
    """Declare how a record of ``kind`` is found: ``resolver(id)`` gives its subject, or None
    when there is no such record."""
    _RESOLVERS[kind] = resolver


def subject_resolve(*, kind: str, id: UUID) -> Subject | None:
    """The subject of the record ``kind``/``id``, or None when it does not exist (or no app
    declared the kind). Finding a subject opens nothing: only a grant does."""
    resolver = _RESOLVERS.get(kind)
    if resolver is None:
        return None
    return resolver(id)
