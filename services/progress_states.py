"""Where each section of a response stands, for the respondent's list of sections.

*nie rozpoczęto* (nothing saved), *w toku* (saved, something still missing), *ukończono*
(saved, nothing missing), *do poprawy* (ROPS left notes on its questions), *są błędy* (a value
is held in the draft as typed, not yet an answer). The states come from the same checks as the
review page (``submission_issues``), so the list and the review never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from forms.registry import LoadedSurvey
from l10n import N_
from models import Response
from services.responses import Issue

#: state → label (Polish, translated where shown)
SECTION_STATES = {
    "not_started": N_("nie rozpoczęto"),
    "in_progress": N_("w toku"),
    "done": N_("ukończono"),
    "to_correct": N_("do poprawy"),
    "errors": N_("są błędy"),
}


@dataclass(frozen=True)
class SectionState:
    state: str
    #: how many questions of the section have ROPS notes / issues
    notes: int = 0
    issues: int = 0

    @property
    def label(self) -> str:
        return SECTION_STATES[self.state]


def section_states(response: Response, loaded: LoadedSurvey,
                   issues: list[Issue]) -> dict[str, SectionState]:
    """Each section's state (``issues``: ``submission_issues`` of an editable response; only
    a saved section's state depends on them, so none are needed before a section is saved)."""
    held_sections = {loaded.survey.question(entry["question"]).section_id
                     for entry in (response.held_values or {}).values()
                     if loaded.survey.has_question(entry["question"])}
    notes = response.question_notes or {}
    states = {}
    for section in loaded.survey.sections:
        in_section = {q.id for q in section.questions}
        noted = len(in_section & set(notes)) if response.status == "returned" else 0
        open_issues = sum(1 for issue in issues if issue.section.id == section.id)
        if noted:
            state = "to_correct"
        elif section.id in held_sections:
            state = "errors"
        elif section.id not in response.sections_saved:
            state = "not_started"
        else:
            state = "in_progress" if open_issues else "done"
        states[section.id] = SectionState(state, noted, open_issues)
    return states
