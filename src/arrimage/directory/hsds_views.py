"""The public HSDS 3.0 API under /hsds/ (api_reference.md of the standard).

Lists use the Page envelope with ``page`` and ``per_page``; ``modified_after``, ``minimal`` and
``format=ndjson`` (every result, one per line, no envelope) are supported, and every endpoint
also answers POST with the same parameters in a form or JSON body, so that search terms stay out
of URLs and logs. Confidential addresses are never shown: the feed is public.
"""

from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import reverse

from arrimage.directory import geo
from arrimage.directory.hsds import (
    organization_doc,
    profile_meta,
    public_reveal,
    service_doc,
    taxonomy_doc,
    taxonomy_term_doc,
)
from arrimage.directory.hsds_params import (
    BadRequest,
    bool_param,
    hsds_endpoint,
    modified_after_param,
    page_response,
    params_of,
    uuid_param,
)
from arrimage.directory.hsds_queries import (
    location_queryset,
    organizations_full_queryset,
    services_full_queryset,
)
from arrimage.directory.hsds_writer import HsdsWriter
from arrimage.directory.models import (
    Attribute,
    DirectoryOrganization,
    Location,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from arrimage.directory.normalised import Normalised
from arrimage.directory.profile import PROFILE
from arrimage.directory.schema import SCHEMA_DIR
from arrimage.directory.search import service_ids_ranked
from arrimage.directory.text import normalise

SEARCH_LIMIT = 5000  # services a text search of the feed returns at most


@hsds_endpoint
def root_view(request: HttpRequest) -> HttpResponseBase:
    base = request.build_absolute_uri("/")
    return JsonResponse(
        {**profile_meta(base), "openapi_url": request.build_absolute_uri(reverse("hsds:openapi"))}
    )


@hsds_endpoint
def openapi_view(request: HttpRequest) -> HttpResponseBase:
    return FileResponse((SCHEMA_DIR / "openapi.json").open("rb"), content_type="application/json")


@hsds_endpoint
def profile_view(request: HttpRequest) -> HttpResponseBase:
    """The profile: JSON merge patches over the HSDS 3.0 schemas (docs/hsds-profile.md)."""

    return JsonResponse(PROFILE, json_dumps_params={"ensure_ascii": False})


def _service_filter(params: Any) -> QuerySet[Service]:
    queryset = Service.objects.select_related("organization").order_by("id")
    term_id = uuid_param(params, "taxonomy_term_id")
    if term_id:
        queryset = queryset.filter(
            pk__in=Attribute.objects.filter(link_entity="service", taxonomy_term_id=term_id).values(
                "link_id"
            )
        )
    taxonomy_id = uuid_param(params, "taxonomy_id")
    if taxonomy_id:
        queryset = queryset.filter(
            pk__in=Attribute.objects.filter(
                link_entity="service", taxonomy_term__taxonomy_id=taxonomy_id
            ).values("link_id")
        )
    organization_id = uuid_param(params, "organization_id")
    if organization_id:
        queryset = queryset.filter(organization_id=organization_id)
    modified_after = modified_after_param(params)
    if modified_after:
        queryset = queryset.filter(last_modified__gte=modified_after)
    return queryset


def _full_services(ids: list[UUID]) -> list[dict[str, Any]]:
    writer = HsdsWriter(reveal=public_reveal)
    services = list(services_full_queryset().filter(pk__in=ids))
    order = {pk: i for i, pk in enumerate(ids)}
    services.sort(key=lambda s: order[s.pk])
    writer.services_load(services)
    return [writer.service_full(s) for s in services]


def _searched(params: Any, queryset: QuerySet[Service]) -> list[UUID] | None:
    """With ``search``: the ids of the services it finds among ``queryset``, most relevant
    first (the directory search's ranking); None without."""
    search = str(params.get("search") or "").strip()
    if not search:
        return None
    ranked = service_ids_ranked(q=search, limit=SEARCH_LIMIT)
    if ranked is None:
        raise BadRequest(
            "search holds no word to look for (only punctuation or very common words): "
            "give a need, a service name, a place or a postal code"
        )
    allowed = set(queryset.filter(pk__in=ranked).values_list("pk", flat=True))
    return [pk for pk in ranked if pk in allowed]


def _in_order(queryset: QuerySet[Service], ids: list[Any]) -> list[Service]:
    """The services of ``ids`` (ids or services), in that order."""
    keys = [i.pk if isinstance(i, Service) else i for i in ids]
    found = queryset.in_bulk(keys)
    return [found[k] for k in keys if k in found]


@hsds_endpoint
def services_view(request: HttpRequest) -> HttpResponseBase:
    params = params_of(request)
    queryset = _service_filter(params)
    searched = _searched(params, queryset)
    items: list[Any] | QuerySet[Service] = queryset if searched is None else searched
    if bool_param(params, "minimal"):
        # Just the id and modification date, plus the two fields the schema requires.
        minimal = queryset.select_related(None).only(
            "id", "name_fr", "name_en", "status", "last_modified"
        )
        return page_response(
            request,
            minimal if searched is None else searched,
            lambda batch: [
                {
                    "id": str(s.id),
                    "name": s.name_fr or s.name_en,
                    "status": s.status,
                    "last_modified": s.last_modified.isoformat(),
                }
                for s in _in_order(minimal, batch)
            ],
        )
    if bool_param(params, "full"):
        return page_response(
            request,
            items,
            lambda batch: _full_services([i.pk if isinstance(i, Service) else i for i in batch]),
        )
    return page_response(
        request,
        items,
        lambda batch: [
            service_doc(s) | {"organization": organization_doc(s.organization)}
            for s in _in_order(queryset, batch)
        ],
    )


@hsds_endpoint
def service_view(request: HttpRequest, service_id: UUID) -> HttpResponseBase:
    found = _full_services([service_id])
    if not found:
        return JsonResponse({"error": "not found"}, status=404)
    return JsonResponse(found[0], json_dumps_params={"ensure_ascii": False})


def _text_filter(queryset: QuerySet[Any], params: Any, *fields: str) -> QuerySet[Any]:
    """With ``search``: the rows one of whose ``fields`` holds every word of it, accents,
    case and punctuation ignored ("hebergement urgence" finds "Hébergement d'urgence")."""
    words = normalise(str(params.get("search") or "")).split()
    if not str(params.get("search") or "").strip():
        return queryset
    if not words:
        raise BadRequest("search holds no word to look for (only punctuation)")
    padded = {f"{name}_normalised": Normalised(name) for name in fields}
    condition = Q()
    for name in padded:
        field_condition = Q()
        for word in words:
            field_condition &= Q(**{f"{name}__contains": word})
        condition |= field_condition
    return queryset.alias(**padded).filter(condition)


def _organization_filter(params: Any) -> QuerySet[DirectoryOrganization]:
    return _text_filter(DirectoryOrganization.objects.order_by("id"), params, "name")


def _organizations_full(
    orgs: list[DirectoryOrganization], full_service: bool
) -> list[dict[str, Any]]:
    writer = HsdsWriter(reveal=public_reveal)
    ids = [o.pk for o in orgs]
    full = {o.pk: o for o in organizations_full_queryset().filter(pk__in=ids)}
    services: dict[UUID, list[dict[str, Any]]] = {pk: [] for pk in ids}
    if full_service:
        service_ids = list(
            Service.objects.filter(organization_id__in=ids)
            .order_by("id")
            .values_list("id", flat=True)
        )
        for doc in _full_services(service_ids):
            services[UUID(doc["organization_id"])].append(doc)
    else:
        for s in Service.objects.filter(organization_id__in=ids).order_by("id"):
            services[s.organization_id].append(service_doc(s))
    writer.organizations_load(full.values())
    return [writer.organization_full(full[pk], services[pk]) for pk in ids]


@hsds_endpoint
def organizations_view(request: HttpRequest) -> HttpResponseBase:
    params = params_of(request)
    queryset = _organization_filter(params)
    if bool_param(params, "full") or bool_param(params, "full_service"):
        return page_response(
            request,
            queryset,
            lambda batch: _organizations_full(batch, bool_param(params, "full_service")),
        )
    return page_response(request, queryset, lambda batch: [organization_doc(o) for o in batch])


@hsds_endpoint
def organization_view(request: HttpRequest, organization_id: UUID) -> HttpResponseBase:
    org = DirectoryOrganization.objects.filter(pk=organization_id).first()
    if org is None:
        return JsonResponse({"error": "not found"}, status=404)
    doc = _organizations_full([org], bool_param(params_of(request), "full_service"))[0]
    return JsonResponse(doc, json_dumps_params={"ensure_ascii": False})


@hsds_endpoint
def taxonomies_view(request: HttpRequest) -> HttpResponseBase:
    params = params_of(request)
    queryset = _text_filter(Taxonomy.objects.order_by("id"), params, "name")
    return page_response(request, queryset, lambda batch: [taxonomy_doc(t) for t in batch])


@hsds_endpoint
def taxonomy_view(request: HttpRequest, taxonomy_id: UUID) -> HttpResponseBase:
    taxonomy = Taxonomy.objects.filter(pk=taxonomy_id).first()
    if taxonomy is None:
        return JsonResponse({"error": "not found"}, status=404)
    return JsonResponse(taxonomy_doc(taxonomy), json_dumps_params={"ensure_ascii": False})


@hsds_endpoint
def taxonomy_terms_view(request: HttpRequest) -> HttpResponseBase:
    params = params_of(request)
    queryset = _text_filter(
        TaxonomyTerm.objects.order_by("id"), params, "name_fr", "name_en", "code"
    )
    taxonomy_id = uuid_param(params, "taxonomy_id")
    if taxonomy_id:
        queryset = queryset.filter(taxonomy_id=taxonomy_id)
    parent_id = uuid_param(params, "parent_id")
    if parent_id:
        queryset = queryset.filter(parent_id=parent_id)
    if bool_param(params, "top_only"):
        queryset = queryset.filter(parent__isnull=True)
    return page_response(request, queryset, lambda batch: [taxonomy_term_doc(t) for t in batch])


@hsds_endpoint
def taxonomy_term_view(request: HttpRequest, term_id: UUID) -> HttpResponseBase:
    term = TaxonomyTerm.objects.filter(pk=term_id).first()
    if term is None:
        return JsonResponse({"error": "not found"}, status=404)
    return JsonResponse(taxonomy_term_doc(term), json_dumps_params={"ensure_ascii": False})


def _public_point(location: Location) -> tuple[float, float] | None:
    """Where proximity is measured from: the exact point, or for a confidential location its
    municipality's centre (so that distances do not reveal the address)."""
    if location.is_confidential or location.latitude is None or location.longitude is None:
        municipality = geo.municipality_get(location.municipality_code)
        return (municipality.latitude, municipality.longitude) if municipality else None
    return (location.latitude, location.longitude)


@hsds_endpoint
def service_at_locations_view(request: HttpRequest) -> HttpResponseBase:
    params = params_of(request)
    services = _service_filter(params)
    searched = _searched(params, services)
    queryset = (
        ServiceAtLocation.objects.filter(
            service_id__in=services.values_list("id", flat=True) if searched is None else searched
        )
        .select_related("service", "location__region")
        .prefetch_related(
            *[
                f"location__{p}"
                for p in (
                    "languages",
                    "addresses",
                    "contacts__phones__languages",
                    "accessibility",
                    "phones__languages",
                    "schedules",
                )
            ]
        )
        .order_by("id")
    )
    postcode = str(params.get("postcode") or "").strip()
    proximity = params.get("proximity")
    items: list[Any] | QuerySet[ServiceAtLocation] = queryset
    if postcode:
        centre = geo.municipality_for_postcode(postcode)
        if centre is None:
            raise BadRequest("unknown postcode")
        radius_km = 10.0
        if proximity not in (None, ""):
            try:
                radius_km = float(str(proximity)) / 1000
            except ValueError:
                raise BadRequest("proximity must be a distance in metres") from None
        south, north, west, east = geo.bounding_box(centre.latitude, centre.longitude, radius_km)
        nearby = {m.code for m in geo.municipalities_within(centre, radius_km)}
        candidates = queryset.filter(
            Q(location__latitude__range=(south, north), location__longitude__range=(west, east))
            | Q(location__municipality_code__in=nearby)
        )
        kept = []
        for sal in candidates:
            point = _public_point(sal.location)
            if point and geo.distance_km(centre.latitude, centre.longitude, *point) <= radius_km:
                kept.append(sal)
        items = kept
    elif proximity not in (None, ""):
        raise BadRequest("proximity needs a postcode")
    if searched is not None:  # the most relevant services first
        rank = {pk: i for i, pk in enumerate(searched)}
        items = sorted(items, key=lambda sal: (rank[sal.service_id], str(sal.pk)))
    writer = HsdsWriter(reveal=public_reveal)

    def render(batch: list[ServiceAtLocation]) -> list[dict[str, Any]]:
        writer.attributes_load([x for s in batch for x in (s.pk, s.location_id)])
        return [
            writer.service_at_location_doc(s, full=bool_param(params, "full"), service=True)
            for s in batch
        ]

    return page_response(request, items, render)


@hsds_endpoint
def service_at_location_view(request: HttpRequest, sal_id: UUID) -> HttpResponseBase:
    sal = (
        ServiceAtLocation.objects.select_related("service", "location__region")
        .filter(pk=sal_id)
        .first()
    )
    if sal is None:
        return JsonResponse({"error": "not found"}, status=404)
    sal.location = location_queryset().get(pk=sal.location_id)
    doc = HsdsWriter(reveal=public_reveal).service_at_location_doc(sal, service=True)
    return JsonResponse(doc, json_dumps_params={"ensure_ascii": False})
