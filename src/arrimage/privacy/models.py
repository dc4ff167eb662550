"""The kernel's models: consent records and information-sharing agreements.

The audit log and the data keys are in ``core/models.py`` (their tables keep the names
``privacy_*``)."""

from arrimage.privacy.sharing_models import (
    ConsentMethod,
    ConsentRecord,
    SharingAgreement,
    SharingRule,
)

__all__ = ["ConsentMethod", "ConsentRecord", "SharingAgreement", "SharingRule"]
