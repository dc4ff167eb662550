"""What other parts of Arrimage add to a service's page, without the directory importing them.

The directory sits below orientation: it cannot ask orientation how a service answers its
referrals. Orientation registers a panel provider instead (``orientation/apps.py``), and the
service page shows what each provider returns for the reader::

    def response_panel(*, actor: Membership | None, service_id: UUID) -> ServicePanel | None:
        ...

    service_panel_register("response_indicator", response_panel)

A provider decides who sees its panel (``None``: nothing for this reader) and reads only its
own part's data.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

from arrimage.accounts.models import Membership


@dataclass(frozen=True)
class ServicePanel:
    """A template to include on the service page, with its own context (``panel`` there)."""

    template: str
    context: Mapping[str, object] = field(default_factory=dict)


class ServicePanelProvider(Protocol):
    def __call__(self, *, actor: Membership | None, service_id: UUID) -> ServicePanel | None: ...


SERVICE_PANELS: dict[str, ServicePanelProvider | Callable[..., ServicePanel | None]] = {}


def service_panel_register(name: str, provider: ServicePanelProvider) -> None:
    """Add (or replace, under the same name) a panel of the service page."""
    SERVICE_PANELS[name] = provider


def service_panels(*, actor: Membership | None, service_id: UUID) -> list[ServicePanel]:
    """The panels this reader sees on the page of this service, in registration order."""
    panels = []
    for provider in SERVICE_PANELS.values():
        panel = provider(actor=actor, service_id=service_id)
        if panel is not None:
            panels.append(panel)
    return panels
