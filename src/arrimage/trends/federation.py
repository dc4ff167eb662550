"""Releases between levels and instances: rollups of what a coalition received to the level
above, the other Arrimage instances a coalition trusts, and imports of their signed bundles.

Each release is recorded once, signed, never changed, and audited with ids only.
"""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from arrimage.accounts.models import Membership
from arrimage.coalition.models import Coalition
from arrimage.core.audit import audit_record
from arrimage.core.text import text_check
from arrimage.trends import selectors, signing
from arrimage.trends.models import Release, ReleaseMethod, ReleaseOrigin, TrustedInstance
from arrimage.trends.protection import rollup
from arrimage.trends.services import release_id_new, release_payload, release_store, year_check
from arrimage.trends.tables import Axis


def tables_received_latest(
    *, coalition: Coalition, year: int
) -> tuple[list[Release], list[list[dict[str, Any]]]]:
    """For each coalition below, the latest release of each table for the year (a coalition
    may release its sections separately), and the releases those tables come from."""
    latest: dict[str, dict[str, tuple[Release, dict[str, Any]]]] = {}
    for release in Release.objects.filter(recipient=coalition, year=year).order_by("created_at"):
        source = str(release.coalition_id or release.content["coalition"]["id"])
        for table in release.content["tables"]:
            latest.setdefault(source, {})[table["key"]] = (release, table)
    used: dict[UUID, Release] = {}
    for by_key in latest.values():
        for release, _table in by_key.values():
            used[release.pk] = release
    tables = [[table for _release, table in by_key.values()] for by_key in latest.values()]
    return sorted(used.values(), key=lambda r: r.created_at), tables


def rollup_create(*, actor: Membership | None, coalition_id: UUID | str, year: int) -> Release:
    """Sum what the coalition received from the level below, the latest figures of each
    table from each coalition, and release the sum to the level above. A table that some
    coalition below never released is left out. Sums of released figures reveal nothing new:
    no budget is spent."""
    coalition = selectors.coalition_for_release(actor=actor, coalition_id=coalition_id)
    assert actor is not None
    year = year_check(year)
    received, tables_by_source = tables_received_latest(coalition=coalition, year=year)
    if not received:
        raise ValidationError(
            _("No release for %(year)s has been received from the level below.") % {"year": year},
            code="nothing_received",
        )
    for release in received:
        if not selectors.release_payload_is_intact(release):
            raise ValidationError(
                _("A release received was altered: it cannot be summed."), code="altered"
            )
    tables = rollup(tables_by_source)
    summary = [
        {
            "release_id": r.content["release_id"],
            "coalition": r.content["coalition"]["name"],
            "method": r.content["method"],
            "epsilon": r.content["epsilon"],
        }
        for r in received
    ]
    payload = release_payload(
        release_id=release_id_new(),
        coalition=coalition,
        year=year,
        method=ReleaseMethod.ROLLUP,
        epsilon=0.0,
        threshold=max(int(r.content["threshold"]) for r in received),
        tables=tables,
        sources_summary=summary,
    )
    with transaction.atomic():
        return release_store(
            payload=payload, coalition=coalition, actor=actor, origin=ReleaseOrigin.LOCAL
        )


def trusted_instance_add(
    *, actor: Membership | None, coalition_id: UUID | str, name: str, public_key: str
) -> TrustedInstance:
    coalition = selectors.coalition_for_release(actor=actor, coalition_id=coalition_id)
    assert actor is not None
    key = public_key.strip().lower()
    if len(key) != 64 or any(ch not in "0123456789abcdef" for ch in key):
        raise ValidationError(
            _("A public key is 64 hexadecimal characters, as shown on the other instance."),
            code="public_key",
        )
    name = name.strip()
    if not name or len(name) > 200:
        raise ValidationError(
            _("Give the other instance a name (200 characters at most)."), code="name"
        )
    text_check(name, label=_("Name"), max_length=200)
    with transaction.atomic():
        trusted, _created = TrustedInstance.objects.get_or_create(
            coalition=coalition,
            public_key=key,
            defaults={"name": name, "added_by_id": actor.user_id},
        )
        audit_record(
            action="trends_instance_trusted",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="coalition",
            target_id=coalition.pk,
            details={"trusted_instance_id": trusted.pk},
        )
    return trusted


def bundle_error_message(code: str) -> str:
    messages = {
        "not_json": _("This file is not a release bundle: it is not readable JSON."),
        "format": _("This file is not an Arrimage release bundle."),
        "untrusted": _(
            "This bundle is signed by an instance your coalition does not trust. "
            "Add its public key first."
        ),
        "signature": _("This bundle was altered after it was signed: it is refused."),
        "duplicate": _("This release was already imported."),
        "content": _("This bundle is signed but its tables cannot be read."),
    }
    return messages.get(code, messages["format"])


def _validate_tables(tables: object) -> None:
    if not isinstance(tables, list):
        raise signing.BundleRefused("content")
    try:
        for table in tables:
            rows = Axis.from_json(table["rows"]).keys
            cols = Axis.from_json(table["cols"]).keys
            cells = table["cells"]
            if len(cells) != len(rows) or any(len(line) != len(cols) for line in cells):
                raise signing.BundleRefused("content")
            for line in cells:
                for cell in line:
                    if cell["v"] is not None and int(cell["v"]) < 0:
                        raise signing.BundleRefused("content")
                    int(cell["a"])
                    {str(k): int(v) for k, v in cell["n"].items()}
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise signing.BundleRefused("content") from error


def bundle_import(*, actor: Membership | None, coalition_id: UUID | str, data: bytes) -> Release:
    """Import a release signed by another, trusted Arrimage instance, as received by this
    coalition. A bundle altered after signing, or signed by an unknown key, is refused
    (``signing.BundleRefused``) and nothing is written."""
    coalition = selectors.coalition_for_release(actor=actor, coalition_id=coalition_id)
    assert actor is not None
    trusted = set(
        TrustedInstance.objects.filter(coalition=coalition).values_list("public_key", flat=True)
    )
    payload, signature, public_key = signing.bundle_open(data, trusted_keys=trusted)
    _validate_tables(payload.get("tables"))
    try:
        source_id = UUID(str(payload["release_id"]))
        year = int(payload["year"])
        source = payload["coalition"]
        name, level = str(source["name"]), str(source["level"])
        epsilon = float(payload["epsilon"])
        threshold = int(payload["threshold"])
        method = str(payload["method"])
    except (KeyError, TypeError, ValueError) as error:
        raise signing.BundleRefused("content") from error
    if method not in ReleaseMethod.values:
        raise signing.BundleRefused("content")
    with transaction.atomic():
        if Release.objects.filter(recipient=coalition, source_release_id=source_id).exists():
            raise signing.BundleRefused("duplicate")
        release = Release.objects.create(
            coalition=None,
            recipient=coalition,
            coalition_name=name[:200],
            coalition_level=level[:16],
            year=year,
            method=method,
            origin=ReleaseOrigin.IMPORTED,
            epsilon=epsilon,
            threshold=threshold,
            content=payload,
            content_digest=signing.digest(payload),
            signer_public_key=public_key,
            signature=signature,
            source_release_id=source_id,
            created_by_id=actor.user_id,
        )
        audit_record(
            action="trends_release_imported",
            actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
            target_type="trends_release",
            target_id=release.pk,
            details={"coalition_id": str(coalition.pk), "source_release_id": str(source_id)},
        )
    return release
