"""The screening tool as data: indicators, next steps and questions, in French and English
(``data/questions.json``, read once at import and checked).

Topics follow public validated tools, written in our own words (``docs/screening.md`` cites
them): the ILO's 11 forced-labour indicators, sexual-exploitation indicators, the topic areas of
the Vera Institute's Trafficking Victim Identification Tool and the HHS/NHTTAC Adult Human
Trafficking Screening Tool. Every question is worded so that "yes" is the answer that shows an
indicator; a question with ``requires`` is asked only after "yes" to that question (skip logic:
no questions about a workplace for a person who did no work).

The result is the indicators present and suggested next steps. There is no score and no
conclusion: some people are better served without a label, and none is needed to get help.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

DATA_FILE = Path(__file__).parent / "data" / "questions.json"


class Answer(models.TextChoices):
    YES = "yes", pgettext_lazy("screening answer", "Yes")
    NO = "no", pgettext_lazy("screening answer", "No")
    UNKNOWN = "unknown", _("Does not know")
    DECLINED = "declined", _("Prefers not to answer")


class Form(models.TextChoices):
    SHORT = "short", _("Short form")
    LONG = "long", _("Long form")


@dataclass(frozen=True)
class Text:
    fr: str
    en: str

    def __str__(self) -> str:
        return self.en if (get_language() or "fr").startswith("en") else self.fr


@dataclass(frozen=True)
class Indicator:
    code: str
    label: Text
    source: str


@dataclass(frozen=True)
class Step:
    code: str
    text: Text
    needs: tuple[str, ...]  # orientation need codes, for the referral search


@dataclass(frozen=True)
class Question:
    code: str
    text: Text
    is_short: bool
    requires: str | None
    indicators: tuple[str, ...]
    steps: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Tool:
    sources: dict[str, Text]
    indicators: dict[str, Indicator]
    steps: dict[str, Step]
    questions: tuple[Question, ...]

    def questions_of(self, form: str) -> tuple[Question, ...]:
        if form == Form.SHORT:
            return tuple(q for q in self.questions if q.is_short)
        return self.questions


def _load(path: Path) -> Tool:
    raw = json.loads(path.read_text(encoding="utf-8"))
    sources = {code: Text(**text) for code, text in raw["sources"].items()}
    indicators = {
        i["code"]: Indicator(i["code"], Text(i["fr"], i["en"]), i["source"])
        for i in raw["indicators"]
    }
    steps = {
        s["code"]: Step(s["code"], Text(s["fr"], s["en"]), tuple(s["needs"])) for s in raw["steps"]
    }
    questions = tuple(
        Question(
            code=q["code"],
            text=Text(q["fr"], q["en"]),
            is_short=q["short"],
            requires=q["requires"],
            indicators=tuple(q["indicators"]),
            steps=tuple(q["steps"]),
            source=q["source"],
        )
        for q in raw["questions"]
    )
    tool = Tool(sources, indicators, steps, questions)
    _check(tool)
    return tool


def _check(tool: Tool) -> None:
    """A broken data file stops the start, not a person's screening halfway."""
    seen: set[str] = set()
    for question in tool.questions:
        if question.code in seen:
            raise ValueError(f"question {question.code} appears twice")
        if question.requires is not None:
            gate = next((q for q in tool.questions if q.code == question.requires), None)
            if gate is None or gate.code not in seen:
                raise ValueError(f"{question.code} requires a question asked before it")
            if question.is_short and not gate.is_short:
                raise ValueError(f"{question.code} is short but its gate is not")
        seen.add(question.code)
        for code in question.indicators:
            if code not in tool.indicators:
                raise ValueError(f"{question.code}: unknown indicator {code}")
        for code in question.steps:
            if code not in tool.steps:
                raise ValueError(f"{question.code}: unknown step {code}")
        if question.source not in tool.sources:
            raise ValueError(f"{question.code}: unknown source {question.source}")
    for indicator in tool.indicators.values():
        if indicator.source not in tool.sources:
            raise ValueError(f"{indicator.code}: unknown source {indicator.source}")


TOOL = _load(DATA_FILE)


def questions_visible(form: str, answers: Mapping[str, str]) -> list[Question]:
    """The questions of the form that are asked, given the answers so far: a question with a
    gate is asked only when the gate was answered yes."""
    return [
        q
        for q in TOOL.questions_of(form)
        if q.requires is None or answers.get(q.requires) == Answer.YES
    ]


def question_next(form: str, answers: Mapping[str, str]) -> Question | None:
    """The first visible question without an answer; None when every one has one."""
    return next((q for q in questions_visible(form, answers) if q.code not in answers), None)


def _may_be_asked(question: Question, answers: Mapping[str, str]) -> bool:
    """Whether a question can still be asked: no gate, or a gate answered yes or not yet
    answered and itself possibly asked."""
    if question.requires is None:
        return True
    gate = next(q for q in TOOL.questions if q.code == question.requires)
    if question.requires in answers:
        return answers[question.requires] == Answer.YES and _may_be_asked(gate, answers)
    return _may_be_asked(gate, answers)


def questions_left(
    form: str, answers: Mapping[str, str], current: str | None = None
) -> tuple[int, int]:
    """How many questions are still to come after ``current``, at least and at most: at least
    those already asked without an answer, at most those too that a "yes" still to be given
    would open (skip logic). Equal when no gate is left open."""
    visible = {q.code for q in questions_visible(form, answers)}
    low = high = 0
    for question in TOOL.questions_of(form):
        if question.code == current or question.code in answers:
            continue
        if question.code in visible:
            low += 1
            high += 1
        elif _may_be_asked(question, answers):
            high += 1
    return low, high


def question_get(form: str, code: str) -> Question | None:
    return next((q for q in TOOL.questions_of(form) if q.code == code), None)


@dataclass(frozen=True)
class Result:
    indicators: list[Indicator]
    steps: list[Step]
    needs: list[str]
    asked: int
    answered: int
    declined: int
    remaining: int


def indicator_codes(form: str, answers: Mapping[str, str]) -> list[str]:
    """The codes of the indicators present: those of visible questions answered yes, in the
    order of the tool."""
    present = {
        code
        for q in questions_visible(form, answers)
        if answers.get(q.code) == Answer.YES
        for code in q.indicators
    }
    return [code for code in TOOL.indicators if code in present]


def result_of(form: str, answers: Mapping[str, str]) -> Result:
    visible = questions_visible(form, answers)
    yes = [q for q in visible if answers.get(q.code) == Answer.YES]
    step_codes = {code for q in yes for code in q.steps}
    steps = [step for code, step in TOOL.steps.items() if code in step_codes]
    needs: list[str] = []
    for step in steps:
        needs.extend(n for n in step.needs if n not in needs)
    answered = [q for q in visible if q.code in answers]
    return Result(
        indicators=[TOOL.indicators[c] for c in indicator_codes(form, answers)],
        steps=steps,
        needs=needs,
        asked=len(visible),
        answered=len(answered),
        declined=sum(1 for q in answered if answers[q.code] == Answer.DECLINED),
        remaining=len(visible) - len(answered),
    )
