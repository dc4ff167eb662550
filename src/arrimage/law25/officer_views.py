"""The public privacy page, the page where an organisation admin names its officer and
chooses how long closed cases are kept, and the retention dry run of the organisation."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from arrimage.accounts.middleware import two_factor_exempt
from arrimage.core.text import EmailField, TextField
from arrimage.law25.officer import (
    operator_privacy_officer,
    privacy_officer_of,
    privacy_officer_set,
    privacy_officers_public,
)
from arrimage.law25.retention import (
    retention_default_days,
    retention_override_set,
    retention_preview_for,
)
from arrimage.law25.retention_models import (
    MAXIMUM_RETENTION_DAYS,
    MINIMUM_RETENTION_DAYS,
    RetentionOverride,
)
from arrimage.privacy.categories import Category
from arrimage.privacy.policy import categories_firewalled


class OfficerForm(forms.Form):
    name = TextField(label=gettext_lazy("Name"), max_length=150)
    title = TextField(label=gettext_lazy("Title"), max_length=150)
    email = EmailField(label=gettext_lazy("Work email address"), max_length=254, required=False)
    phone = TextField(label=gettext_lazy("Work telephone"), max_length=40, required=False)


class RetentionForm(forms.Form):
    days = forms.IntegerField(
        label=gettext_lazy("Days a closed case is kept before it is anonymised"),
        min_value=MINIMUM_RETENTION_DAYS,
        max_value=MAXIMUM_RETENTION_DAYS,
        required=False,
        help_text=gettext_lazy("Leave empty to follow the instance's time."),
    )


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    for name, texts in error.message_dict.items():
        form.add_error(name if name in form.fields else None, texts)


@login_not_required
@two_factor_exempt
def privacy_notice_view(request: HttpRequest) -> HttpResponse:
    """Public: what Arrimage keeps, the firewall, rights, and who to contact."""
    return render(
        request,
        "law25/privacy_notice.html",
        {
            "operator_officer": operator_privacy_officer(),
            "officers": privacy_officers_public(),
            "categories": Category,
            "firewalled": [c for c in Category if c in categories_firewalled()],
            "retention_years": round(retention_default_days() / 365, 1),
            "retention_days": retention_default_days(),
        },
    )


def privacy_settings_view(request: HttpRequest) -> HttpResponse:
    """Organisation admins: the officer, and the retention time of closed cases."""
    actor = request.membership  # type: ignore[attr-defined]
    officer = privacy_officer_of(actor=actor)
    override = RetentionOverride.objects.filter(organisation_id=actor.organisation_id).first()
    officer_form = OfficerForm(
        initial={
            "name": officer.name,
            "title": officer.title,
            "email": officer.email,
            "phone": officer.phone,
        }
        if officer
        else None,
        prefix="officer",
    )
    retention_form = RetentionForm(
        initial={"days": override.days if override else None}, prefix="retention"
    )
    if request.method == "POST" and request.POST.get("form") == "officer":
        officer_form = OfficerForm(request.POST, prefix="officer")
        if officer_form.is_valid():
            try:
                privacy_officer_set(actor=actor, **officer_form.cleaned_data)
            except ValidationError as error:
                _add_errors(officer_form, error)
            else:
                messages.success(request, _("The person in charge is published."))
                return redirect("law25:privacy_settings")
    elif request.method == "POST" and request.POST.get("form") == "retention":
        retention_form = RetentionForm(request.POST, prefix="retention")
        if retention_form.is_valid():
            try:
                retention_override_set(actor=actor, days=retention_form.cleaned_data["days"])
            except ValidationError as error:
                _add_errors(retention_form, error)
            else:
                messages.success(request, _("The retention time is saved."))
                return redirect("law25:privacy_settings")
    return render(
        request,
        "law25/privacy_settings.html",
        {
            "officer": officer,
            "officer_form": officer_form,
            "retention_form": retention_form,
            "override": override,
            "default_days": retention_default_days(),
        },
    )


def _preview_sentence(target_type: str, count: int) -> str:
    if target_type == "case":
        return ngettext(
            "%(count)s case would be anonymised, with the free text of its referrals.",
            "%(count)s cases would be anonymised, with the free text of their referrals.",
            count,
        ) % {"count": count}
    if target_type == "screening":
        return ngettext(
            "%(count)s screening never attached to a case would be deleted.",
            "%(count)s screenings never attached to a case would be deleted.",
            count,
        ) % {"count": count}
    return f"{target_type}: {count}"


@require_GET
def retention_preview_view(request: HttpRequest) -> HttpResponse:
    """Organisation admins: what the next retention run would anonymise in their organisation
    (the dry run). Reading this page writes nothing."""
    preview = retention_preview_for(actor=request.membership)  # type: ignore[attr-defined]
    return render(
        request,
        "law25/retention_preview.html",
        {
            "preview": preview,
            "closed_before": date_format(preview.closed_before, "DATE_FORMAT"),
            "sentences": [
                _preview_sentence(line.target_type, line.count) for line in preview.lines
            ],
        },
    )
