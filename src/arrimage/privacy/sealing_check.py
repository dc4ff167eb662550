"""Open a sample of every sealed field: the check a restore runs to prove the keys it brought
back open the data it brought back. Counts only; no plaintext leaves this module."""

from dataclasses import dataclass

from arrimage.privacy.crypto import ENCRYPTED_FIELDS, DecryptionError, open_field


@dataclass(frozen=True)
class SealedFieldCheck:
    label: str  # "cases.Note.body_sealed"
    stored: int  # rows holding a sealed value
    opened: int
    failed: int


def sealed_fields_check(*, sample: int) -> list[SealedFieldCheck]:
    """For every registered encrypted field, open up to ``sample`` stored values."""
    results = []
    for spec in ENCRYPTED_FIELDS:
        rows = spec.model._default_manager.exclude(**{f"{spec.field}__isnull": True})
        opened = failed = 0
        for row in rows.order_by("pk")[:sample]:
            if not getattr(row, spec.field):
                continue
            try:
                open_field(row, spec.field)
            except (DecryptionError, UnicodeDecodeError):
                failed += 1
            else:
                opened += 1
        results.append(
            SealedFieldCheck(
                label=f"{spec.model._meta.label}.{spec.field}",
                stored=rows.count(),
                opened=opened,
                failed=failed,
            )
        )
    return results
