"""Which tables make up each kind of report: the one place the CLI and a web view share.

Given frames (this round's and, when there is one, the previous round's) and the indicators,
it assembles the ``ReportContent`` the xlsx writer draws. No database, no Flask.
"""

from __future__ import annotations

from collections.abc import Sequence

from l10n import N_
from reports.aggregate import aggregate
from reports.compose import compose
from reports.definition import ReportDefinition, default_definition
from reports.frame import ReportFrame
from reports.half_year import half_year_report
from reports.indicators import Indicator, evaluate_indicators
from reports.kinds import KINDS  # noqa: F401 - re-exported: the report kinds
from reports.municipal import gmina_keys, municipal_report
from reports.plan import NOTE as PLAN_NOTE
from reports.plan import is_plan_frame, plan_report
from reports.suppression import NOTE as SUPPRESSION_NOTE
from reports.suppression import suppress
from reports.wide import headline_keys
from reports.xlsx import ReportContent, ReportInfo
from reports.yoy import only, year_over_year

NOTES = [
    N_("Liczone są ankiety złożone i przyjęte; wersje robocze i ankiety zwrócone do korekty "
       "tylko w liczbie zaproszonych."),
    N_("Miasto na prawach powiatu wypełnia jedną ankietę za gminę i powiat i jest liczone "
       "raz."),
    N_("Średnie, mediany i odsetki liczone z udzielonych odpowiedzi (puste pominięte); kwoty "
       "w zł; dzielenie przez zero daje pustą komórkę."),
]


def regional(info: ReportInfo, frame: ReportFrame, levels: Sequence[str], *,
             previous: ReportFrame | None = None, indicators: Sequence[Indicator] = (),
             small_cells: bool = False, definition: ReportDefinition | None = None
             ) -> ReportContent:
    """The report's chapters by the levels (with year over year when a previous round is
    given); ``definition`` None: the default one, from the questionnaire's sections."""
    tables = [aggregate(frame, level) for level in levels]
    yoy = {}
    if previous is not None:
        current_ids = {q.id for q in frame.survey.questions}
        previous_ids = {q.id for q in previous.survey.questions}
        for level, table in zip(levels, tables, strict=True):
            before = aggregate(previous, level)
            if small_cells:
                before = suppress(before, previous.columns)
            compared = year_over_year(suppress(table, frame.columns) if small_cells else table,
                                      before, current_ids, previous_ids)
            # each answer's headline figure only: every measure of every group is a book
            yoy[level] = only(compared, headline_keys(frame) | headline_keys(previous))
    if small_cells:
        tables = [suppress(t, frame.columns) for t in tables]
    results = evaluate_indicators(indicators, frame)
    report = compose("regional", info.title, frame,
                     definition or default_definition(frame.survey), levels,
                     indicators=results, small_cells=small_cells,
                     aggregates=dict(zip(levels, tables, strict=True)))
    _notes(info, small_cells, previous is not None)
    target_note(info, indicators)
    # the aggregates stay for the charts and maps (``reports.figures``); the workbook and the
    # page show the report's chapters
    return ReportContent(info, frame, tables, yoy, results, raw=True, suppressed=small_cells,
                         report=report)


def municipal(info: ReportInfo, frame: ReportFrame, teryt: str, *,
              previous: ReportFrame | None = None, indicators: Sequence[Indicator] = (),
              small_cells: bool = False) -> ReportContent:
    """One gmina against its areas and its past; indicators and raw data of the gmina only.

    :raise LookupError: when no unit of the round lies in that gmina.
    """
    report = municipal_report(frame, teryt, previous, exclude_sensitive=small_cells)
    own = of_gmina(frame, teryt)
    info.filters.append(N_("gmina %(code)s (%(name)s)", code=report.code, name=report.name))
    info.notes += [N_("Porównanie z gminami: %(area)s — %(count)s gmin z odpowiedziami.",
                      area=label, count=n)
                   for label, n in report.areas.values()]
    _notes(info, small_cells, previous is not None)
    target_note(info, indicators)
    return ReportContent(info, own, (), {}, evaluate_indicators(indicators, own),
                         municipal=report, raw=True, suppressed=small_cells)


def raw(info: ReportInfo, frame: ReportFrame, *, small_cells: bool = False) -> ReportContent:
    _notes(info, small_cells)
    return ReportContent(info, frame, raw=True, suppressed=small_cells)


def indicators_only(info: ReportInfo, frame: ReportFrame, indicators: Sequence[Indicator]
                    ) -> ReportContent:
    _notes(info, False)
    target_note(info, indicators)
    return ReportContent(info, frame, indicators=evaluate_indicators(indicators, frame),
                         raw=False)


def half_year(info: ReportInfo, frame: ReportFrame, indicators: Sequence[Indicator],
              kind_names: dict[str, str]) -> ReportContent:
    """The framework report: progress, key figures (indicators), missing units; no raw data."""
    info.notes += [NOTES[0], N_("Raport ramowy za półrocze: postęp zbierania odpowiedzi "
                                "według podregionów i rodzajów jednostek, wskaźniki z "
                                "odpowiedzi złożonych do dnia raportu i lista jednostek, "
                                "których odpowiedzi jeszcze brakuje.")]
    target_note(info, indicators)
    return ReportContent(info, frame, indicators=evaluate_indicators(indicators, frame),
                         half_year=half_year_report(frame, kind_names), raw=False)


def plan(info: ReportInfo, frame: ReportFrame) -> ReportContent:
    """Plan against execution of a follow-up round (``reports.plan``), with its raw data.

    :raise LookupError: when the round's questionnaire does not ask plan and execution.
    """
    if not is_plan_frame(frame):
        raise LookupError(N_("Raport „plan a wykonanie” jest dla rundy ankiety wykonania planu "
                             "(plan-uslug-wykonanie)."))
    info.notes.append(PLAN_NOTE)
    _notes(info, False)
    return ReportContent(info, frame, raw=True, plan=plan_report(frame))


def of_gmina(frame: ReportFrame, teryt: str) -> ReportFrame:
    """The rows of the units lying in one gmina."""
    return frame.subset(gmina_keys(frame) == teryt[:6])


def target_note(info: ReportInfo, indicators: Sequence[Indicator]) -> None:
    """Say which indicators have no target yet, instead of leaving an empty column unexplained."""
    missing = [ind.id for ind in indicators if ind.target is None]
    if missing:
        info.notes.append(N_("Wskaźniki bez wartości docelowej (%(count)s: %(ids)s): plan ich "
                             "nie podaje — wpisz target i target_year w pliku wskaźników, "
                             "a raport pokaże stan realizacji.", count=len(missing),
                             ids=", ".join(missing)))


def _notes(info: ReportInfo, small_cells: bool, with_previous: bool | None = None) -> None:
    """Notes for the information sheet; ``with_previous`` None: no comparison in this kind."""
    info.notes += NOTES
    if small_cells:
        info.notes.append(SUPPRESSION_NOTE)
        info.notes.append(N_("Arkusz „Dane” nie zawiera kolumn z danymi wrażliwymi."))
    if with_previous is False:
        info.notes.append(N_("Brak poprzedniej rundy tej ankiety — bez porównania rok do "
                             "roku."))

