"""XLSForm workbooks in the shapes ODK and Kobo users write, built with openpyxl for the tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

Rows = Sequence[Sequence[Any]]


def workbook(survey: Rows, choices: Rows | None = None, settings: Rows | None = None,
             *, prepare: Any = None) -> bytes:
    """An .xlsx with the given sheets (first row of each: the header).

    :param prepare: called with the openpyxl workbook before it is saved (merge cells, …)
    """
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(list(row))
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows is not None:
            extra = book.create_sheet(title)
            for row in rows:
                extra.append(list(row))
    if prepare is not None:
        prepare(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


#: a Kobo-style monitoring form of a CIS: two languages, groups (one nested), a select with
#: or_other, ${} references, selected(), if(), a constraint with regex, device metadata
CIS_KOBO = {
    "survey": [
        ["type", "name", "label::English (en)", "label::Polski (pl)", "hint::Polski (pl)",
         "required", "relevant", "constraint", "constraint_message::Polski (pl)",
         "calculation", "appearance", "default"],
        ["start", "start"],
        ["end", "end"],
        ["deviceid", "deviceid"],
        ["begin group", "metryczka", "About the centre", "Metryczka", "", "", "", "", "", "",
         "field-list"],
        ["text", "nazwa_cis", "Centre name", "Nazwa CIS", "Pełna nazwa z KRS", "yes"],
        ["select_one forma", "forma_prawna", "Legal form", "Forma prawna", "", "yes", "", "",
         "", "", "minimal"],
        ["text", "regon_cis", "REGON", "REGON", "9 cyfr", "yes", "", "regex(., '^[0-9]{9}$')",
         "REGON ma 9 cyfr"],
        ["date", "data_utworzenia", "Founded", "Data utworzenia", "", "no", "", ". <= today()",
         "Data nie może być z przyszłości"],
        ["end group"],
        ["begin group", "uczestnicy", "Participants", "Uczestnicy"],
        ["integer", "uczestnicy_ogolem", "Participants", "Liczba uczestników ogółem", "", "yes",
         "", ". >= 0 and . <= 500", "Od 0 do 500"],
        ["integer", "uczestnicy_kobiety", "Women", "w tym kobiety", "", "yes", "",
         ". <= ${uczestnicy_ogolem}", "Nie więcej niż ogółem"],
        ["calculate", "udzial_kobiet", "", "", "", "", "", "", "",
         "if(${uczestnicy_ogolem} > 0, ${uczestnicy_kobiety} div ${uczestnicy_ogolem} * 100, 0)"],
        ["note", "info_udzial", "", "Kobiety to ${udzial_kobiet}% uczestników."],
        ["select_multiple reintegracja or_other", "formy_reintegracji", "Reintegration",
         "Formy reintegracji", "Zaznacz wszystkie", "yes"],
        ["begin group", "zatrudnienie", "Employment", "Zatrudnienie po zakończeniu", "", "",
         "${uczestnicy_ogolem} > 0"],
        ["integer", "zatrudnieni", "Employed", "Liczba osób zatrudnionych", "", "yes", "",
         ". <= ${uczestnicy_ogolem}", "Nie więcej niż uczestników"],
        ["text", "zatrudnieni_uwagi", "Remarks", "Uwagi o zatrudnieniu", "", "",
         "selected(${formy_reintegracji}, 'zawodowa')", "", "", "", "multiline"],
        ["end group"],
        ["decimal", "koszt_uczestnika", "Cost", "Średni koszt na uczestnika (zł)", "", "yes",
         "", ". > 0", "Koszt musi być dodatni"],
        ["end group"],
        ["begin group", "koniec", "", "Zakończenie"],
        ["acknowledge", "potwierdzenie", "I confirm", "Potwierdzam prawdziwość danych", "",
         "yes"],
        ["end group"],
    ],
    "choices": [
        ["list_name", "name", "label::English (en)", "label::Polski (pl)"],
        ["forma", "stowarzyszenie", "Association", "Stowarzyszenie"],
        ["forma", "fundacja", "Foundation", "Fundacja"],
        ["forma", "jst", "Local government", "Jednostka samorządu"],
        ["reintegracja", "zawodowa", "Vocational", "Reintegracja zawodowa"],
        ["reintegracja", "spoleczna", "Social", "Reintegracja społeczna"],
    ],
    "settings": [
        ["form_title", "form_id", "version", "default_language"],
        ["Monitoring CIS (Kobo)", "cis_kobo_2025", "2025.1", "Polski (pl)"],
    ],
}

#: an ODK-Build-style form: names in capitals and with dashes, a reserved name, TRUE as a
#: spreadsheet boolean, a single label column, ungrouped questions, a media column
ODK_PLAIN = {
    "survey": [
        ["type", "name", "label", "hint", "required", "relevant", "constraint", "media::image",
         "required_message"],
        ["note", "Intro", "Sprawozdanie gminy w sprawie ekonomii społecznej", "", "", "", "",
         "logo.png"],
        ["select_one tak_nie", "Ma-Program", "Czy gmina ma program rozwoju ES?", "", True],
        ["integer", "YEAR", "Rok uchwalenia programu", "", True, "${Ma-Program} = 'tak'",
         ". >= 2000 and . <= 2030", "", "Podaj rok"],
        ["text", "Program_Nazwa", "Nazwa programu", "", False, "${Ma-Program} = 'tak'"],
        ["select_multiple obszary", "obszary", "Obszary wsparcia", "", "", "", 
         "count-selected(.) <= 2"],
        ["integer", "liczba_pes", "Liczba PES na terenie gminy", "", "true()",
         "", ". >= 0"],
    ],
    "choices": [
        ["list_name", "name", "label"],
        ["tak_nie", "tak", "Tak"],
        ["tak_nie", "nie", "Nie"],
        ["obszary", 1, "Zatrudnienie"],
        ["obszary", 2, "Usługi społeczne"],
        ["obszary", 3, "Zamówienia publiczne"],
    ],
    "settings": [
        ["form_title", "form_id", "version", "unit_kinds"],
        ["Gminy — program ES (ODK)", "gmina-es", 2025031401, "gmina powiat"],
    ],
}

#: a form with a cascading select (powiat → gmina), as Kobo's examples write them
CASCADING = {
    "survey": [
        ["type", "name", "label", "choice_filter"],
        ["select_one powiaty", "powiat_w", "Powiat"],
        ["select_one gminy", "gmina_w", "Gmina", "powiat=${powiat_w}"],
    ],
    "choices": [
        ["list_name", "name", "label", "powiat"],
        ["powiaty", "1604", "kluczborski"],
        ["gminy", "160402", "Kluczbork", "1604"],
    ],
}
