"""The copies of one HSDS object merged into one record. The same object may appear several
times in a bundle (nested in each service that uses it): its copies must agree."""

from django.utils.translation import gettext as _

from arrimage.directory.exchange_guard import RowError
from arrimage.directory.exchange_shape import Record


def records_merge(
    records: list[Record], errors: list[RowError], warnings: list[RowError]
) -> dict[str, Record]:
    """One record per id. The same object may appear several times (nested in each service
    that uses it): its copies must agree on what they give. A link filled from the nesting
    may differ (a phone nested in two services): the first is kept, with a warning."""
    merged: dict[str, Record] = {}
    for record in records:
        key = str(record.values.get("id", ""))
        if key not in merged:
            merged[key] = Record(
                record.entity,
                dict(record.values),
                record.file,
                record.row,
                record.path,
                set(record.inferred),
                given=set(record.given),
            )
            continue
        kept = merged[key]
        kept.given |= record.given
        for name, value in record.values.items():
            if name not in kept.values:
                kept.values[name] = value
                if name in record.inferred:
                    kept.inferred.add(name)
                continue
            if kept.values[name] == value:
                if name not in record.inferred:
                    kept.inferred.discard(name)
                continue
            where = f"{record.path}.{name}" if record.path else name
            if name in record.inferred or name in kept.inferred:
                if name in kept.inferred and name not in record.inferred:
                    kept.values[name] = value  # what a copy gives beats what nesting implies
                    kept.inferred.discard(name)
                warnings.append(
                    RowError(
                        record.file,
                        record.row,
                        where,
                        _("this %(entity)s is nested in two places; it is linked to %(id)s")
                        % {"entity": record.entity, "id": kept.values[name]},
                    )
                )
                continue
            errors.append(
                RowError(
                    record.file,
                    record.row,
                    where,
                    _("differs from another copy of the same %(entity)s (%(file)s, row %(row)s)")
                    % {"entity": record.entity, "file": kept.file, "row": kept.row},
                )
            )
    return merged
