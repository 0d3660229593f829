"""An XLSForm (``survey``, ``choices``, ``settings``) → an esmon definition (YAML text).

What maps (the rest is refused with its place, or listed as ignored — survey_defs/README.md):

* types: whatever an esmon type class lists in ``xlsform_names`` (``integer``, ``decimal``,
  ``text``, ``text`` + ``multiline``, ``date``, ``select_one``/``select_multiple`` with
  ``or_other``, ``note``, ``calculate``), ``acknowledge``/``trigger`` (one option ``OK``), groups
  (a top-level group is a section; nested groups are flattened: their label becomes a note,
  their ``relevant`` joins each of their questions'); ODK metadata (``start``, ``deviceid`` …)
  is skipped; repeats, media, locations, cascading selects are refused;
* columns: label / hint / constraint_message / required_message in Polish where there is one
  (``label::Polski (pl)``), else the default language, else the plain column; required,
  relevant, constraint, calculation; appearance ``multiline``; ``default`` only as ODK's
  ``${last-saved#…}`` (→ ``prefill: last_round``). A fixed default, ``${}`` inside a text
  (esmon puts no answers into texts) and other columns are listed as not carried, with the
  cell.

Nothing is written here: the caller gets the text, the problems and the ignored notes, and the
text is loaded by the checker before it is returned, so what comes out passes
``flask surveys check``.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from forms.expressions import Call, ExpressionError, Node, Str, parse
from forms.kinds import known_kinds
from forms.loader import FORMATS, load_survey_text
from forms.model import Survey
from forms.problems import Problem
from forms.types import QUESTION_TYPES, TYPE_CLASSES, QuestionType
from forms.xlsform.emit import emit_definition
from forms.xlsform.names import esmon_id, esmon_key, rename_references, valid_id
from forms.xlsform.workbook import Row, Sheet, Workbook, read_workbook

#: the ``format`` of the definitions an import writes
IMPORT_FORMAT = 2
#: ODK metadata and device questions: no respondent answers them, esmon records its own
METADATA_TYPES = frozenset({
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
    "username", "email", "audit", "start-geopoint", "background-audio", "hidden",
    "imei", "uri:deviceid", "uri:email", "uri:phonenumber", "uri:subscriberid",
    "uri:simserial", "uri:username",
})
#: XLSForm types esmon cannot ask, and why (the message the refusal gives)
UNSUPPORTED_TYPES: dict[str, str] = {
    **dict.fromkeys(("begin_repeat", "end_repeat"),
                    "powtarzane grupy (repeat) nie są obsługiwane: esmon zbiera jedno "
                    "sprawozdanie jednostki; stałą listę pozycji zapisz jako tabelę (type: "
                    "table) albo osobne pytania"),
    **dict.fromkeys(("geopoint", "geotrace", "geoshape", "start-geopoint"),
                    "położenie geograficzne nie jest obsługiwane (jednostka ma adres i kod "
                    "TERYT w rejestrze)"),
    **dict.fromkeys(("image", "audio", "video", "file", "background-audio"),
                    "pliki i multimedia nie są obsługiwane"),
    "barcode": "skanowanie kodów nie jest obsługiwane",
    "range": "suwak (range) nie jest obsługiwany; użyj integer z warunkiem constraint",
    "rank": "szeregowanie (rank) nie jest obsługiwane",
    "time": "godzina (time) nie jest obsługiwana",
    "datetime": "data z godziną (datetime) nie jest obsługiwana; użyj date",
    **dict.fromkeys(("select_one_from_file", "select_multiple_from_file",
                     "select_one_external"),
                    "listy odpowiedzi z zewnętrznego pliku nie są obsługiwane; wpisz je do "
                    "arkusza choices"),
    **dict.fromkeys(("xml-external", "csv-external"), "dane zewnętrzne nie są obsługiwane"),
}
#: columns an esmon export adds (``forms.xlsform.export``): the esmon type where the XLSForm
#: one would not bring it back, the keys XLSForm has no column for (JSON), a note for people
ESMON_COLUMNS = ("esmon_type", "esmon_options", "esmon_note")
#: question keys ``esmon_options`` may give besides the type's own
OPTION_KEYS = frozenset({"constraints", "warnings", "prefill", "read_only"})
ACKNOWLEDGE_TYPES = frozenset({"acknowledge", "trigger"})
GROUP_TYPES = frozenset({"begin_group", "end_group"})
#: survey columns the import reads; a language variant (``label::…``) counts as its column
READ_COLUMNS = frozenset({
    "type", "name", "label", "hint", "required", "relevant", "constraint",
    "constraint_message", "calculation", "appearance", "choice_filter", "required_message",
    "default", *ESMON_COLUMNS,
})
#: columns with text in a language
TEXT_COLUMNS = ("label", "hint", "constraint_message", "required_message")
#: ODK's "the answer last saved on this device" as a default: esmon's nearest is the unit's
#: own answer in the previous round (``prefill: last_round``)
_LAST_SAVED_RE = re.compile(r"\$\{last-saved#([^}]+)\}")
_REFERENCE_RE = re.compile(r"\$\{[^}]*\}")
#: the formatting ODK and Kobo render in texts (HTML tags, Markdown bold/italic, headings);
#: esmon shows texts as plain text, so the marks are taken out and the words kept
_HTML_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_MARKDOWN_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"
                          r"|(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
_HEADING_RE = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_TRUE = frozenset({"yes", "true", "true()", "1", "tak"})
_FALSE = frozenset({"no", "false", "false()", "0", "nie", ""})
_POLISH_RE = re.compile(r"\(pl\)|^pl$|polski|polish", re.IGNORECASE)


@dataclass
class ImportResult:
    """What an import gives back: the definition text (``None`` when refused), the checked
    survey, the problems (sheet, row, column, code) and the notes on what was not carried."""

    key: str
    text: str | None
    survey: Survey | None
    problems: list[Problem]
    ignored: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.text is not None and not self.problems


@dataclass
class DraftQuestion:
    """A question on its way to YAML, with the row it came from."""

    row: int
    source: str
    fields: dict[str, Any]
    notes: list[str] = field(default_factory=list)


@dataclass
class DraftSection:
    """A section on its way to YAML (a top-level group or a run of ungrouped questions)."""

    row: int
    source: str
    fields: dict[str, Any]
    questions: list[DraftQuestion] = field(default_factory=list)


def type_for(word: str, appearances: set[str]) -> QuestionType | None:
    """The esmon type an XLSForm type word (and appearance) is imported as."""
    candidates = [QUESTION_TYPES[cls.name] for cls in TYPE_CLASSES if word in cls.xlsform_names]
    for kind in candidates:
        if kind.xlsform_appearance and kind.xlsform_appearance in appearances:
            return kind
    plain = [kind for kind in candidates if kind.xlsform_appearance is None]
    return plain[0] if plain else None


def _language(header: dict[str, int], column: str, preferred: str) -> str | None:
    """The header name holding ``column`` in the chosen language, or the plain column."""
    variants = [name for name in header if name.startswith(column + "::")]
    if preferred and f"{column}::{preferred}" in header:
        return f"{column}::{preferred}"
    for name in variants:
        if _POLISH_RE.search(name.partition("::")[2]):
            return name
    if column in header:
        return column
    return variants[0] if variants else None


class _Importer:
    """One import: walks the sheets once, collecting drafts, problems and notes."""

    def __init__(self, book: Workbook, key: str | None, unit_kinds: list[str] | None):
        self.book = book
        self.survey_sheet: Sheet = book.sheets["survey"]
        self.ignored: list[str] = []
        self.ignored_columns: dict[str, list[int]] = {}
        settings_sheet = book.sheets.get("settings")
        self.settings: dict[str, str] = {}
        if settings_sheet and settings_sheet.rows:
            first = settings_sheet.rows[0]
            self.settings = {name: cell.text for name, cell in first.cells.items()}
        self.language = self.settings.get("default_language", "")
        declared = self.settings.get("esmon_format", "")
        #: how the expressions are read: an esmon export says its format, ODK's is 2
        self.format = int(declared) if declared in {str(f) for f in FORMATS} else IMPORT_FORMAT
        self.key = key or esmon_key(self.settings.get("form_id") or book.name.rsplit(".", 1)[0])
        self.unit_kinds = unit_kinds
        self.names: dict[str, str] = {}
        self.lists: dict[str, list[dict[str, Any]]] = {}
        self.columns: dict[str, str | None] = {}

    # -- problems --------------------------------------------------------------------------
    def problem(self, sheet: str, row: int, code: str, message: str,
                column: int | None = None, qid: str | None = None) -> None:
        self.book.problem(sheet, row, code, message, column, qid)

    def at(self, row: Row, column: str, code: str, message: str,
           qid: str | None = None) -> None:
        self.problem("survey", row.number, code, message, row.column_of(column), qid)

    def cell(self, row: Row, column: str) -> str:
        """``survey!L7``: the cell of ``column`` in ``row``, as the problems name places."""
        number = row.column_of(column)
        return Problem("", row.number, "bad_value", "", None, number, "survey").location

    def not_carried(self, row: Row, column: str, why: str) -> None:
        """What of a row is not carried over, with its cell (listed on the page and in YAML)."""
        self.ignored.append(f"{self.cell(row, column)}: {why}")

    # -- reading ---------------------------------------------------------------------------
    def text_column(self, row: Row, column: str) -> str:
        """The header name ``text`` reads ``column`` from in this row."""
        name = self.columns.get(column)
        return name if name and row.get(name) else column

    def text(self, row: Row, column: str) -> str:
        name = self.columns.get(column)
        value = row.get(name) if name else ""
        return value or row.get(column)

    def prose(self, row: Row, column: str, qid: str | None) -> str:
        """A text column (label, hint, messages): ``${name}`` follows the renamed question and
        is reported, since esmon shows texts as written (it puts no answers into them)."""
        value = self.plain(row, column, self.text(row, column), qid)
        if "${" not in value:
            return value
        value = rename_references(value, self.names)
        whose = f" pytania {qid}" if qid else ""
        self.not_carried(row, self.text_column(row, column),
                         f"odwołanie {', '.join(_REFERENCE_RE.findall(value))} w '{column}'"
                         f"{whose} zostaje tekstem — esmon nie wstawia odpowiedzi do treści; "
                         "przeredaguj tekst (wartość wyliczoną pokazuje pytanie calculate).")
        return value

    def plain(self, row: Row, column: str, value: str, qid: str | None) -> str:
        """``value`` without HTML tags and Markdown marks (ODK renders them, esmon would show
        them as typed); what was taken out is listed with its cell."""
        text = _HTML_TAG_RE.sub(" ", value)
        text = _MARKDOWN_RE.sub(lambda m: m.group(1) or m.group(2), text)
        text = _HEADING_RE.sub("", text)
        if text == value:
            return value
        text = html.unescape(re.sub(r"[ \t]{2,}", " ", text)).strip()
        whose = f" pytania {qid}" if qid else ""
        self.not_carried(row, self.text_column(row, column),
                         f"formatowanie (HTML, Markdown) w '{column}'{whose} usunięte — esmon "
                         "pokazuje treść jako zwykły tekst.")
        return text

    def run(self) -> tuple[dict[str, Any], list[DraftSection]] | None:
        header = self.survey_sheet.header
        for required in ("type", "name"):
            if required not in header:
                self.problem("survey", 1, "xlsform_missing_column",
                             f"Arkusz 'survey' nie ma kolumny '{required}'.")
        if self.book.problems:
            return None
        for column in TEXT_COLUMNS:
            self.columns[column] = _language(header, column, self.language)
        self.note_languages(header)
        self.note_columns(header)
        self.read_names()
        self.read_choices()
        sections = self.read_survey()
        return self.head(), sections

    def note_languages(self, header: dict[str, int]) -> None:
        chosen = self.columns.get("label") or ""
        others = sorted({name.partition("::")[2] for name in header
                         if "::" in name and name.partition("::")[0] in TEXT_COLUMNS
                         and name.partition("::")[2] != chosen.partition("::")[2]})
        if others:
            self.ignored.append(
                f"Teksty w innych językach pominięto ({', '.join(others)}); użyto kolumn "
                f"'{chosen}'.")

    def note_columns(self, header: dict[str, int]) -> None:
        internal = sorted(name for name in header if name.startswith("$"))
        if internal:
            self.ignored.append(f"Kolumny wewnętrzne KoboToolbox ({', '.join(internal)}) "
                                "pominięto — nie należą do treści formularza.")
        for name in header:
            base = name.partition("::")[0]
            if base in READ_COLUMNS or name.startswith("$"):
                continue
            rows = [row.number for row in self.survey_sheet.rows if row.get(name)]
            if rows:
                self.ignored_columns[name] = rows

    def read_names(self) -> None:
        """Map every XLSForm name to its esmon id first, so references can follow."""
        seen: dict[str, int] = {}
        for row in self.survey_sheet.rows:
            name = row.get("name")
            word = self.type_words(row)[0] if row.get("type") else ""
            if not name or word in METADATA_TYPES or word == "end_group":
                continue
            new = esmon_id(name)
            if not valid_id(new):
                self.at(row, "name", "xlsform_bad_name",
                        f"Z nazwy '{name}' nie da się zrobić identyfikatora (małe litery, "
                        f"cyfry i '_', od litery).")
                continue
            if new in seen:
                self.at(row, "name", "duplicate_id",
                        f"Nazwa '{name}' ({new}) powtarza nazwę z wiersza {seen[new]}.")
                continue
            seen[new] = row.number
            self.names[name] = new

    def read_choices(self) -> None:
        sheet = self.book.sheets.get("choices")
        if sheet is None:
            return
        label_column = _language(sheet.header, "label", self.language)
        for column in ("list_name", "name"):
            if column not in sheet.header:
                self.problem("choices", 1, "xlsform_missing_column",
                             f"Arkusz 'choices' nie ma kolumny '{column}'.")
                return
        for row in sheet.rows:
            list_name = row.get("list_name")
            value = row.get("name")
            if not list_name and not value:
                continue
            items = self.lists.setdefault(list_name, [])
            label = (row.get(label_column) if label_column else "") or value
            if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", value):
                self.problem("choices", row.number, "bad_value",
                             f"Wartość odpowiedzi '{value}': dozwolone litery, cyfry, '_', '-', "
                             f"'.'.", row.column_of("name"))
                continue
            if any(item["value"] == value for item in items):
                self.problem("choices", row.number, "duplicate_choice",
                             f"Odpowiedź '{value}' powtarza się na liście '{list_name}'.",
                             row.column_of("name"))
                continue
            items.append({"value": value, "label": label, "row": row.number})

    @staticmethod
    def type_words(row: Row) -> list[str]:
        """``begin group`` → ``['begin_group']``; ``select_one lista or_other`` as three."""
        words = row.get("type").split()
        if len(words) >= 2 and words[0].lower() in ("begin", "end"):
            words = [f"{words[0].lower()}_{words[1].lower()}", *words[2:]]
        return [words[0].lower(), *words[1:]] if words else [""]

    # -- the survey sheet ------------------------------------------------------------------
    def head(self) -> dict[str, Any]:
        title = (self.settings.get("form_title") or "").strip() or self.key
        version = (self.settings.get("version") or "").strip() or "1"
        kinds = self.unit_kinds
        if not kinds and self.settings.get("unit_kinds"):
            kinds = re.split(r"[\s,;]+", self.settings["unit_kinds"].strip())
        if not kinds:
            kinds = ["gmina"]
            self.ignored.append("Nie podano, kto wypełnia ankietę (kolumna 'unit_kinds' arkusza "
                                "settings albo --unit-kinds); przyjęto 'gmina' — popraw "
                                "'unit_kinds' w pliku.")
        for kind in kinds:
            if kind not in known_kinds():
                self.problem("settings", 2, "unknown_unit_kind",
                             f"Nieznany rodzaj jednostki '{kind}'; dozwolone: "
                             f"{', '.join(sorted(known_kinds()))}.")
        period = (self.settings.get("period") or "annual").strip()
        head: dict[str, Any] = {"format": self.format, "key": self.key, "version": version,
                                "title": title}
        if self.settings.get("description"):
            head["description"] = self.settings["description"]
        head.update(unit_kinds=kinds, period=period)
        if (self.settings.get("follows") or "").strip():
            head["follows"] = self.settings["follows"].strip()
        minutes = (self.settings.get("time_to_fill") or "").strip()
        if minutes.isdigit():
            head["time_to_fill"] = int(minutes)
        prepare = (self.settings.get("prepare") or "").strip()
        if prepare:
            try:
                items = json.loads(prepare)
            except json.JSONDecodeError:
                items = [part.strip() for part in prepare.split(";") if part.strip()]
            if isinstance(items, list) and all(isinstance(item, str) for item in items):
                head["prepare"] = items
            else:
                self.problem("settings", 2, "bad_value",
                             "Kolumna 'prepare' to lista tekstów (JSON albo rozdzielona ';').")
        return head

    def expression(self, row: Row, column: str, qid: str | None) -> str | None:
        source = row.get(column).strip()
        if not source:
            return None
        converted = rename_references(source, self.names)
        try:
            parse(converted, self.format)
        except ExpressionError as err:
            self.at(row, column, "expr_syntax",
                    f"Błąd w wyrażeniu '{column}' ({source!r}), znak {err.column}: "
                    f"{err.message}.", qid)
            return None
        return converted

    def read_survey(self) -> list[DraftSection]:
        sections: list[DraftSection] = []
        #: open groups, outermost first: (row, id, relevant expression or None)
        stack: list[tuple[Row, str, str | None]] = []
        current: DraftSection | None = None
        loose = 0
        #: the group of an exported table, whose cell rows the table question stands for
        table: Row | None = None
        refused_repeat = False
        for row in self.survey_sheet.rows:
            if table is not None:
                if self.type_words(row)[0] == "end_group":
                    table = None
                continue
            if not row.get("type"):
                if any(row.get(c) for c in ("name", "label")):
                    self.at(row, "type", "xlsform_unknown_type",
                            "Wiersz bez typu (kolumna 'type' jest pusta).")
                continue
            words = self.type_words(row)
            word = words[0]
            if word in METADATA_TYPES:
                self.ignored.append(f"survey!{row.number}: '{word}' (metadane urządzenia) "
                                    "pominięto — esmon zapisuje własne czasy i autora.")
                continue
            if word == "end_repeat" and refused_repeat:
                continue  # its begin row already says why
            if word in UNSUPPORTED_TYPES:
                self.at(row, "type", "xlsform_unsupported",
                        f"Typ '{row.get('type')}': {UNSUPPORTED_TYPES[word]}.")
                refused_repeat = refused_repeat or word == "begin_repeat"
                continue
            if word == "begin_group" and row.get("esmon_type"):
                if current is None:
                    current = self.loose_section(sections, loose := loose + 1, row)
                question = self.question(row, words, stack)
                if question is not None:
                    current.questions.extend(question)
                table = row
                continue
            if word == "begin_group":
                gid = self.names.get(row.get("name"), "")
                label = self.prose(row, "label", None)
                relevant = self.expression(row, "relevant", None)
                if not stack:
                    current = DraftSection(row.number, f"survey!{row.number}: begin group "
                                           f"{row.get('name')}", {
                                               "id": gid or f"czesc_{len(sections) + 1}",
                                               "title": label or row.get("name") or self.key})
                    if relevant:
                        current.fields["relevant"] = relevant
                    help_text = self.options(row, None).get("help")
                    if help_text:
                        current.fields["help"] = help_text
                    sections.append(current)
                else:
                    if current is None:  # cannot happen: a nested group has an outer one
                        continue
                    if label:
                        current.questions.append(DraftQuestion(
                            row.number, f"survey!{row.number}: begin group {row.get('name')} "
                            "(grupa zagnieżdżona → nagłówek)",
                            self.with_relevance({"id": gid, "type": "note", "label": label},
                                                stack, relevant)))
                stack.append((row, gid, relevant if stack else None))
                continue
            if word == "end_group":
                if not stack:
                    self.at(row, "type", "xlsform_groups",
                            "'end group' bez otwierającego 'begin group'.")
                    continue
                stack.pop()
                if not stack:
                    current = None
                continue
            if current is None:
                current = self.loose_section(sections, loose := loose + 1, row)
            question = self.question(row, words, stack)
            if question is not None:
                current.questions.extend(question)
        for row, _, _ in stack + ([(table, "", None)] if table else []):
            self.at(row, "type", "xlsform_groups",
                    "'begin group' bez zamykającego 'end group'.")
        # a run of ungrouped questions ends at the next group: loose sections stay separate
        kept = []
        for section in sections:
            if section.questions:
                kept.append(section)
            else:
                self.ignored.append(f"{section.source}: grupa bez pytań pominięta.")
        for name, rows in self.ignored_columns.items():
            listed = ", ".join(str(r) for r in rows[:10]) + (" …" if len(rows) > 10 else "")
            self.ignored.append(f"Kolumna '{name}' pominięta (wiersze {listed}).")
        return kept

    def loose_section(self, sections: list[DraftSection], loose: int, row: Row) -> DraftSection:
        """A section for questions outside any group (the form's title names the first)."""
        section = DraftSection(row.number, f"survey!{row.number}: pytania poza grupą",
                               {"id": f"czesc_{len(sections) + 1}",
                                "title": (self.settings.get("form_title") or self.key)
                                if loose == 1 else f"Część {len(sections) + 1}"})
        sections.append(section)
        return section

    def options(self, row: Row, qid: str | None,
                allowed: frozenset[str] = frozenset({"help"})) -> dict[str, Any]:
        """``esmon_options``: the keys of an esmon definition XLSForm has no column for."""
        text = row.get("esmon_options")
        if not text:
            return {}
        try:
            options = json.loads(text)
        except json.JSONDecodeError as err:
            self.at(row, "esmon_options", "bad_value",
                    f"Kolumna 'esmon_options' musi zawierać JSON ({err.msg}).", qid)
            return {}
        if not isinstance(options, dict):
            self.at(row, "esmon_options", "bad_value",
                    "Kolumna 'esmon_options' musi zawierać obiekt JSON {…}.", qid)
            return {}
        unknown = sorted(set(options) - allowed)
        if unknown:
            self.at(row, "esmon_options", "unknown_key",
                    f"Nieznane pola w 'esmon_options': {', '.join(unknown)}.", qid)
            return {}
        for key in ("constraints", "warnings"):
            for item in options.get(key) or ():
                if isinstance(item, dict) and isinstance(item.get("rule"), str):
                    item["rule"] = rename_references(item["rule"], self.names)
        return options

    def with_relevance(self, fields: dict[str, Any], stack: list[tuple[Row, str, str | None]],
                       own: str | None) -> dict[str, Any]:
        """``relevant`` of a question inside nested groups: all of them and its own."""
        parts = [rel for _, _, rel in stack if rel] + ([own] if own else [])
        if parts:
            fields["relevant"] = parts[0] if len(parts) == 1 else " and ".join(
                f"({part})" for part in parts)
        return fields

    def question(self, row: Row, words: list[str], stack: list[tuple[Row, str, str | None]]
                 ) -> list[DraftQuestion] | None:
        word = words[0]
        name = row.get("name")
        qid = self.names.get(name)
        if not name:
            self.at(row, "name", "missing_key", "Pytanie bez nazwy (kolumna 'name').")
            return None
        if qid is None:
            return None  # its name was refused in read_names
        appearances = set(row.get("appearance").lower().split())
        acknowledge = word in ACKNOWLEDGE_TYPES
        declared = row.get("esmon_type")
        kind = (QUESTION_TYPES.get(declared) if declared
                else type_for("select_one" if acknowledge else word, appearances))
        if kind is None and declared:
            self.at(row, "esmon_type", "xlsform_unknown_type",
                    f"Nieznany typ esmon '{declared}' w kolumnie 'esmon_type'.", qid)
            return None
        if kind is None:
            self.at(row, "type", "xlsform_unknown_type",
                    f"Nieznany typ '{row.get('type')}'.", qid)
            return None
        own = (self.list_type(words[1]) if not declared and word == "select_one"
               and len(words) == 2 and not row.get("choice_filter") else None)
        kind = own or kind
        label = self.prose(row, "label", qid)
        if not label and word == "calculate":
            label = name.replace("_", " ").strip().capitalize()
        if not label:
            self.at(row, "label", "missing_key", f"Pytanie '{name}' nie ma etykiety (label).",
                    qid)
            return None
        source = f"survey!{row.number}: {row.get('type')}" + (
            f" {name}" if qid == name else f" {name} (nazwa zmieniona na {qid})")
        fields: dict[str, Any] = {"id": qid, "type": kind.name, "label": label}
        draft = DraftQuestion(row.number, source, fields)
        if own is not None:
            draft.notes.append(f"lista '{words[1]}' to odpowiedzi typu {own.name} "
                               "(zapisywane tak samo, raporty liczą ich udział)")
        if "${" in label:
            draft.notes.append("odwołania ${…} w etykiecie zostają tekstem (esmon nie wstawia "
                               "odpowiedzi do etykiet)")
        hint = self.prose(row, "hint", qid)
        if hint:
            fields["hint"] = hint
        other: DraftQuestion | None = None
        if acknowledge:
            fields["choices"] = [{"value": "OK", "label": "Potwierdzam"}]
        elif "choices" in kind.keys:
            other = self.choices(row, words, draft, qid, label, stack)
            if "choices" not in fields:
                return None
        self.common(row, draft, qid, kind)
        self.with_relevance(fields, stack, self.expression(row, "relevant", qid))
        fields.update(self.options(row, qid, frozenset(kind.keys | OPTION_KEYS) - {"choices"}))
        if declared:
            draft.notes.append(f"typ esmon '{declared}' z kolumny esmon_type")
            appearances.discard("field-list")
        if kind.xlsform_appearance:
            appearances.discard(kind.xlsform_appearance)
        if appearances:
            draft.notes.append(f"appearance '{' '.join(sorted(appearances))}' pominięto")
        return [draft] + ([other] if other else [])

    def list_type(self, list_name: str) -> QuestionType | None:
        """The esmon type whose own options the list is (``yes``/``no`` labelled Tak/Nie is a
        yes/no question), or ``None``: a choice from the list."""
        items = self.lists.get(list_name) or []
        for cls in TYPE_CLASSES:
            options = cls.xlsform_choices
            if options and sorted((i["value"], i["label"].strip().lower()) for i in items) == \
                    sorted((o.value, o.label.lower()) for o in options):
                return QUESTION_TYPES[cls.name]
        return None

    def choices(self, row: Row, words: list[str], draft: DraftQuestion, qid: str, label: str,
                stack: list[tuple[Row, str, str | None]]) -> DraftQuestion | None:
        """``select_one LIST [or_other]``: the list, and ODK's ``NAME_other`` text question."""
        if len(words) < 2:
            self.at(row, "type", "xlsform_unknown_type",
                    f"Typ '{row.get('type')}' bez nazwy listy odpowiedzi.", qid)
            return None
        list_name, extra = words[1], [w.lower() for w in words[2:]]
        if row.get("choice_filter"):
            self.at(row, "choice_filter", "xlsform_unsupported",
                    "Listy kaskadowe (choice_filter) nie są obsługiwane: esmon pokazuje całą "
                    "listę. Usuń filtr albo podziel listę na osobne pytania; gminę lub powiat "
                    "z rejestru TERYT wybiera pytanie typu territory (esmon_type: territory).",
                    qid)
            return None
        if extra and extra != ["or_other"]:
            self.at(row, "type", "xlsform_unknown_type",
                    f"Nieznany dodatek typu '{' '.join(words[2:])}' (dozwolone: or_other).", qid)
            return None
        if "choices" not in self.book.sheets:
            self.at(row, "type", "xlsform_missing_sheet",
                    f"Pytanie używa listy '{list_name}', a skoroszyt nie ma arkusza 'choices'.",
                    qid)
            return None
        items = self.lists.get(list_name)
        if not items:
            self.at(row, "type", "unknown_choice_list",
                    f"Nie ma listy odpowiedzi '{list_name}' w arkuszu 'choices'.", qid)
            return None
        draft.fields["choices"] = list_name
        if not extra:
            return None
        other_id = f"{qid}_other"
        if other_id in self.names.values():
            self.at(row, "type", "duplicate_id",
                    f"'or_other' dodaje pytanie '{other_id}', a taka nazwa już jest.", qid)
            return None
        draft.fields["choices"] = [*({"value": i["value"], "label": i["label"]} for i in items),
                                   {"value": "other", "label": "Inne"}]
        draft.notes.append(f"lista '{list_name}' z dodaną odpowiedzią 'other' (or_other)")
        condition = f"selected(${{{qid}}}, 'other')"
        return DraftQuestion(row.number, f"survey!{row.number}: or_other → pytanie {other_id}",
                             self.with_relevance({"id": other_id, "type": "text",
                                                  "label": f"{label} — inne (jakie?)",
                                                  "required": True}, stack, condition))

    def common(self, row: Row, draft: DraftQuestion, qid: str, kind: QuestionType) -> None:
        fields = draft.fields
        required = row.get("required").strip()
        if required and kind.has_answer:
            if required.lower() in _TRUE:
                fields["required"] = True
            elif required.lower() not in _FALSE:
                expression = self.expression(row, "required", qid)
                if expression:
                    fields["required"] = expression
        constraint = self.expression(row, "constraint", qid) if kind.has_answer else None
        if constraint:
            fields["constraint"] = constraint
            message = self.prose(row, "constraint_message", qid)
            if message:
                fields["constraint_message"] = message
        if "calculation" in kind.keys:
            calculation = self.expression(row, "calculation", qid)
            if calculation is None and not row.get("calculation"):
                self.at(row, "calculation", "missing_calculation",
                        "Pole 'calculate' musi mieć wyrażenie w kolumnie 'calculation'.", qid)
            if calculation:
                fields["calculation"] = calculation
                fields["format"] = ("text" if _gives_text(parse(calculation, self.format).ast)
                                    else "decimal")
        elif row.get("calculation"):
            draft.notes.append("calculation (wartość domyślna wyliczana) pominięta")
        self.required_message(row, draft, qid)
        self.default(row, draft, qid, kind)

    def required_message(self, row: Row, draft: DraftQuestion, qid: str) -> None:
        """``required_message`` (in the chosen language) is the question's own message."""
        message = self.prose(row, "required_message", qid)
        if not message:
            return
        if "required" in draft.fields:
            draft.fields["required_message"] = message
        else:
            self.not_carried(row, self.text_column(row, "required_message"),
                             f"required_message pytania {qid} pominięto — pytanie nie jest "
                             "obowiązkowe (kolumna 'required').")

    def default(self, row: Row, draft: DraftQuestion, qid: str, kind: QuestionType) -> None:
        """``default``: ``${last-saved#name}`` of the question itself is esmon's previous-round
        prefill; a fixed value has no equivalent (esmon prefills from data, never a constant
        the respondent may leave unread), so it is reported with its cell."""
        value = row.get("default").strip()
        if not value:
            return
        found = _LAST_SAVED_RE.fullmatch(value)
        if found and self.names.get(found.group(1).strip()) == qid and kind.typed_in \
                and kind.has_answer:
            draft.fields["prefill"] = "last_round"
            draft.notes.append("default ${last-saved#…} → prefill: last_round (odpowiedź "
                               "jednostki z poprzedniej rundy)")
            return
        draft.notes.append(f"default {value!r} pominięte")
        self.not_carried(row, "default",
                         f"wartość domyślna {value!r} pytania {qid} pominięta — esmon nie ma "
                         "stałych wartości domyślnych (prefill: last_round bierze odpowiedź "
                         "jednostki z poprzedniej rundy, ODK: ${last-saved#…}).")


def _gives_text(node: Node) -> bool:
    """A calculation whose value is text (``concat``, a quoted literal, an ``if`` giving one):
    shown and stored as text, every other one as a decimal number."""
    if isinstance(node, Str):
        return True
    if isinstance(node, Call) and node.f == "concat":
        return True
    if isinstance(node, Call) and node.f in ("if", "coalesce"):
        return any(_gives_text(arg) for arg in node.args[1:] if node.f == "if") or any(
            _gives_text(arg) for arg in node.args if node.f == "coalesce")
    return False


def _relocate(problems: list[Problem], lines: dict[int, tuple[str, int]],
              name: str) -> list[Problem]:
    """Problems the checker found in the written YAML, moved to the rows they came from."""
    located = []
    for problem in problems:
        sheet, row = lines.get(problem.line, ("survey", 1))
        located.append(Problem(name, row, problem.code, problem.message, problem.question_id,
                               None, sheet))
    return located


def import_xlsform(data: bytes, name: str, *, key: str | None = None,
                   unit_kinds: list[str] | None = None) -> ImportResult:
    """Convert an XLSForm workbook; nothing is written — the result holds the YAML text.

    :param key: the survey key (the output file's stem); default: ``form_id`` or the file name
    """
    book = read_workbook(data, name)
    importer = _Importer(book, key, unit_kinds) if "survey" in book.sheets else None
    drafted = importer.run() if importer and not book.problems else None
    result_key = importer.key if importer else (key or "")
    ignored = importer.ignored if importer else []
    if importer is None or drafted is None or book.problems:
        return ImportResult(result_key, None, None, _sorted(book.problems), ignored)
    head, sections = drafted
    text, lines = emit_definition(head, importer.lists, sections, name, ignored)
    survey, problems = load_survey_text(text, f"{result_key}.yaml", result_key)
    if problems:
        return ImportResult(result_key, None, None, _sorted(_relocate(problems, lines, name)),
                            ignored)
    return ImportResult(result_key, text, survey, [], ignored)


def _sorted(problems: list[Problem]) -> list[Problem]:
    order = {"-": 0, "settings": 1, "survey": 2, "choices": 3}
    return sorted(problems, key=lambda p: (order.get(p.sheet or "", 9), p.line, p.column or 0,
                                           p.code))
