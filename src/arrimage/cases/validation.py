"""Checks on what users type, with translated messages. Each raises ``ValidationError``."""

import re
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from arrimage.cases import vocabularies as v
from arrimage.cases.countries import is_country_code
from arrimage.core.text import text_check

PHONE = re.compile(r"^\+?[1-9][0-9 ()\-.]{6,20}$")
MAX_NOTE = 10_000
MAX_SHORT = 200
MAX_TEXT = 2_000


def text(value: object, *, label: str, maximum: int = MAX_SHORT, required: bool = False) -> str:
    cleaned = str(value or "").strip()
    if required and not cleaned:
        raise ValidationError(_("%(field)s is required.") % {"field": label}, code="required")
    return text_check(cleaned, label=label, max_length=maximum)


def choice(
    value: object, choices: type[models.TextChoices], *, label: str, required: bool = False
) -> str:
    cleaned = str(value or "").strip()
    if not cleaned and not required:
        return ""
    if cleaned not in choices.values:
        raise ValidationError(
            _("Choose %(field)s from the list.") % {"field": label}, code="invalid_choice"
        )
    return cleaned


def choices(values: object, vocabulary: type[models.TextChoices], *, label: str) -> list[str]:
    items = [str(item).strip() for item in (values or []) if str(item).strip()]  # type: ignore[attr-defined]
    for item in items:
        if item not in vocabulary.values:
            raise ValidationError(
                _("Choose %(field)s from the list.") % {"field": label}, code="invalid_choice"
            )
    return sorted(set(items))


def parse_date(
    value: object, *, label: str, past_years: int = 5, future_years: int = 5, required: bool = False
) -> date | None:
    """A date within a sensible window around today."""
    if value in (None, ""):
        if required:
            raise ValidationError(_("%(field)s is required.") % {"field": label}, code="required")
        return None
    if isinstance(value, date):
        parsed = value
    else:
        try:
            parsed = date.fromisoformat(str(value).strip())
        except ValueError as error:
            raise ValidationError(
                _("%(field)s is not a date: use the form YYYY-MM-DD.") % {"field": label},
                code="invalid_date",
            ) from error
    today = timezone.localdate()
    earliest = today - timedelta(days=365 * past_years)
    latest = today + timedelta(days=365 * future_years)
    if not earliest <= parsed <= latest:
        raise ValidationError(
            _("%(field)s must be between %(earliest)s and %(latest)s.")
            % {"field": label, "earliest": earliest.isoformat(), "latest": latest.isoformat()},
            code="date_out_of_range",
        )
    return parsed


def identity(data: dict[str, Any]) -> dict[str, Any]:
    alias = text(data.get("alias"), label=_("Alias"), maximum=100)
    given = text(data.get("given_name"), label=_("Given name"), maximum=100)
    family = text(data.get("family_name"), label=_("Family name"), maximum=100)
    if not alias and not given:
        raise ValidationError(
            _("Give an alias or a first name: an alias the person chooses is enough."),
            code="no_name",
        )
    year = data.get("year_of_birth")
    year_of_birth: int | None = None
    if year not in (None, ""):
        try:
            year_of_birth = int(str(year))
        except ValueError as error:
            raise ValidationError(
                _("The year of birth must be a number, such as 1994."), code="invalid_year"
            ) from error
        this_year = timezone.localdate().year
        if not this_year - 110 <= year_of_birth <= this_year:
            raise ValidationError(
                _("The year of birth must be between %(first)s and %(last)s.")
                % {"first": this_year - 110, "last": this_year},
                code="year_out_of_range",
            )
    age_band = choice(data.get("age_band"), v.AgeBand, label=_("the age band"))
    if year_of_birth and not age_band:
        age_band = v.age_band_for(year_of_birth, timezone.localdate().year)
    languages = [
        str(code).strip().lower() for code in (data.get("languages") or []) if str(code).strip()
    ]
    for code in languages:
        if not re.fullmatch(r"[a-z]{2,3}", code):
            raise ValidationError(
                _("Give languages as ISO 639 codes, such as fr or es."), code="invalid_language"
            )
    result: dict[str, Any] = {
        "alias": alias,
        "given_name": given,
        "family_name": family,
        "year_of_birth": year_of_birth,
        "age_band": age_band,
        "gender": choice(data.get("gender"), v.Gender, label=_("the gender")),
        "languages": sorted(set(languages)),
    }
    return {key: value for key, value in result.items() if value not in ("", None, [])}


def citizenship(value: Any) -> list[str]:
    """The person's citizenships, ISO 3166-1 alpha-2 codes. Immigration, not identity: a
    foreign citizenship on a trafficking case is a proxy of immigration status."""
    codes = [str(code).strip().upper() for code in (value or []) if str(code).strip()]
    for code in codes:
        if not is_country_code(code):
            raise ValidationError(
                _("Choose the citizenship from the list of countries."), code="invalid_country"
            )
    return sorted(set(codes))


def contact(data: dict[str, Any]) -> dict[str, Any]:
    phone = text(data.get("phone"), label=_("Phone"), maximum=32)
    if phone and not PHONE.match(phone):
        raise ValidationError(
            _("The phone number is not valid: digits, spaces and + only."), code="invalid_phone"
        )
    email = text(data.get("email"), label=_("Email"), maximum=254)
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationError(
                _("The email address is not valid."), code="invalid_email"
            ) from error
    instructions = text(
        data.get("safe_contact_instructions"),
        label=_("Safe contact instructions"),
        maximum=MAX_TEXT,
    )
    result = {"phone": phone, "email": email, "safe_contact_instructions": instructions}
    return {key: value for key, value in result.items() if value}


def location(data: dict[str, Any]) -> dict[str, Any]:
    result = {
        "city": text(data.get("city"), label=_("City"), maximum=100),
        "accommodation": text(
            data.get("accommodation"), label=_("Where the person stays"), maximum=MAX_TEXT
        ),
    }
    return {key: value for key, value in result.items() if value}
