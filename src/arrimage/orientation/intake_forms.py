"""The forms of the guided intake's steps. Every step posts everything entered so far (the
other steps' values as hidden fields), so going back and forth, or an error, loses nothing."""

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from arrimage.coalition.models import Region
from arrimage.core.text import TextField
from arrimage.directory import geo
from arrimage.directory.taxonomy import LANGUAGES
from arrimage.orientation.intake import URGENCIES
from arrimage.orientation.needs import GENDERS, NEED_LABELS, NEEDS
from arrimage.orientation.referral_rules import RESPONSE_HOURS
from arrimage.privacy.categories import Category
from arrimage.privacy.models import ConsentMethod

NOT_GIVEN = [("", pgettext_lazy("form choice", "Not given"))]
# The languages shown first; the others are one tap further.
FIRST_LANGUAGES = ("fr", "en", "es", "ar", "pt", "zh")
# The needs as a worker at the door says them.
INTAKE_NEED_LABELS = {**NEED_LABELS, "emergency_housing": _("Housing tonight")}
URGENCY_LABELS = {
    "high": pgettext_lazy("urgency", "Today"),
    "medium": pgettext_lazy("urgency", "This week"),
    "low": pgettext_lazy("urgency", "Later"),
}
NEEDS_URGENT_BY_DEFAULT = frozenset({"emergency_housing"})


def language_choices() -> list[tuple[str, str]]:
    english = (get_language() or "fr").startswith("en")
    return [(code, names[1] if english else names[0]) for code, names in LANGUAGES.items()]


class WhoForm(forms.Form):
    """(a) Who: an alias is enough. Nothing else is required."""

    alias = TextField(label=_("Alias"), max_length=100, required=False)
    given_name = TextField(label=_("Given name"), max_length=100, required=False)
    family_name = TextField(label=_("Family name"), max_length=100, required=False)
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        choices=NOT_GIVEN + [(k, v[0]) for k, v in GENDERS.items()],
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"), required=False, widget=forms.CheckboxSelectMultiple
    )
    region = forms.ChoiceField(label=_("Region"))
    municipality = TextField(label=_("Town (optional)"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        languages = self.fields["languages"]
        region = self.fields["region"]
        assert isinstance(languages, forms.ChoiceField) and isinstance(region, forms.ChoiceField)
        languages.choices = language_choices()
        region.choices = [(r.code, r.name) for r in Region.objects.order_by("code")]

    def clean_municipality(self) -> str:
        name = str(self.cleaned_data.get("municipality") or "").strip()
        if name and geo.municipality_find(name) is None:
            raise forms.ValidationError(
                _("Choose a town from the list, or leave it empty."), code="municipality"
            )
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not str(data.get("alias") or "").strip()
            and not str(data.get("given_name") or "").strip()
        ):
            self.add_error(
                "alias", _("Give an alias or a first name: an alias the person chooses is enough.")
            )
        return data


class NeedsStepForm(forms.Form):
    """(b) Needs, each with how soon."""

    needs = forms.MultipleChoiceField(
        label=_("Needs"),
        choices=list(INTAKE_NEED_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one need.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for need in NEEDS:
            self.fields[f"urgency_{need}"] = forms.ChoiceField(
                label=_("How soon: %(need)s") % {"need": INTAKE_NEED_LABELS[need]},
                choices=list(URGENCY_LABELS.items()),
                required=False,
                initial="high" if need in NEEDS_URGENT_BY_DEFAULT else "medium",
            )

    def urgencies(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            need: data.get(f"urgency_{need}")
            or ("high" if need in NEEDS_URGENT_BY_DEFAULT else "medium")
            for need in data["needs"]
        }


class ConsentStepForm(forms.Form):
    """(d) What the service will receive, read to the person; (e) their consent."""

    categories = forms.MultipleChoiceField(
        label=_("What the service will receive"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one category of information to share.")},
    )
    method = forms.ChoiceField(
        label=_("How the person gave it"),
        choices=ConsentMethod.choices,
        initial=ConsentMethod.VERBAL,
        widget=forms.RadioSelect,
    )
    response_hours = forms.TypedChoiceField(
        label=_("Answer expected within"),
        coerce=int,
        choices=[(h, _("%(count)s hours") % {"count": h}) for h in RESPONSE_HOURS],
    )
    consent_given = forms.BooleanField(
        label=_("The person heard this text and consents"), required=False
    )

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = self.fields["categories"]
        assert isinstance(categories, forms.ChoiceField)
        categories.choices = [
            (code, Category(code).label) for code in Category.values if code in allowed
        ]


# What the intake carries from step to step.
MULTI_FIELDS = ("languages", "needs", "categories")
STATE_FIELDS = (
    "alias",
    "given_name",
    "family_name",
    "gender",
    "languages",
    "region",
    "municipality",
    "needs",
    *(f"urgency_{need}" for need in NEEDS),
    "service",
    "need",
    "categories",
    "method",
    "response_hours",
)
STEP_FIELDS = {
    "who": set(WhoForm.base_fields),
    "needs": {"needs", *(f"urgency_{need}" for need in NEEDS)},
    "options": set(),
    "consent": {"categories", "method", "response_hours", "consent_given"},
}


def initial_from(data: QueryDict) -> dict[str, Any]:
    """The values entered so far, as a form's initial values (no validation, no error)."""
    return {
        name: data.getlist(name) if name in MULTI_FIELDS else data.get(name, "")
        for name in STATE_FIELDS
        if name in data
    }


def hidden_state(
    data: QueryDict, step: str, *, drop: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """The values of the other steps, to carry as hidden fields."""
    shown = STEP_FIELDS[step] | set(drop)
    return [
        (name, value)
        for name in STATE_FIELDS
        if name not in shown
        for value in (data.getlist(name) if name in MULTI_FIELDS else [data.get(name, "")])
        if value
    ]


__all__ = [
    "FIRST_LANGUAGES",
    "INTAKE_NEED_LABELS",
    "URGENCIES",
    "ConsentStepForm",
    "NeedsStepForm",
    "WhoForm",
    "hidden_state",
    "initial_from",
]
