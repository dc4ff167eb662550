"""The screening as a caseworker uses it, through HTTP: the two forms, the four answers, skip
logic, saving halfway and resuming, attaching to a case later, bad input, and a result that
lists indicators and next steps and never a verdict."""

import json
import re

import pytest
from django.utils import translation

from arrimage.core.audit import AuditEvent
from arrimage.screening.models import Screening
from arrimage.screening.questions import TOOL, Answer, Form, question_next, questions_visible
from tests.conftest import login
from tests.screening.conftest import ANSWERS, case_open, membership

pytestmark = pytest.mark.django_db

# Words of a verdict, in French and English. None may appear in a field name, a page or an
# API answer of the screening.
VERDICT = re.compile(
    r"verdict|trafficked|victime de la traite|victim of (human )?trafficking|is a victim"
    r"|est victime|traite\s*:\s*(oui|non)|trafficking\s*:\s*(yes|no)|score|positi[fv]|négati[fv]"
    r"|negative|confirm|diagnos|conclusion|is_victim",
    re.IGNORECASE,
)


def _start(client, form: str = "short", case_id=None) -> Screening:
    data = {"form": form}
    if case_id:
        data["dossier"] = str(case_id)
    before = set(Screening.objects.values_list("pk", flat=True))
    response = client.post("/depistage/nouveau/", data)
    assert response.status_code == 302, response.content[:300]
    (new,) = set(Screening.objects.values_list("pk", flat=True)) - before
    assert response["Location"] == f"/depistage/{new}/"
    return Screening.objects.get(pk=new)


def _answer(client, screening: Screening, question: str, answer: str) -> None:
    response = client.post(f"/depistage/{screening.pk}/", {"question": question, "answer": answer})
    assert response.status_code == 302, response.content.decode()[:500]


def _asked(client, screening: Screening) -> str:
    """The code of the question the page asks now."""
    response = client.get(f"/depistage/{screening.pk}/")
    assert response.status_code == 200
    return re.search(r'name="question" value="([a-z_0-9]+)"', response.content.decode()).group(1)


def test_the_short_form_has_about_fifteen_questions_and_the_long_form_more():
    short = TOOL.questions_of(Form.SHORT)
    assert 13 <= len(short) <= 17
    assert len(TOOL.questions_of(Form.LONG)) > len(short)
    ilo = {code for code in TOOL.indicators if code.startswith("ilo_")}
    assert len(ilo) == 11, "the ILO's 11 forced-labour indicators"
    asked = {code for q in TOOL.questions for code in q.indicators}
    assert ilo <= asked, "each ILO indicator has a question"
    for question in TOOL.questions:
        assert question.text.fr and question.text.en and question.text.fr != question.text.en
        assert question.indicators or any(q.requires == question.code for q in TOOL.questions)
        # French typography: a non-breaking space before the question mark.
        assert question.text.fr.endswith("\u00a0?"), question.code
        assert " ?" not in question.text.fr


def test_questions_about_work_are_skipped_for_a_person_who_did_no_work(client, sworld):
    login(client, sworld.a.user("caseworker"))
    screening = _start(client)
    _answer(client, screening, "safe_now", "no")
    assert _asked(client, screening) == "has_worked"
    _answer(client, screening, "has_worked", "no")
    assert _asked(client, screening) == "owe_money", "work_different and pay_kept are skipped"
    # Answering a skipped question is refused and writes nothing.
    before = Screening.objects.get(pk=screening.pk).answers_sealed
    response = client.post(f"/depistage/{screening.pk}/", {"question": "pay_kept", "answer": "yes"})
    assert response.status_code == 400
    assert "pas partie de ce dépistage" in response.content.decode()
    assert bytes(Screening.objects.get(pk=screening.pk).answers_sealed) == bytes(before)
    # A gate answered "yes" asks the workplace questions.
    assert [q.code for q in questions_visible("short", {"has_worked": "yes"})][2:5] == [
        "work_different",
        "pay_kept",
        "long_hours",
    ]


def test_a_partial_screening_saves_and_resumes_in_another_session(client, sworld):
    login(client, sworld.a.user("caseworker"))
    screening = _start(client)
    for question, answer in list(ANSWERS.items())[:4]:
        assert _asked(client, screening) == question
        _answer(client, screening, question, answer)
    client.logout()

    login(client, sworld.a.user("caseworker"))
    listing = client.get("/depistage/").content.decode()
    assert f'data-screening="{screening.pk}"' in listing
    assert "En cours" in listing
    home = client.get("/tableau/").content.decode()
    assert f"/depistage/{screening.pk}/" in home, "the home page offers to resume it"
    assert _asked(client, screening) == "long_hours"
    result = client.get(f"/api/screenings/{screening.pk}").json()
    assert [a["answer"] for a in result["answers"][:4]] == list(ANSWERS.values())[:4]
    assert result["is_complete"] is False

    answers = dict(list(ANSWERS.items())[:4])
    while (question := question_next("short", answers)) is not None:
        _answer(client, screening, question.code, "no")
        answers[question.code] = "no"
    response = client.get(f"/depistage/{screening.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/depistage/{screening.pk}/resultat/"
    assert Screening.objects.get(pk=screening.pk).status == "completed"


def test_changing_a_gate_erases_the_answers_it_no_longer_asks(client, sworld):
    login(client, sworld.a.user("caseworker"))
    screening = _start(client)
    for question in ("safe_now", "has_worked", "work_different", "pay_kept"):
        _answer(client, screening, question, "yes")
    _answer(client, screening, "has_worked", "no")
    answers = {
        a["question"]: a["answer"]
        for a in client.get(f"/api/screenings/{screening.pk}").json()["answers"]
    }
    assert "work_different" not in answers and "pay_kept" not in answers
    assert answers["has_worked"] == "no"


def test_the_result_lists_indicators_next_steps_and_matching_services(client, sworld):
    login(client, sworld.a.user("caseworker"))
    page = client.get(f"/depistage/{sworld.attached_a.pk}/resultat/").content.decode()
    for code in ("ilo_deception", "ilo_wages", "ilo_documents"):
        assert f'data-indicator="{code}"' in page
    # "Does not know" and "prefers not to answer" show no indicator.
    assert 'data-indicator="ilo_overtime"' not in page
    assert 'data-indicator="ilo_debt"' not in page
    assert 'data-step="labour_rights"' in page and 'data-step="documents_help"' in page
    assert 'action="/orientation/"' in page
    assert 'name="needs" value="immigration_legal"' in page
    assert f"/orientation/dossier/{sworld.case_a.pk}/" in page
    assert "1-833-900-1010" in page
    # The needs go to the matching page, which answers with services (none required).
    needs = re.findall(r'name="needs" value="([a-z_]+)"', page)
    response = client.post("/orientation/", {"needs": needs})
    assert response.status_code == 200


def test_no_verdict_anywhere(client, sworld):
    names = [f.name for f in Screening._meta.get_fields()]
    assert not [n for n in names if VERDICT.search(n)], names
    for text in (*(q.text for q in TOOL.questions), *(i.label for i in TOOL.indicators.values())):
        assert not VERDICT.search(text.fr) and not VERDICT.search(text.en), text
    for step in TOOL.steps.values():
        assert not VERDICT.search(step.text.fr) and not VERDICT.search(step.text.en), step
    login(client, sworld.a.user("caseworker"))
    for language in ("fr", "en"):
        client.post("/compte/langue/", {"language": language})
        pages = {
            "result": client.get(f"/depistage/{sworld.attached_a.pk}/resultat/"),
            "list": client.get("/depistage/"),
            "question": client.get(f"/depistage/{sworld.attached_a.pk}/"),
            "start": client.get("/depistage/nouveau/"),
        }
        for name, response in pages.items():
            assert response.status_code == 200, name
            body = response.content.decode()
            main = body[body.index("<main") : body.index("</main>")]
            found = VERDICT.search(main)
            assert found is None, (language, name, found and found.group(0))
        marker = "Indicators present" if language == "en" else "Indicateurs présents"
        assert marker in pages["result"].content.decode()
        for url in (f"/api/screenings/{sworld.attached_a.pk}", "/api/screenings/"):
            body = json.dumps(client.get(url).json(), ensure_ascii=False)
            assert VERDICT.search(body) is None, (language, url)


def test_every_answer_is_one_of_four(client, sworld):
    with translation.override("fr"):
        labels = [str(label) for _, label in Answer.choices]
    assert labels == [
        "Oui",
        "Non",
        "Ne sait pas",
        "Préfère ne pas répondre",
    ]
    login(client, sworld.a.user("caseworker"))
    screening = sworld.loose_a
    before = bytes(Screening.objects.get(pk=screening.pk).answers_sealed)
    events = AuditEvent.objects.filter(action="screening_answered").count()
    response = client.post(
        f"/depistage/{screening.pk}/", {"question": "owe_money", "answer": "peut-être"}
    )
    assert response.status_code == 400
    assert "Choisissez une des quatre réponses" in response.content.decode()
    assert bytes(Screening.objects.get(pk=screening.pk).answers_sealed) == before
    assert AuditEvent.objects.filter(action="screening_answered").count() == events
    count = Screening.objects.count()
    response = client.post("/depistage/nouveau/", {"form": "moyen"})
    assert response.status_code == 400
    assert "forme courte ou la forme longue" in response.content.decode()
    assert Screening.objects.count() == count
    assert client.post("/depistage/nouveau/", {"form": "short", "dossier": "x"}).status_code == 404
    assert Screening.objects.count() == count


def test_a_screening_started_without_a_case_is_attached_later(client, sworld):
    login(client, sworld.a.user("caseworker"))
    screening = sworld.loose_a
    other_case = case_open(sworld.a, "Personne A2")
    page = client.get(f"/depistage/?dossier={other_case.pk}").content.decode()
    assert f"/depistage/{screening.pk}/rattacher/" in page
    # A case of organisation B is not one the actor may write: 404, nothing changes.
    response = client.post(
        f"/depistage/{screening.pk}/rattacher/", {"dossier": str(sworld.case_b.pk)}
    )
    assert response.status_code == 404
    assert Screening.objects.get(pk=screening.pk).case_id is None

    response = client.post(f"/depistage/{screening.pk}/rattacher/", {"dossier": str(other_case.pk)})
    assert response.status_code == 302
    attached = Screening.objects.get(pk=screening.pk)
    assert (attached.case_id, attached.person_id) == (other_case.pk, other_case.person_id)
    page = client.get(f"/depistage/?dossier={other_case.pk}").content.decode()
    assert f'data-screening="{screening.pk}"' in page
    # Attached once: a second case is refused with a message.
    client.post(f"/depistage/{screening.pk}/rattacher/", {"dossier": str(sworld.case_a.pk)})
    assert Screening.objects.get(pk=screening.pk).case_id == other_case.pk


def test_the_case_page_links_to_its_screenings(client, sworld):
    login(client, sworld.a.user("caseworker"))
    page = client.get(f"/dossiers/{sworld.case_a.pk}/").content.decode()
    assert f"/depistage/?dossier={sworld.case_a.pk}" in page
    screening = _start(client, case_id=sworld.case_a.pk)
    assert screening.case_id == sworld.case_a.pk
    assert screening.person_id == sworld.case_a.person_id


def test_answers_are_sealed_at_rest(sworld):
    raw = bytes(Screening.objects.get(pk=sworld.attached_a.pk).answers_sealed)
    for plain in (b"papers_kept", b"yes", b"declined"):
        assert plain not in raw
    assert membership(sworld.a).organisation_id == sworld.attached_a.organisation_id


def test_skipping_a_question_records_prefers_not_to_answer_and_moves_on(client, sworld):
    login(client, sworld.a.user("caseworker"))
    screening = _start(client)
    first = _asked(client, screening)
    page = client.get(f"/depistage/{screening.pk}/").content.decode()
    assert 'name="skip"' in page and "Passer cette question" in page
    counter = re.compile(r'id="question-count">Question (\d+) ·\D*(\d+)')
    assert counter.search(page).group(1) == "1"
    left = int(counter.search(page).group(2))
    response = client.post(f"/depistage/{screening.pk}/", {"question": first, "skip": "1"})
    assert response.status_code == 302
    answers = {
        a["question"]: a["answer"]
        for a in client.get(f"/api/screenings/{screening.pk}").json()["answers"]
    }
    assert answers[first] == Answer.DECLINED
    assert _asked(client, screening) != first
    page = client.get(f"/depistage/{screening.pk}/").content.decode()
    assert counter.search(page).groups() == ("2", str(left - 1))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_saving_with_no_answer_asks_again_with_a_message(client, sworld, language):
    login(client, sworld.a.user("caseworker"))
    client.post("/compte/langue/", {"language": language, "next": "/"})
    screening = _start(client)
    _answer(client, screening, _asked(client, screening), "no")
    asked = _asked(client, screening)
    before = bytes(Screening.objects.get(pk=screening.pk).answers_sealed)
    events = AuditEvent.objects.filter(action="screening_answered").count()
    response = client.post(f"/depistage/{screening.pk}/", {"question": asked})
    assert response.status_code == 400
    page = response.content.decode()
    message = {
        "fr": "Choisissez une réponse, ou passez la question.",
        "en": "Choose an answer, or skip the question.",
    }[language]
    assert f'role="alert" id="answer-missing">{message}</p>' in page
    assert f'name="question" value="{asked}"' in page
    assert bytes(Screening.objects.get(pk=screening.pk).answers_sealed) == before
    assert AuditEvent.objects.filter(action="screening_answered").count() == events
