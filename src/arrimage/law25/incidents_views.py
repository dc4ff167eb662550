"""Pages of the confidentiality-incident register (organisation admins and coordinators)."""

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from arrimage.law25.incidents import (
    TEXT_MAX_LENGTH,
    IncidentData,
    incident_get,
    incident_record,
    incident_update,
    incidents_list,
)
from arrimage.law25.incidents_models import RiskLevel


def _text(label: Any, help_text: Any = "", *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _date(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class IncidentForm(forms.Form):
    # 1. The personal information concerned.
    information_concerned = _text(
        gettext_lazy("Personal information concerned"),
        gettext_lazy(
            "Describe the kinds of information, not the information itself. If it "
            "cannot be described, say why."
        ),
        required=True,
    )
    # 2. The circumstances.
    circumstances = _text(gettext_lazy("Circumstances of the incident"), required=True)
    # 3. When it happened.
    occurred_from = _date(
        gettext_lazy("Date of the incident, or start of the period"), required=True
    )
    occurred_to = _date(gettext_lazy("End of the period, if it lasted"))
    occurred_is_approximate = forms.BooleanField(
        label=gettext_lazy("These dates are approximate"), required=False
    )
    # 4. When the organisation became aware of it.
    aware_from = _date(
        gettext_lazy("Date the organisation became aware of it, or start of the period"),
        required=True,
    )
    aware_to = _date(gettext_lazy("End of that period"))
    # 5. How many persons.
    persons_concerned = forms.IntegerField(
        label=gettext_lazy("Number of persons concerned"), min_value=1, max_value=100_000_000
    )
    persons_is_approximate = forms.BooleanField(
        label=gettext_lazy("This number is approximate"), required=False
    )
    # 6. The assessment of the risk of serious injury, with its criteria.
    risk_level = forms.ChoiceField(
        label=gettext_lazy("Assessment of the risk of serious injury"),
        choices=RiskLevel.choices,
    )
    risk_sensitivity = _text(gettext_lazy("Criterion: sensitivity of the information"))
    risk_consequences = _text(gettext_lazy("Criterion: consequences its use could have"))
    risk_likelihood = _text(gettext_lazy("Criterion: likelihood that it is used to cause injury"))
    # 7. Notices, where there is a risk of serious injury.
    commission_notified_on = _date(
        gettext_lazy("Notice sent to the Commission d'accès à l'information on")
    )
    persons_notified_on = _date(gettext_lazy("Notice sent to the persons concerned on"))
    public_notice_on = _date(gettext_lazy("Public notice given on"))
    public_notice_reason = _text(gettext_lazy("Why a public notice was given"))
    # 8. Measures.
    measures = _text(
        gettext_lazy("Measures taken to reduce the risk of injury"),
        gettext_lazy("A brief description: what was done, and what will be done."),
        required=True,
    )

    # The eight items of s. 11 of the regulation, as the form's sections.
    SECTIONS = (
        (gettext_lazy("1. Personal information concerned"), ("information_concerned",)),
        (gettext_lazy("2. Circumstances"), ("circumstances",)),
        (
            gettext_lazy("3. When the incident happened"),
            ("occurred_from", "occurred_to", "occurred_is_approximate"),
        ),
        (gettext_lazy("4. When the organisation became aware of it"), ("aware_from", "aware_to")),
        (gettext_lazy("5. Persons concerned"), ("persons_concerned", "persons_is_approximate")),
        (
            gettext_lazy("6. Assessment of the risk of serious injury"),
            ("risk_level", "risk_sensitivity", "risk_consequences", "risk_likelihood"),
        ),
        (
            gettext_lazy("7. Notices (where there is a risk of serious injury)"),
            (
                "commission_notified_on",
                "persons_notified_on",
                "public_notice_on",
                "public_notice_reason",
            ),
        ),
        (gettext_lazy("8. Measures taken to reduce the risk"), ("measures",)),
    )

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.SECTIONS]

    def incident_data(self) -> IncidentData:
        return IncidentData(**{name: self.cleaned_data[name] for name in self.fields})

    def add_service_errors(self, error: ValidationError) -> None:
        for name, messages_ in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages_)


def _initial(data: IncidentData) -> dict[str, object]:
    return {name: getattr(data, name) for name in IncidentForm.base_fields}


def incident_list_view(request: HttpRequest) -> HttpResponse:
    incidents = incidents_list(actor=request.membership)  # type: ignore[attr-defined]
    return render(request, "law25/incident_list.html", {"incidents": incidents})


def incident_create_view(request: HttpRequest) -> HttpResponse:
    actor = request.membership  # type: ignore[attr-defined]
    incidents_list(actor=actor)  # the same gate as the register: 404 for anyone else
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = incident_record(actor=actor, data=form.incident_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Incident %(number)s is in the register.") % {"number": incident.number}
            )
            return redirect("law25:incident_detail", incident_id=incident.pk)
    return render(request, "law25/incident_form.html", {"form": form, "incident": None})


def incident_detail_view(request: HttpRequest, incident_id: UUID) -> HttpResponse:
    entry = incident_get(actor=request.membership, incident_id=incident_id)  # type: ignore[attr-defined]
    return render(request, "law25/incident_detail.html", {"entry": entry, "data": entry.data})


def incident_edit_view(request: HttpRequest, incident_id: UUID) -> HttpResponse:
    actor = request.membership  # type: ignore[attr-defined]
    if request.method == "POST":
        incidents_list(actor=actor)
        form = IncidentForm(request.POST)
        incident = None
        if form.is_valid():
            try:
                incident = incident_update(
                    actor=actor, incident_id=incident_id, data=form.incident_data()
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("The register is up to date."))
                return redirect("law25:incident_detail", incident_id=incident.pk)
        entry = incident_get(actor=actor, incident_id=incident_id)
    else:
        entry = incident_get(actor=actor, incident_id=incident_id)
        form = IncidentForm(initial=_initial(entry.data))
    return render(request, "law25/incident_form.html", {"form": form, "incident": entry.incident})
