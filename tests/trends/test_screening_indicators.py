"""The screening indicators table: its counts, before any noise, equal an oracle written here
independently of trends' and screening's code, over the screenings decrypted with the cipher
and the tool's data file read again; a person without a live consent for statistics that
covers exploitation is in no count; a release through HTTP shows the table in French.

The oracle follows docs/trends.md: a person counts in the year and quarter their first case
opened (the same rule as every other table: live consent, first case, not reported by another
member), once in each indicator present in any of their completed screenings, at most
``ARRIMAGE_TRENDS_SCREENING_INDICATORS`` of them in the tool's order, or once as "none" when
the screenings show none. Unattached screenings and screenings left halfway count nowhere.
"""

import json
from pathlib import Path

import pytest
from django.utils import timezone

import arrimage
from arrimage.accounts.models import Role
from arrimage.cases.models import Case
from arrimage.core import crypto
from arrimage.privacy.categories import Category
from arrimage.privacy.consent import consent_withdraw
from arrimage.privacy.models import ConsentRecord
from arrimage.screening import services as screening_services
from arrimage.screening.models import Screening
from arrimage.trends import counting, sources, tasks
from arrimage.trends.models import Release
from tests.conftest import login, run_queued_tasks
from tests.trends.conftest import member, open_case, statistics_consent
from tests.trends.test_counts_oracle import _live_scope, _quarter

pytestmark = pytest.mark.django_db

DATA = Path(arrimage.__file__).parent / "screening" / "data" / "questions.json"
TOOL = json.loads(DATA.read_text(encoding="utf-8"))
INDICATOR_ORDER = [indicator["code"] for indicator in TOOL["indicators"]]
BOUND = 4  # ARRIMAGE_TRENDS_SCREENING_INDICATORS, by default

# Answers given ("yes" where listed; every other question asked is answered "no").
MANY = ["has_worked", "pay_kept", "long_hours", "owe_money", "papers_kept", "threatened", "hurt"]
LABOUR = ["has_worked", "pay_kept", "papers_kept"]
SEXUAL = ["sex_exchange", "sex_decided_by_other", "sex_money_given"]


def test_the_indicators_keep_their_bits():
    """The statistics projection stores a person's indicators as bits in the tool's order:
    a new indicator goes at the end of the data file, never between two others."""
    assert INDICATOR_ORDER[:17] == [
        "ilo_vulnerability", "ilo_deception", "ilo_movement", "ilo_isolation", "ilo_violence",
        "ilo_threats", "ilo_documents", "ilo_wages", "ilo_debt", "ilo_conditions",
        "ilo_overtime", "sex_control", "sex_earnings", "sex_advertised_moved", "sex_minor",
        "current_danger", "recruitment_control",
    ]  # fmt: skip


def _indicators(form: str, answers: dict[str, str]) -> set[str]:
    """From the data file: a question is asked when it has no gate or its gate was answered
    yes; a yes shows its indicators."""
    present: set[str] = set()
    for question in TOOL["questions"]:
        if form == "short" and not question["short"]:
            continue
        gate = question["requires"]
        if gate and answers.get(gate) != "yes":
            continue
        if answers.get(question["code"]) == "yes":
            present.update(question["indicators"])
    return present


def oracle(organisation_ids, year: int) -> dict[tuple[str, str], int]:
    now = timezone.now()
    leaves: dict[tuple[str, str], int] = {}
    for case in Case.objects.filter(lead_organisation_id__in=organisation_ids):
        first = Case.objects.filter(person_id=case.person_id).order_by("opened_at", "pk").first()
        scope = _live_scope(case.person_id, now)
        reported = sources.StatisticsRecord.objects.filter(
            case_id=case.pk, is_reported_elsewhere=True
        ).exists()
        if scope is None or "exploitation" not in scope:
            continue
        if first.pk != case.pk or reported or case.opened_at.year != year:
            continue
        screenings = Screening.objects.filter(person_id=case.person_id, status="completed")
        if not screenings.exists():
            continue
        present: set[str] = set()
        for screening in screenings:
            if screening.is_anonymised:
                present.update(json.loads(crypto.open_field(screening, "indicators_sealed")))
            else:
                answers = json.loads(crypto.open_field(screening, "answers_sealed"))
                present.update(_indicators(screening.form, answers))
        kept = [code for code in INDICATOR_ORDER if code in present][:BOUND] or ["none"]
        for code in kept:
            key = (code, _quarter(case.opened_at.month))
            leaves[key] = leaves.get(key, 0) + 1
    return leaves


def screen(side, case: Case | None, yes: list[str], *, form: str = "short", finish: bool = True):
    actor = member(side)
    screening = screening_services.screening_start(
        actor=actor, form=form, case_id=case.pk if case else None
    )
    while True:
        screening = Screening.objects.get(pk=screening.pk)
        answers = json.loads(crypto.open_field(screening, "answers_sealed"))
        asked = [
            q
            for q in TOOL["questions"]
            if (form == "long" or q["short"])
            and (not q["requires"] or answers.get(q["requires"]) == "yes")
            and q["code"] not in answers
        ]
        if not asked or (not finish and len(answers) >= 3):
            return screening
        code = asked[0]["code"]
        screening_services.screening_answer(
            actor=actor,
            screening_id=screening.pk,
            question=code,
            answer="yes" if code in yes else "no",
        )


def released(side) -> dict[tuple[str, str], int]:
    counted = counting.exact_counts(
        organisation_ids=[side.organisation.pk],
        regions=[side.organisation.region.code],
        year=timezone.now().year,
        sections=["screening"],
    )
    ((spec, leaves),) = counted
    assert spec.key == "screening_indicator_quarter"
    return leaves


def _population(side, partner) -> list[Case]:
    """Persons in every consent situation, screened in several ways."""
    situations = [
        ("given", None, [MANY]),  # more indicators than the bound
        ("given", None, [LABOUR, SEXUAL]),  # two screenings: the union
        ("given", None, [[]]),  # screened, no indicator present
        ("given", [Category.IDENTITY, Category.HEALTH], [MANY]),  # consent without exploitation
        ("given", [Category.EXPLOITATION], [SEXUAL]),
        ("none", None, [MANY]),
        ("withdrawn", None, [LABOUR]),
        ("expired", None, [SEXUAL]),
        ("given", None, []),  # consented, never screened: not in this table
    ]
    cases = []
    for state, categories, screenings in situations:
        case = open_case(side)
        statistics_consent(case, partner.organisation, state=state, categories=categories)
        for yes in screenings:
            screen(side, case, yes)
        cases.append(case)
    # Left halfway, and never attached: counted nowhere.
    screen(side, cases[2], MANY, finish=False)
    screen(side, None, MANY)
    return cases


def test_indicator_counts_equal_the_oracle_and_follow_consent(side_a, partner):
    cases = _population(side_a, partner)
    year = timezone.now().year
    tasks.statistics_refresh.call()
    expected = oracle([side_a.organisation.pk], year)
    quarter = _quarter(timezone.now().month)
    # Three persons with indicators or none, and the one whose consent covers exploitation only.
    assert expected[("none", quarter)] == 1
    assert expected[("ilo_wages", quarter)] == 2  # MANY (within the bound) and LABOUR
    assert expected[("sex_control", quarter)] == 2  # LABOUR + SEXUAL, and SEXUAL alone
    assert expected[("ilo_documents", quarter)] == 2
    assert ("ilo_debt", quarter) not in expected  # MANY's fifth indicator, past the bound
    assert released(side_a) == expected

    # The person with two screenings withdraws their consent: out of every count.
    actor = member(side_a)
    for consent in ConsentRecord.objects.filter(person_id=cases[1].person_id):
        consent_withdraw(actor_membership=actor, consent_id=consent.pk, person=cases[1].person)
    # The person screened with none answers a new screening, with indicators.
    screen(side_a, cases[2], SEXUAL)
    tasks.statistics_refresh.call()
    after = oracle([side_a.organisation.pk], year)
    assert released(side_a) == after
    assert ("none", quarter) not in after
    assert after[("sex_control", quarter)] == 2  # SEXUAL alone, and the new screening


def test_a_person_without_statistics_consent_is_in_no_count(side_a, partner):
    with_consent = open_case(side_a)
    statistics_consent(with_consent, partner.organisation)
    screen(side_a, with_consent, LABOUR)
    without = open_case(side_a)
    screen(side_a, without, SEXUAL + MANY)
    tasks.statistics_refresh.call()
    leaves = released(side_a)
    quarter = _quarter(timezone.now().month)
    assert leaves == {("ilo_documents", quarter): 1, ("ilo_wages", quarter): 1}


def test_two_organisations_with_identical_data_count_alike_and_apart(side_a, side_b, partner):
    for side in (side_a, side_b):
        _population(side, partner)
    tasks.statistics_refresh.call()
    year = timezone.now().year
    for side in (side_a, side_b):
        assert released(side) == oracle([side.organisation.pk], year)
    assert released(side_a) == released(side_b) != {}


def test_a_release_through_http_shows_the_screening_table(client, side_a, partner, coalition):
    for _ in range(6):
        case = open_case(side_a)
        statistics_consent(case, partner.organisation)
        screen(side_a, case, LABOUR)
    login(client, side_a.user(Role.COORDINATOR))
    response = client.post(
        "/tendances/publier/",
        {
            "coalition_id": str(coalition.pk),
            "year": timezone.now().year,
            "method": "suppression",
            "sections_shown": "1",
            "sections": ["screening"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    run_queued_tasks()
    release = Release.objects.get()
    assert [t["key"] for t in release.content["tables"]] == ["screening_indicator_quarter"]
    assert release.content["screening_bound"] == BOUND
    page = client.get(f"/tendances/diffusions/{release.pk}/").content.decode()
    assert "Indicateurs de dépistage par trimestre" in page
    assert "Salaire retenu" in page or "salaire" in page.lower()
