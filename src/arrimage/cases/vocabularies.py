"""Picklists. Those marked HTCDS come from the IOM Human Trafficking Case Data Standard
(``standards/htcds-2.0/``); the labels are translated.

Some codes were stored before HTCDS 2.0 renamed or reshaped their lists: they stay valid for
what was recorded, are no longer offered (``*_RETIRED``), and ``HTCDS_*`` maps every stored
code onto its HTCDS 2.0 value name where one means exactly the same (the HTCDS export,
``trends/exports.py``). A code without an exact match maps to nothing: the export leaves the
HTCDS column empty rather than guess, and gives the recorded code beside it."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):
    """HTCDS prs_Gender."""

    FEMALE = "Female", _("Female")
    MALE = "Male", _("Male")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Trans woman or transfeminine")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Trans man or transmasculine")
    NON_CONFORMING = "NonConforming", _("Gender non-conforming or non-binary")
    TRANSGENDER_NONCONFORMING = (
        "TransgenderNonConforming",
        _("Transgender or gender non-conforming"),
    )
    UNKNOWN = "Unknown", _("Unknown or prefers not to say")


# HTCDS 2.0 split "transgender or non-conforming" in three.
GENDERS_RETIRED = frozenset({Gender.TRANSGENDER_NONCONFORMING.value})
HTCDS_GENDER: dict[str, str] = {
    Gender.FEMALE: "Feminine",
    Gender.MALE: "Masculine",
    Gender.TRANSGENDER_FEMININE: "TransgenderFeminine",
    Gender.TRANSGENDER_MASCULINE: "TransgenderMasculine",
    Gender.NON_CONFORMING: "NonConforming",
    Gender.UNKNOWN: "NonSpecifiedUnknown",
}


class AgeBand(models.TextChoices):
    UNDER_18 = "0-17", _("Under 18")
    AGE_18_24 = "18-24", _("18 to 24")
    AGE_25_34 = "25-34", _("25 to 34")
    AGE_35_44 = "35-44", _("35 to 44")
    AGE_45_59 = "45-59", _("45 to 59")
    AGE_60_PLUS = "60+", _("60 and over")


def age_band_for(year_of_birth: int, year: int) -> str:
    age = year - year_of_birth
    for band, low in (("60+", 60), ("45-59", 45), ("35-44", 35), ("25-34", 25), ("18-24", 18)):
        if age >= low:
            return band
    return "0-17"


class CaseStatus(models.TextChoices):
    """HTCDS cas_Status."""

    ACTIVE = "Active", pgettext_lazy("case status", "Active")
    FOLLOW_UP = "FollowUp", pgettext_lazy("case status", "Follow-up")
    CLOSED = "Closed", pgettext_lazy("case status", "Closed")
    CLOSED_REFERRED = "ClosedReferred", pgettext_lazy("case status", "Closed, referred")


class NeedType(models.TextChoices):
    SAFETY = "safety", _("Safety")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Physical health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    LEGAL = "legal", _("Legal help")
    IMMIGRATION = "immigration", _("Immigration help")
    INCOME = "income", _("Income and benefits")
    EMPLOYMENT = "employment", _("Work and training")
    LANGUAGE = "language", _("Interpretation and language")
    CHILDREN = "children", _("Children and family")
    OTHER = "other", pgettext_lazy("need", "Other")


class Urgency(models.TextChoices):
    HIGH = "high", pgettext_lazy("urgency", "High")
    MEDIUM = "medium", pgettext_lazy("urgency", "Medium")
    LOW = "low", pgettext_lazy("urgency", "Low")


class NeedStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("need status", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("need status", "In progress")
    MET = "met", pgettext_lazy("need status", "Met")
    UNMET = "unmet", pgettext_lazy("need status", "Could not be met")


class GoalStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("goal status", "Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("goal status", "In progress")
    REACHED = "reached", pgettext_lazy("goal status", "Reached")
    DROPPED = "dropped", pgettext_lazy("goal status", "Set aside")


class TaskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("task status", "To do")
    DONE = "done", pgettext_lazy("task status", "Done")


class TaskKind(models.TextChoices):
    MANUAL = "manual", pgettext_lazy("task kind", "Task")
    PERMIT_RENEWAL = "permit_renewal", _("Permit renewal")
    HEALTH_FOLLOW_UP = "health_follow_up", _("Health follow-up")


class TraffickingStatus(models.TextChoices):
    """HTCDS Trafficking Status. Optional: no label is required to get help."""

    POSSIBLE = "PossibleVictim", _("Possible victim of trafficking")
    ACTUAL = "ActualVictim", _("Actual victim of trafficking")
    NOT = "NotAVictim", _("Not a victim of trafficking")


HTCDS_TRAFFICKING_STATUS: dict[str, str] = {
    TraffickingStatus.POSSIBLE: "PossibleVictimOfTrafficking",
    TraffickingStatus.ACTUAL: "ActualVictimOfTrafficking",
    TraffickingStatus.NOT: "NotAVictimOfTrafficking",
}


class StatusDecidedBy(models.TextChoices):
    PERSON = "person", _("The person themself")
    ORGANISATION = "organisation", _("Our organisation")
    IRCC = "ircc", _("Immigration, Refugees and Citizenship Canada")
    COURT = "court", _("A court")
    OTHER = "other", pgettext_lazy("decided by", "Other")


# HTCDS vic_TraffickingStatusDecisionMakingOrg. The person and "our organisation" (which may
# or may not be an NGO) have no exact match.
HTCDS_DECIDED_BY: dict[str, str] = {
    StatusDecidedBy.IRCC: "NonPoliceGovernmentalOrganization",
    StatusDecidedBy.COURT: "CourtOrProsecution",
    StatusDecidedBy.OTHER: "Other",
}


class SexExploitationType(models.TextChoices):
    """HTCDS vic_TypeOfSexExploitation."""

    PROSTITUTION = "Prostitution", _("Prostitution")
    PORNOGRAPHY = "Pornography", _("Pornography")
    REMOTE_INTERACTIVE = "RemoteInteractiveServices", _("Remote interactive services")
    PRIVATE_SEXUAL = "PrivateSexualServices", _("Private sexual services")


class LabourExploitationType(models.TextChoices):
    """HTCDS 1.0 vic_TypeOfLabourExploitation; HTCDS 2.0 gives the industry instead (ISIC,
    ``HTCDS_FORCED_LABOUR_INDUSTRY``) and the kind of exploitation (``htcds_exploitation``)."""

    AGRICULTURE = "Agriculture", _("Agriculture")
    AQUAFARMING = "Aquafarming", _("Aquafarming")
    BEGGING = "Begging", _("Begging")
    CONSTRUCTION = "Construction", _("Construction")
    DOMESTIC_WORK = "DomesticWork", _("Domestic work")
    HOSPITALITY = "Hospitality", _("Hospitality")
    ILLICIT_ACTIVITIES = "IllicitActivities", _("Illicit activities")
    MANUFACTURING = "Manufacturing", _("Manufacturing")
    MINING = "MiningOrDrilling", _("Mining or drilling")
    PEDDLING = "Peddling", _("Peddling")
    TRANSPORTATION = "Transportation", _("Transportation")
    OTHER = "Other", pgettext_lazy("exploitation", "Other")


# The ISIC section (HTCDS vic_ForcedLabourIndustry) of each kind of labour. Begging and illicit
# activities are kinds of exploitation, not industries; "other" names none.
HTCDS_FORCED_LABOUR_INDUSTRY: dict[str, str] = {
    LabourExploitationType.AGRICULTURE: "A_AgricultureForestryAndFishing",
    LabourExploitationType.AQUAFARMING: "A_AgricultureForestryAndFishing",
    LabourExploitationType.MINING: "B_MiningAndQuarrying",
    LabourExploitationType.MANUFACTURING: "C_Manufacturing",
    LabourExploitationType.CONSTRUCTION: "F_Construction",
    LabourExploitationType.PEDDLING: "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
    LabourExploitationType.TRANSPORTATION: "H_TransportationAndStorage",
    LabourExploitationType.HOSPITALITY: "I_AccommodationAndFoodServiceActivities",
    LabourExploitationType.DOMESTIC_WORK: "T_ActivitiesOfHouseholdsAsEmployers",
}


def htcds_exploitation(*, sex_types: list[str], labour_types: list[str]) -> list[str]:
    """HTCDS vic_TypeOfExploitation from what was recorded: forced begging and illicit
    activities ("other" in HTCDS 2.0) are told apart from forced labour."""
    found = []
    if sex_types:
        found.append("SexualExploitation")
    labour = set(labour_types)
    if labour - {LabourExploitationType.BEGGING, LabourExploitationType.ILLICIT_ACTIVITIES}:
        found.append("ForcedLabour")
    if LabourExploitationType.BEGGING in labour:
        found.append("ForcedBegging")
    if LabourExploitationType.ILLICIT_ACTIVITIES in labour:
        found.append("Other")
    return found


class MethodOfControl(models.TextChoices):
    """HTCDS Methods Of Control."""

    DEBT_BONDAGE = "DebtBondage", _("Debt bondage")
    TAKES_EARNINGS = "TakesEarnings", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "RestrictsFinancialAccess", _("Restricts access to money")
    THREATS = "Threats", _("Threats")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Psychological abuse")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Physical abuse")
    SEXUAL_ABUSE = "SexualAbuse", _("Sexual abuse")
    FALSE_PROMISES = "FalsePromises", _("False promises")
    PSYCHOACTIVE_SUBSTANCES = "PsychoactiveSubstances", _("Psychoactive substances")
    RESTRICTS_MOVEMENT = "RestrictsMovement", _("Restricts movement")
    RESTRICTS_MEDICAL_CARE = "RestrictsMedicalCare", _("Restricts medical care")
    EXCESSIVE_WORKING_HOURS = "ExcessiveWorkingHours", _("Excessive working hours")
    USES_CHILDREN = "UsesChildren", _("Uses children")
    THREAT_OF_LAW_ENFORCEMENT = "ThreatOfLawEnforcement", _("Threat of law enforcement")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _("Withholds necessities")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Withholds documents")
    OTHER = "Other", pgettext_lazy("control", "Other")


class MethodOfRecruitment(models.TextChoices):
    """HTCDS vic_MethodOfRecruitment: the HTCDS 2.0 list first, then the codes recorded before
    it (retired)."""

    AT_A_PLACE_OF_BUSINESS = "AtAPlaceOfBusiness", _("At a place of business")
    AT_AN_EDUCATIONAL_INSTITUTION = "AtAnEducationalInstitution", _("At an educational institution")
    AT_WORK = "AtWork", _("At work")
    THROUGH_ONLINE_SOCIAL_NETWORKS = (
        "ThroughOnlineSocialNetworks",
        _("Through online social networks"),
    )
    THROUGH_AN_ONLINE_ADVERTISEMENT = (
        "ThroughAnOnlineAdvertisement",
        _("Through an online advertisement"),
    )
    THROUGH_A_TELEVISION_ADVERT = "ThroughATelevisionAdvert", _("Through a television advert")
    THROUGH_A_NEWSPAPER_ADVERT = "ThroughANewspaperAdvert", _("Through a newspaper advert")
    THROUGH_FAMILY = "ThroughFamilyOrFamilyEvents", _("Through family or family events")
    THROUGH_FRIENDS = "ThroughFriendsOrSocialEvents", _("Through friends or social events")
    ABDUCTION = "Abduction", _("Abduction")
    EDUCATIONAL_FACILITY = "EducationalFacility", _("Educational facility")
    FAMILIAL = "Familial", _("Family")
    INTERNET = "Internet", _("Internet (social media, online advertisement)")
    MARRIAGE_BROKER = "InternationalMarriageBroker", _("International marriage broker")
    INTIMATE_PARTNER = "IntimatePartner", _("Intimate partner or marriage proposal")
    JOB_OFFER = "JobOffer", _("Job offer or advertisement")
    POSING_AS_BENEFACTOR = "PosingAsBenefactor", _("Posing as benefactor")
    PUBLIC_AREA = "PublicArea", _("Public area")
    OFFER_OF_ACCOMMODATION = "OfferOfAccommodation", _("Offer of accommodation")
    SHELTER = "Shelter", _("Shelter")
    SMUGGLING = "Smuggling", _("Smuggling, ransom")
    WORK = "Work", _("Work")
    OTHER = "Other", pgettext_lazy("recruitment", "Other")
    UNKNOWN = "Unknown", pgettext_lazy("recruitment", "Unknown")


RECRUITMENTS_RETIRED = frozenset(
    {
        MethodOfRecruitment.ABDUCTION.value,
        MethodOfRecruitment.EDUCATIONAL_FACILITY.value,
        MethodOfRecruitment.FAMILIAL.value,
        MethodOfRecruitment.INTERNET.value,
        MethodOfRecruitment.MARRIAGE_BROKER.value,
        MethodOfRecruitment.INTIMATE_PARTNER.value,
        MethodOfRecruitment.JOB_OFFER.value,
        MethodOfRecruitment.POSING_AS_BENEFACTOR.value,
        MethodOfRecruitment.PUBLIC_AREA.value,
        MethodOfRecruitment.OFFER_OF_ACCOMMODATION.value,
        MethodOfRecruitment.SHELTER.value,
        MethodOfRecruitment.SMUGGLING.value,
        MethodOfRecruitment.WORK.value,
        MethodOfRecruitment.UNKNOWN.value,
    }
)
HTCDS_RECRUITMENT: dict[str, str] = {
    **{code: code for code in MethodOfRecruitment.values if code not in RECRUITMENTS_RETIRED},
    MethodOfRecruitment.EDUCATIONAL_FACILITY: "AtAnEducationalInstitution",
    MethodOfRecruitment.FAMILIAL: "ThroughFamilyOrFamilyEvents",
    MethodOfRecruitment.WORK: "AtWork",
}


def offered(
    choices: list[tuple[str, Any]], retired: frozenset[str], *, recorded: Any = ()
) -> list[tuple[str, Any]]:
    """A picklist without its retired codes, but those already ``recorded`` (so that saving
    the form again keeps them)."""
    kept = set(recorded or ())
    return [(code, label) for code, label in choices if code not in retired or code in kept]


class ImmigrationStatus(models.TextChoices):
    CITIZEN = "citizen", _("Canadian citizen")
    PERMANENT_RESIDENT = "permanent_resident", _("Permanent resident")
    TRP_VICTIM = "trp_victim", _("Temporary resident permit for victims of trafficking")
    WORK_PERMIT = "work_permit", _("Work permit")
    STUDY_PERMIT = "study_permit", _("Study permit")
    VISITOR = "visitor", _("Visitor")
    ASYLUM_CLAIMANT = "asylum_claimant", _("Refugee claimant")
    PROTECTED_PERSON = "protected_person", _("Protected person")
    NO_STATUS = "no_status", _("No status")
    UNKNOWN = "unknown", _("Unknown")


class ApplicationStatus(models.TextChoices):
    NONE = "none", pgettext_lazy("application", "None")
    PLANNED = "planned", pgettext_lazy("application", "Being prepared")
    FILED = "filed", pgettext_lazy("application", "Filed")
    ACCEPTED = "accepted", pgettext_lazy("application", "Accepted")
    REFUSED = "refused", pgettext_lazy("application", "Refused")


class Coverage(models.TextChoices):
    IFHP = "ifhp", _("Interim Federal Health Program (IFHP)")
    RAMQ = "ramq", _("RAMQ")
    COMMUNITY = "community", _("Community-funded")
    NONE = "none", _("No coverage")


class FollowUpKind(models.TextChoices):
    REFERRAL = "referral", pgettext_lazy("health", "Referral")
    APPOINTMENT = "appointment", pgettext_lazy("health", "Appointment")


class FollowUpStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("follow-up", "Planned")
    DONE = "done", pgettext_lazy("follow-up", "Done")
    MISSED = "missed", pgettext_lazy("follow-up", "Missed")
    CANCELLED = "cancelled", pgettext_lazy("follow-up", "Cancelled")


# Official pages: Arrimage links them rather than restating rules that change.
IRCC_LINKS = {
    "trp_victims": (
        "https://www.canada.ca/en/immigration-refugees-citizenship/services/"
        "refugees/victims-human-trafficking.html"
    ),
    "asylum": (
        "https://www.canada.ca/en/immigration-refugees-citizenship/services/"
        "refugees/claim-protection-inside-canada.html"
    ),
    "humanitarian": (
        "https://www.canada.ca/en/immigration-refugees-citizenship/services/"
        "immigrate-canada/humanitarian-compassionate-grounds.html"
    ),
    "ifhp": (
        "https://www.canada.ca/en/immigration-refugees-citizenship/services/"
        "refugees/help-within-canada/health-care/interim-federal-health-program.html"
    ),
}

LANGUAGE_CODES = (
    "fr",
    "en",
    "es",
    "pt",
    "ar",
    "zh",
    "tl",
    "vi",
    "uk",
    "ru",
    "ro",
    "hi",
    "pa",
    "ta",
    "sw",
    "ht",
    "am",
    "ti",
    "so",
    "fa",
    "ko",
    "th",
)

# The name of each language of LANGUAGE_CODES, (French, English): the case page shows names, never
# codes. Codes outside the list fall back to Django's names, then to the code itself.
LANGUAGE_NAMES: dict[str, tuple[str, str]] = {
    "fr": ("français", "French"),
    "en": ("anglais", "English"),
    "es": ("espagnol", "Spanish"),
    "pt": ("portugais", "Portuguese"),
    "ar": ("arabe", "Arabic"),
    "zh": ("chinois", "Chinese"),
    "tl": ("tagalog", "Tagalog"),
    "vi": ("vietnamien", "Vietnamese"),
    "uk": ("ukrainien", "Ukrainian"),
    "ru": ("russe", "Russian"),
    "ro": ("roumain", "Romanian"),
    "hi": ("hindi", "Hindi"),
    "pa": ("pendjabi", "Punjabi"),
    "ta": ("tamoul", "Tamil"),
    "sw": ("swahili", "Swahili"),
    "ht": ("créole haïtien", "Haitian Creole"),
    "am": ("amharique", "Amharic"),
    "ti": ("tigrigna", "Tigrinya"),
    "so": ("somali", "Somali"),
    "fa": ("persan", "Persian"),
    "ko": ("coréen", "Korean"),
    "th": ("thaï", "Thai"),
}
