"""Forms of orientation: the quick needs form, holds, referrals and their answers."""

from typing import Any
from uuid import UUID

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from arrimage.coalition.models import Region
from arrimage.core import text
from arrimage.core.text import TextField
from arrimage.directory.models import CapacityUnit
from arrimage.directory.taxonomy import LANGUAGES
from arrimage.orientation.models import ReferralStatus
from arrimage.orientation.needs import (
    EXPLOITATION_TYPES,
    GENDERS,
    NEED_LABELS,
    STATUSES,
    NeedsProfile,
)
from arrimage.orientation.referral_list_selectors import ReferralFilters
from arrimage.orientation.referral_rules import DEFAULT_RESPONSE_HOURS, RESPONSE_HOURS
from arrimage.privacy.categories import Category

NOT_GIVEN = [("", pgettext_lazy("form choice", "Not given"))]


class NeedsForm(forms.Form):
    """Filled in under a minute; no name, nothing that identifies the person."""

    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=list(NEED_LABELS.items()), widget=forms.CheckboxSelectMultiple
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        choices=NOT_GIVEN + [(k, v[0]) for k, v in GENDERS.items()],
    )
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=120)
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        required=False,
        choices=[(code, f"{names[0]} / {names[1]}") for code, names in LANGUAGES.items()],
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    status = forms.ChoiceField(
        label=_("Immigration status"),
        required=False,
        choices=NOT_GIVEN + [(k, v[0]) for k, v in STATUSES.items()],
    )
    children = forms.IntegerField(
        label=_("Children with the person"), required=False, min_value=0, max_value=15, initial=0
    )
    exploitation = forms.ChoiceField(
        label=_("Form of exploitation"),
        required=False,
        choices=NOT_GIVEN + [(k, v[0]) for k, v in EXPLOITATION_TYPES.items()],
    )
    must_be_confidential = forms.BooleanField(
        label=_("Needs a confidential address"), required=False
    )
    staff_24_7 = forms.BooleanField(label=_("Needs staff 24/7"), required=False)
    wheelchair = forms.BooleanField(label=_("Needs wheelchair access"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    municipality = TextField(label=_("Municipality"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = NOT_GIVEN + [(r.code, r.name) for r in Region.objects.order_by("code")]

    def profile(self) -> NeedsProfile:
        data = self.cleaned_data
        return NeedsProfile(
            needs=tuple(data["needs"]),
            gender=data["gender"] or "",
            age=data["age"],
            languages=tuple(data["languages"] or ()),
            status=data["status"] or "",
            children=data["children"] or 0,
            exploitation=data["exploitation"] or "",
            must_be_confidential=bool(data["must_be_confidential"]),
            staff_24_7=bool(data["staff_24_7"]),
            wheelchair=bool(data["wheelchair"]),
            region=data["region"] or "",
            municipality=(data["municipality"] or "").strip(),
        )

    @staticmethod
    def initial_from(profile: NeedsProfile) -> dict[str, Any]:
        return {
            "needs": list(profile.needs),
            "gender": profile.gender,
            "age": profile.age,
            "languages": list(profile.languages),
            "status": profile.status,
            "children": profile.children,
            "exploitation": profile.exploitation,
            "must_be_confidential": profile.must_be_confidential,
            "staff_24_7": profile.staff_24_7,
            "wheelchair": profile.wheelchair,
            "region": profile.region,
            "municipality": profile.municipality,
        }


class HoldForm(forms.Form):
    service = forms.UUIDField(widget=forms.HiddenInput)
    unit = forms.ChoiceField(choices=CapacityUnit.choices, widget=forms.HiddenInput)
    need = TextField(required=False, max_length=text.CODE, widget=forms.HiddenInput)
    case = forms.UUIDField(required=False, widget=forms.HiddenInput)


class ReferralSendForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("Information to share"), widget=forms.CheckboxSelectMultiple
    )
    response_hours = forms.TypedChoiceField(
        label=_("Answer expected within"),
        coerce=int,
        initial=DEFAULT_RESPONSE_HOURS,
        choices=[(h, _("%(count)s hours") % {"count": h}) for h in RESPONSE_HOURS],
    )
    note = TextField(
        label=_("Message to the service (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = self.fields["categories"]
        assert isinstance(categories, forms.ChoiceField)
        categories.choices = [
            (code, Category(code).label) for code in Category.values if code in allowed
        ]


class ReferralFilterForm(forms.Form):
    """The referrals list's filters (GET). Bad input is reported and the list is shown
    whole; the organisations offered are those the acting organisation deals with."""

    status = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states"))]
        + [(v, label) for v, label in ReferralStatus.choices if v != ReferralStatus.DRAFT],
    )
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    since = forms.DateField(
        label=_("Sent from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Sent until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, organisations: list[tuple[UUID, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All organisations"))] + [(str(pk), n) for pk, n in organisations]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date comes before the start date."))
        return data

    def filters(self) -> ReferralFilters:
        """The valid filters; an invalid one is left out (its error is on the form)."""
        data = self.cleaned_data if self.is_bound else {}
        organisation = data.get("organisation") or ""
        return ReferralFilters(
            status=data.get("status") or "",
            organisation_id=UUID(organisation) if organisation else None,
            since=data.get("since"),
            until=data.get("until") if "until" not in self.errors else None,
        )
