import uuid
from functools import cache
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from arrimage.coalition.models import OrganisationType, Region
from arrimage.core.text import EmailField, TextField, URLField
from arrimage.core.widgets import KeptCheckboxSelectMultiple, KeptSelect
from arrimage.directory.locations import (
    LocationFields,
    municipality_locate,
    postcode_normalise,
)
from arrimage.directory.models import TEXT_MAX, ServiceStatus
from arrimage.directory.search_types import SearchParams
from arrimage.directory.services import ServiceFields, phone_check
from arrimage.directory.taxonomy import (
    CATEGORIES,
    ELIGIBILITY,
    GENDERS,
    LANGUAGES,
    SAFETY,
    STATUSES,
)
from arrimage.directory.taxonomy import Term as TaxonomyTermDef
from arrimage.privacy.categories import Category
from arrimage.privacy.policy import may_share_with

RADII = [
    (0, pgettext_lazy("radius", "Only this municipality")),
    (10, "10 km"),
    (25, "25 km"),
    (50, "50 km"),
    (100, "100 km"),
]


def _term_choices(terms: tuple[TaxonomyTermDef, ...], language: str) -> list[tuple[str, str]]:
    return [(t.code, t.name_en if language.startswith("en") else t.name_fr) for t in terms]


@cache
def _region_choices(english: bool) -> list[tuple[str, str]]:
    """Regions change only with a migration: read once per process."""
    return [
        (r.code, r.name_en if english else r.name_fr)
        for r in Region.objects.filter(province="QC").order_by("code")
    ]


class SearchForm(forms.Form):
    q = TextField(label=_("What are you looking for?"), required=False, max_length=200)
    # The filters' lists are the same on most searches: their HTML is kept (core.widgets).
    category = forms.ChoiceField(label=_("Category"), required=False, widget=KeptSelect)
    region = forms.ChoiceField(label=_("Region"), required=False, widget=KeptSelect)
    municipality = TextField(label=_("Municipality"), required=False, max_length=100)
    radius = forms.TypedChoiceField(
        label=_("Within"),
        required=False,
        choices=RADII,
        coerce=int,
        empty_value=None,
        widget=KeptSelect,
    )
    language = forms.ChoiceField(label=_("Language spoken"), required=False, widget=KeptSelect)
    gender = forms.ChoiceField(label=_("Gender served"), required=False, widget=KeptSelect)
    age = forms.IntegerField(
        label=_("Age of the person"), required=False, min_value=0, max_value=120
    )
    status = forms.ChoiceField(
        label=_("Immigration status accepted"), required=False, widget=KeptSelect
    )
    available = forms.BooleanField(
        label=_("Available now (updated in the last 24 h)"), required=False
    )
    safety = forms.MultipleChoiceField(
        label=_("Safety"), required=False, widget=KeptCheckboxSelectMultiple
    )
    page = forms.IntegerField(
        required=False, min_value=1, max_value=10_000, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, language: str = "fr", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        english = language.startswith("en")
        anything: list[tuple[str, Any]] = [("", _("Any"))]
        cast(forms.ChoiceField, self.fields["category"]).choices = anything + _term_choices(
            CATEGORIES, language
        )
        cast(forms.ChoiceField, self.fields["region"]).choices = anything + _region_choices(english)
        cast(forms.ChoiceField, self.fields["language"]).choices = anything + sorted(
            ((code, names[1] if english else names[0]) for code, names in LANGUAGES.items()),
            key=lambda c: c[1],
        )
        cast(forms.ChoiceField, self.fields["gender"]).choices = anything + _term_choices(
            GENDERS, language
        )
        cast(forms.ChoiceField, self.fields["status"]).choices = anything + _term_choices(
            STATUSES, language
        )
        cast(forms.ChoiceField, self.fields["safety"]).choices = _term_choices(SAFETY, language)

    def params(self) -> SearchParams:
        data = self.cleaned_data if self.is_valid() else {}
        return SearchParams(
            q=data.get("q") or "",
            category=data.get("category") or "",
            region=data.get("region") or "",
            municipality=data.get("municipality") or "",
            radius_km=data.get("radius") or 0,
            language=data.get("language") or "",
            gender=data.get("gender") or "",
            age=data.get("age"),
            status=data.get("status") or "",
            available_now=bool(data.get("available")),
            safety=tuple(data.get("safety") or ()),
            page=data.get("page") or 1,
        )


class CapacityForm(forms.Form):
    action = forms.ChoiceField(choices=[("plus", "+1"), ("minus", "-1"), ("set", "set")])
    available = forms.IntegerField(
        label=_("Available units"), required=False, min_value=0, max_value=100_000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "set" and data.get("available") is None:
            self.add_error("available", _("Enter the number of available units."))
        return data


class ServiceForm(forms.Form):
    name_fr = TextField(label=_("Name in French"), required=False, max_length=300)
    name_en = TextField(label=_("Name in English"), required=False, max_length=300)
    description_fr = TextField(
        label=_("Description in French"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    description_en = TextField(
        label=_("Description in English"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)
    minimum_age = forms.IntegerField(
        label=_("Minimum age"), required=False, min_value=0, max_value=120
    )
    maximum_age = forms.IntegerField(
        label=_("Maximum age"), required=False, min_value=0, max_value=120
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories"), required=False, widget=forms.CheckboxSelectMultiple
    )
    eligibility = forms.MultipleChoiceField(
        label=_("Eligibility"), required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"), required=False, widget=forms.CheckboxSelectMultiple
    )
    hours = TextField(
        label=_("Opening hours"),
        required=False,
        max_length=1000,
        help_text=_("For example: Monday to Friday, 9 h to 17 h; intake 24/7 by phone."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    phone = TextField(
        label=_("Phone"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = EmailField(label=_("Email"), required=False, max_length=254)
    url = URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")

    def __init__(self, *args: Any, language: str = "fr", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["categories"]).choices = _term_choices(
            CATEGORIES, language
        )
        cast(forms.ChoiceField, self.fields["eligibility"]).choices = _term_choices(
            ELIGIBILITY, language
        )
        english = language.startswith("en")
        cast(forms.ChoiceField, self.fields["languages"]).choices = [
            (code, names[1] if english else names[0]) for code, names in LANGUAGES.items()
        ]

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        return phone_check(phone) if phone.strip() else ""

    def fields_value(self) -> ServiceFields:
        """The cleaned form, as the service functions take it."""
        data = self.cleaned_data
        return ServiceFields(
            name_fr=data["name_fr"],
            name_en=data["name_en"],
            description_fr=data["description_fr"],
            description_en=data["description_en"],
            status=data["status"],
            minimum_age=data["minimum_age"],
            maximum_age=data["maximum_age"],
            term_codes=frozenset(data["categories"]) | frozenset(data["eligibility"]),
            languages=frozenset(data["languages"]),
            phone=data["phone"],
            email=data["email"],
            url=data["url"],
            hours=data["hours"],
        )


class LocationForm(forms.Form):
    """A place of the organisation: the address gives the municipality (offline geocoder)."""

    name = TextField(label=_("Name of the place"), max_length=300)
    address_1 = TextField(
        label=_("Street address"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    address_2 = TextField(
        label=_("Apartment, suite, floor"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = TextField(
        label=_("Municipality"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "municipalities", "autocomplete": "address-level2"}),
    )
    postal_code = TextField(
        label=_("Postal code"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "size": "8"}),
    )
    is_confidential = forms.BooleanField(
        label=_(
            "Confidential address (shelter): others see only the municipality and the intake phone"
        ),
        required=False,
    )
    phone = TextField(
        label=_("Intake phone"),
        required=False,
        max_length=50,
        help_text=_("Required for a confidential address."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    accessibility = TextField(
        label=_("Accessibility"),
        required=False,
        max_length=2000,
        help_text=_("For example: entrance without steps, elevator, adapted washroom."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    transportation = TextField(
        label=_("Public transit"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = TextField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    services = forms.TypedMultipleChoiceField(
        label=_("Services offered at this place"),
        required=False,
        coerce=uuid.UUID,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["services"]).choices = services

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        return phone_check(phone) if phone.strip() else ""

    def clean_postal_code(self) -> str:
        return postcode_normalise(self.cleaned_data["postal_code"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("city") and data.get("postal_code"):
            try:
                municipality_locate(city=data["city"], postal_code=data["postal_code"])
            except ValidationError as error:
                self.add_error("city", error)
        if data.get("is_confidential") and not data.get("phone") and "phone" not in self.errors:
            self.add_error(
                "phone",
                _(
                    "A confidential location needs an intake phone: with the municipality, it "
                    "is all that others see."
                ),
            )
        return data

    def fields_value(self) -> LocationFields:
        data = self.cleaned_data
        return LocationFields(
            name=data["name"],
            address_1=data["address_1"],
            address_2=data["address_2"],
            city=data["city"],
            postal_code=data["postal_code"],
            is_confidential=data["is_confidential"],
            description=data["description"],
            transportation=data["transportation"],
            accessibility=data["accessibility"],
            phone=data["phone"],
            service_ids=frozenset(data["services"]),
        )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("HSDS JSON file or zipped CSV data package"))
    dry_run = forms.BooleanField(label=_("Check only, write nothing"), required=False)


class SharingForm(forms.Form):
    types = forms.MultipleChoiceField(
        label=_("Organisation types that see confidential addresses"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            c
            for c in OrganisationType.choices
            if may_share_with(organisation_type=c[0], category=Category.LOCATION)
        ],
    )
