"""The Law 25 registers: confidentiality incidents, the person in charge of personal
information, and each organisation's retention time.

The tables were created by the privacy app and keep their names (``privacy_*``).
"""

from arrimage.law25.incidents_models import ConfidentialityIncident, RiskLevel
from arrimage.law25.officer_models import PrivacyOfficer
from arrimage.law25.retention_models import RetentionOverride

__all__ = ["ConfidentialityIncident", "PrivacyOfficer", "RetentionOverride", "RiskLevel"]
