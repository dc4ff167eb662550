"""Export: an HSDS JSON document and a CSV data package, both through :class:`HsdsWriter`,
so the same confidentiality rule applies as on the API."""

import copy
import csv
import io
import json
import zipfile
from typing import Any

from arrimage.directory import schema
from arrimage.directory.exchange_read import JSON_LISTS, csv_layout
from arrimage.directory.exchange_shape import (
    CAPACITY_FIELDS,
    CAPACITY_PATH,
    EXTENSION_FIELDS,
    Bundle,
    flatten,
)
from arrimage.directory.hsds import (
    attribute_doc,
    meta_table_description_doc,
    profile_meta,
    service_doc,
    taxonomy_doc,
    taxonomy_term_doc,
)
from arrimage.directory.hsds_links import metadata_doc
from arrimage.directory.hsds_queries import organizations_full_queryset, services_full_queryset
from arrimage.directory.hsds_writer import HsdsWriter
from arrimage.directory.models import (
    Attribute,
    Metadata,
    MetaTableDescription,
    Service,
    Taxonomy,
    TaxonomyTerm,
    UnresolvedReference,
)

CHUNK = 500


def export_document(*, writer: HsdsWriter, base_url: str) -> dict[str, Any]:
    """Everything in the directory as one HSDS JSON document (profile: docs/hsds-profile.md)."""
    service_ids = list(Service.objects.order_by("id").values_list("id", flat=True))
    services: list[dict[str, Any]] = []
    for start in range(0, len(service_ids), CHUNK):
        chunk = service_ids[start : start + CHUNK]
        queryset = services_full_queryset().filter(pk__in=chunk).order_by("id")
        batch = list(queryset)
        writer.services_load(batch)
        services += [writer.service_full(s) for s in batch]
    by_org: dict[Any, list[dict[str, Any]]] = {}
    for service in Service.objects.order_by("id").only(
        "id",
        "organization_id",
        "name_fr",
        "name_en",
        "status",
        "description_fr",
        "description_en",
        "last_modified",
    ):
        by_org.setdefault(service.organization_id, []).append(
            {
                k: v
                for k, v in service_doc(service).items()
                if k in {"id", "organization_id", "name", "status"}
            }
        )
    organizations = []
    org_ids = list(organizations_full_queryset().order_by("id").values_list("id", flat=True))
    for start in range(0, len(org_ids), CHUNK):
        batch_orgs = list(
            organizations_full_queryset()
            .filter(pk__in=org_ids[start : start + CHUNK])
            .order_by("id")
        )
        writer.organizations_load(batch_orgs)
        organizations += [writer.organization_full(o, by_org.get(o.pk, [])) for o in batch_orgs]
    used_terms = set(Attribute.objects.values_list("taxonomy_term_id", flat=True))
    # Terms with a taxonomy, those attributes use, and those an import kept as they came.
    terms = (
        TaxonomyTerm.objects.filter(pk__in=used_terms)
        | TaxonomyTerm.objects.filter(taxonomy__isnull=False)
        | TaxonomyTerm.objects.filter(
            pk__in=UnresolvedReference.objects.filter(entity="taxonomy_term").values("object_id")
        )
    )
    taxonomies = list(Taxonomy.objects.order_by("id"))
    terms_list = list(terms.distinct().order_by("id"))
    writer.attributes_load([*[t.pk for t in taxonomies], *[t.pk for t in terms_list]])
    # Attributes and metadata about no object of the export (an import kept them with an
    # unresolved reference): in lists of their own, so that nothing is lost.
    written = writer.links.loaded()
    loose = [
        pk
        for pk, link_id in Attribute.objects.values_list("pk", "link_id").iterator(CHUNK)
        if link_id not in written
    ]
    loose_attributes = [
        attribute_doc(a)
        for start in range(0, len(loose), CHUNK)
        for a in Attribute.objects.filter(pk__in=loose[start : start + CHUNK])
        .select_related("taxonomy_term")
        .order_by("id")
    ]
    loose_metadata = [
        metadata_doc(m)
        for m in Metadata.objects.order_by("id").iterator(CHUNK)
        if m.resource_id not in written
    ]
    return {
        **profile_meta(base_url),
        "organizations": organizations,
        "taxonomies": [taxonomy_doc(t, links=writer.links) for t in taxonomies],
        "taxonomy_terms": [taxonomy_term_doc(t, links=writer.links) for t in terms_list],
        "services": services,
        "meta_table_descriptions": [
            meta_table_description_doc(m) for m in MetaTableDescription.objects.order_by("id")
        ],
        "attributes": loose_attributes,
        "metadata": loose_metadata,
    }


def export_json(*, writer: HsdsWriter, base_url: str) -> bytes:
    document = export_document(writer=writer, base_url=base_url)
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value)


def descriptor(base_url: str, written: list[str]) -> dict[str, Any]:
    """HSDS's datapackage.json, with the profile's extension columns and capacity resource."""
    package = copy.deepcopy(schema.datapackage())
    resources = []
    for resource in package["resources"]:
        if resource["path"] not in written:
            continue
        for name in EXTENSION_FIELDS.get(resource["name"], []):
            resource["schema"]["fields"].append(
                {
                    "name": name,
                    "type": "boolean" if name == "confidential" else "string",
                    "description": "Arrimage profile extension (docs/hsds-profile.md)",
                    "constraints": {"required": False, "unique": False},
                }
            )
        resources.append(resource)
    if CAPACITY_PATH in written:
        resources.append(
            {
                "name": "service_capacity",
                "path": CAPACITY_PATH,
                "format": "csv",
                "mediatype": "text/csv",
                "profile": "tabular-data-resource",
                "description": "HSDS 3.1 service_capacity, as an Arrimage profile extension.",
                "schema": {
                    "primaryKey": "id",
                    "fields": [
                        {
                            "name": n,
                            "type": "number" if n in {"available", "maximum"} else "string",
                            "constraints": {
                                "required": n in {"id", "service_id", "unit", "available"}
                            },
                        }
                        for n in CAPACITY_FIELDS
                    ],
                },
            }
        )
    package["resources"] = resources
    package["version"] = "3.0.0"
    package["profile"] = "tabular-data-package"
    package["arrimage_profile"] = profile_meta(base_url)["profile"]
    return package


def export_package_files(*, writer: HsdsWriter, base_url: str) -> dict[str, bytes]:
    """The CSV data package as file name -> bytes (UTF-8, one CSV per HSDS object)."""
    document = export_document(writer=writer, base_url=base_url)
    bundle = Bundle()
    for key, entity in JSON_LISTS.items():
        for index, item in enumerate(document.get(key, []), start=1):
            flatten(bundle, entity, item, file=key, row=index, path=key)
    files: dict[str, bytes] = {}
    for entity, (path, fields, _types) in csv_layout().items():
        rows: dict[str, dict[str, Any]] = {}
        for record in bundle.records.get(entity, []):
            key = str(record.values["id"])
            rows[key] = {**rows.get(key, {}), **record.values}
        if not rows:
            continue
        out = io.StringIO()
        writer_csv = csv.writer(out, lineterminator="\n")
        writer_csv.writerow(fields)
        for key in sorted(rows):
            writer_csv.writerow([_cell(rows[key].get(name)) for name in fields])
        files[path] = out.getvalue().encode("utf-8")
    files["datapackage.json"] = json.dumps(
        descriptor(base_url, list(files)), ensure_ascii=False, indent=1
    ).encode("utf-8")
    return files


def export_package_zip(*, writer: HsdsWriter, base_url: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(export_package_files(writer=writer, base_url=base_url).items()):
            archive.writestr(name, data)
    return buffer.getvalue()
