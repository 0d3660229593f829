"""Writing an imported definition as YAML a person will go on editing.

Keys in the order of ``survey_defs/README.md``, short lists of options on one line each, and a
comment above every section and question saying which sheet and row it came from (and what of
that row was not carried over), so the file can be checked against the workbook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from l10n.clock import today_in_poland

if TYPE_CHECKING:
    from forms.xlsform.importer import DraftSection


def scalar(value: Any) -> str:
    """One YAML scalar (or a short flow list/mapping), quoted where YAML needs it."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6,
                          sort_keys=False)
    return text.removesuffix("\n...\n").rstrip("\n")


def _mapping_lines(fields: dict[str, Any], indent: str, first: str) -> list[str]:
    """``- key: value`` lines of one mapping; lists of options one item a line."""
    lines = []
    lead = first
    for key, value in fields.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{lead}{key}:")
            lines += [f"{indent}  - {scalar(item)}" for item in value]
        else:
            lines.append(f"{lead}{key}: {scalar(value)}")
        lead = indent
    return lines


def emit_definition(head: dict[str, Any], lists: dict[str, list[dict[str, Any]]],
                    sections: list[DraftSection], source_name: str,
                    ignored: list[str]) -> tuple[str, dict[int, tuple[str, int]]]:
    """The YAML text, and YAML line → (sheet, row) for placing the checker's problems."""
    lines: list[str] = [
        f"# Zaimportowano z XLSForm: {source_name} ({today_in_poland().isoformat()}).",
        "# Nad każdą sekcją i pytaniem: arkusz i wiersz skoroszytu, z którego pochodzi.",
    ]
    for note in ignored:
        lines.append(f"# Pominięto: {note}")
    origin: dict[int, tuple[str, int]] = {}
    for key, value in head.items():
        lines.append(f"{key}: {scalar(value)}")
    used = {q.fields["choices"] for s in sections for q in s.questions
            if isinstance(q.fields.get("choices"), str)}
    if used:
        lines.append("choice_lists:")
        for name, items in lists.items():
            if name not in used:
                continue
            lines.append(f"  # choices!{items[0]['row']}–{items[-1]['row']}")
            lines.append(f"  {scalar(name)}:")
            for item in items:
                origin[len(lines) + 1] = ("choices", item["row"])
                lines.append(f"    - {scalar({'value': item['value'], 'label': item['label']})}")
    lines.append("sections:")
    for section in sections:
        lines.append(f"  # {section.source}")
        start = len(lines) + 1
        lines += _mapping_lines(section.fields, "    ", "  - ")
        lines.append("    questions:")
        for line in range(start, len(lines) + 1):
            origin[line] = ("survey", section.row)
        for question in section.questions:
            comment = question.source
            if question.notes:
                comment += "; " + "; ".join(question.notes)
            lines.append(f"      # {comment}")
            start = len(lines) + 1
            lines += _mapping_lines(question.fields, "        ", "      - ")
            for line in range(start, len(lines) + 1):
                origin[line] = ("survey", question.row)
    return "\n".join(lines) + "\n", origin
