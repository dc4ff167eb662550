"""Persons, cases and everything recorded about them.

Every personal field belongs to exactly one data category (``FIELD_CATEGORIES`` on each model).
Free text and every field of a sensitive category are sealed with the lead organisation's data
key, one ciphertext column per category, bound to the row and the column, and declared to the
privacy kernel (:func:`arrimage.privacy.sealing.sealed_field_register`) with its category and
the case or person it belongs to: only a grant for that case opens it. Plain columns hold only
coordination data that the worklist sorts on (status, due dates, urgency) and the category tags
themselves.
"""

# Django finds an app's models in its ``models`` module: the package re-exports them.
from arrimage.cases.models.cases import CalendarFeed, Case, CaseAccess, CaseOwned
from arrimage.cases.models.persons import Person, PersonSearchToken
from arrimage.cases.models.plans import Document, Goal, Need, Note, Plan, Task
from arrimage.cases.models.tracks import Exploitation, HealthFollowUp, ImmigrationTrack

__all__ = [
    "CalendarFeed",
    "Case",
    "CaseAccess",
    "CaseOwned",
    "Document",
    "Exploitation",
    "Goal",
    "HealthFollowUp",
    "ImmigrationTrack",
    "Need",
    "Note",
    "Person",
    "PersonSearchToken",
    "Plan",
    "Task",
]
