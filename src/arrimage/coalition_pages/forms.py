"""Forms of a coalition's life: what a coordinator writes. Validated here, once."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from arrimage.coalition_pages.models import CoalitionText, TextKind
from arrimage.core.text import NAME, NOTE, TextField

NO_PERSONAL_DATA = gettext_lazy(
    "Coalition-level text, read by every member organisation: never write a person's name, "
    "details or story here. Cases are discussed in the cases, under their consent."
)


def _date(label: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class CoalitionTextForm(forms.Form):
    title = TextField(label=gettext_lazy("Title"), max_length=NAME)
    body = TextField(
        label=gettext_lazy("Text"),
        max_length=NOTE,
        help_text=NO_PERSONAL_DATA,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    happened_on = _date(gettext_lazy("Date"))
    replaces = forms.TypedChoiceField(
        label=gettext_lazy("Replaces an earlier decision"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args: Any, kind: str, decisions: list[CoalitionText], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == TextKind.ANNOUNCEMENT:
            del self.fields["happened_on"]
        elif kind == TextKind.MINUTES:
            self.fields["happened_on"].label = gettext_lazy("Date of the meeting")
        else:
            self.fields["happened_on"].label = gettext_lazy("Date of the decision")
        if kind == TextKind.DECISION:
            replaces = self.fields["replaces"]
            assert isinstance(replaces, forms.TypedChoiceField)
            replaces.choices = [("", "—")] + [(d.pk, f"{d.number}. {d.title}") for d in decisions]
        else:
            del self.fields["replaces"]


class TrainingSessionForm(forms.Form):
    held_on = _date(gettext_lazy("Date"))
    topic = TextField(label=gettext_lazy("Topic"), max_length=NAME)
    trainer = TextField(
        label=gettext_lazy("Trainer"),
        max_length=NAME,
        help_text=gettext_lazy("The person or organisation who gives the training."),
    )
