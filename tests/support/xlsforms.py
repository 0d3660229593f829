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

#: an ODK-style quarterly form of an OWES: two languages with required and constraint
#: messages in both, Kobo's ``begin_group`` spelling and ``$kuid`` column, groups nested two
#: deep (relevance from selected() and a number), select_one with or_other, count-selected()
#: bounds, if() calculations (a number and a text), ${} in a note, a fixed default and ODK's
#: ${last-saved#…} default, an ungrouped multiline remark at the end
OWES_ODK = {
    "survey": [
        ["type", "name", "label::English (en)", "label::Polski (pl)", "hint::Polski (pl)",
         "required", "required_message::English (en)", "required_message::Polski (pl)",
         "relevant", "constraint", "constraint_message::English (en)",
         "constraint_message::Polski (pl)", "calculation", "default", "appearance", "$kuid"],
        ["today", "today"],
        ["username", "username"],
        ["begin_group", "dane", "Centre", "Dane OWES", "", "", "", "", "", "", "", "", "", "",
         "field-list", "a1"],
        ["text", "nazwa_owes", "Name", "Nazwa OWES", "", "yes", "Name please",
         "Podaj nazwę OWES.", "", "", "", "", "", "", "", "a2"],
        ["select_one podregiony", "podregion", "Subregion", "Podregion działania", "", "yes",
         "", "", "", "", "", "", "", "", "minimal", "a3"],
        ["integer", "pracownicy", "Staff", "Liczba pracowników OWES", "", "yes", "",
         "Wpisz liczbę pracowników (0, jeśli nie ma).", "", ". >= 0 and . <= 300",
         "0 to 300", "Od 0 do 300 osób", "", "${last-saved#pracownicy}", "", "a4"],
        ["end_group", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "a5"],
        ["begin_group", "wsparcie", "Support", "Wsparcie PES"],
        ["select_one typ_wsparcia or_other", "typ_glowny", "Main support", "Główny rodzaj "
         "wsparcia", "Jeden, najważniejszy", "yes"],
        ["select_multiple uslugi", "uslugi", "Services", "Świadczone usługi",
         "Od 1 do 3", "yes", "", "", "", "count-selected(.) >= 1 and count-selected(.) <= 3",
         "1 to 3", "Wybierz od 1 do 3 usług"],
        ["begin_group", "doradztwo", "Advice", "Doradztwo", "", "", "", "", 
         "selected(${uslugi}, 'doradztwo')"],
        ["integer", "godziny_doradztwa", "Hours", "Godziny doradztwa w kwartale", "", "yes",
         "", "Podaj liczbę godzin doradztwa.", "", ". > 0 and . <= 2000", "", "Od 1 do 2000"],
        ["begin_group", "doradcy_grupa", "Advisers", "Zespół doradców", "", "", "", "",
         "${godziny_doradztwa} > 100"],
        ["integer", "doradcy", "Advisers", "Liczba doradców", "", "yes", "", "", "",
         ". >= 1", "", "Co najmniej jeden doradca przy ponad 100 godzinach"],
        ["end_group"],
        ["end_group"],
        ["integer", "pes_wsparte", "Supported", "Liczba wspartych PES", "", "yes", "", "", "",
         ". >= 0"],
        ["decimal", "wartosc_dotacji", "Grants", "Wartość dotacji (zł)", "", "yes", "", "", "",
         ". >= 0", "", "Kwota nie może być ujemna", "", "0"],
        ["calculate", "dotacja_na_pes", "", "Dotacja na jedną PES (zł)", "", "", "", "", "",
         "", "", "", "if(${pes_wsparte} > 0, round(${wartosc_dotacji} div ${pes_wsparte}, 2),"
         " 0)"],
        ["calculate", "skala", "", "Skala wsparcia", "", "", "", "", "", "", "", "",
         "if(${pes_wsparte} >= 10, 'duża', 'mała')"],
        ["note", "podsumowanie", "", "Średnio ${dotacja_na_pes} zł na PES."],
        ["end_group"],
        ["text", "uwagi", "Remarks", "Uwagi", "", "no", "", "", "", "string-length(.) <= 500",
         "", "Najwyżej 500 znaków", "", "", "multiline"],
    ],
    "choices": [
        ["list_name", "name", "label::English (en)", "label::Polski (pl)"],
        ["podregiony", "opolski", "Opole", "opolski"],
        ["podregiony", "nyski", "Nysa", "nyski"],
        ["typ_wsparcia", "doradztwo", "Advice", "Doradztwo"],
        ["typ_wsparcia", "dotacje", "Grants", "Dotacje na miejsca pracy"],
        ["uslugi", "doradztwo", "Advice", "Doradztwo biznesowe"],
        ["uslugi", "szkolenia", "Training", "Szkolenia"],
        ["uslugi", "animacja", "Animation", "Animacja lokalna"],
        ["uslugi", "inkubacja", "Incubation", "Inkubacja"],
    ],
    "settings": [
        ["form_title", "form_id", "version", "default_language", "unit_kinds", "period"],
        ["OWES — monitoring kwartalny", "owes_kwartal", "2025-Q1", "Polski (pl)", "owes",
         "annual"],
    ],
}

#: a form as KoboToolbox's "Download XLSForm" writes it: one Polish label column, required as
#: true/false, yes/no questions, not(selected()) and a "none of these" rule, true() in an
#: if() relevance, a concat() calculation, a date bounded by date() and today(), acknowledge
PES_KOBO = {
    "survey": [
        ["type", "name", "label::Polski (pl)", "hint::Polski (pl)", "required", "relevant",
         "constraint", "constraint_message::Polski (pl)", "calculation", "$kuid", "$autoname"],
        ["start", "start", "", "", "false", "", "", "", "", "k0", "start"],
        ["begin_group", "pes", "Przedsiębiorstwo społeczne", "", "false", "", "", "", "", "k1",
         "pes"],
        ["text", "nazwa", "Nazwa PES", "", "true", "", "string-length(.) >= 3",
         "Nazwa ma co najmniej 3 znaki", "", "k2", "nazwa"],
        ["date", "data_statusu", "Data uzyskania statusu PS", "", "true", "",
         ". >= date(2020, 1, 1) and . <= today()", "Status PS istnieje od 2020 r.", "", "k3",
         "data_statusu"],
        ["select_one yn", "zatrudnia", "Czy PES zatrudnia osoby zagrożone wykluczeniem?", "",
         "true", "", "", "", "", "k4", "zatrudnia"],
        ["integer", "zagrozeni", "Liczba zatrudnionych osób zagrożonych wykluczeniem", "",
         "true", "${zatrudnia} = 'yes'", ". > 0", "Skoro zatrudnia — co najmniej 1", "", "k5",
         "zagrozeni"],
        ["integer", "zatrudnieni", "Liczba wszystkich zatrudnionych", "", "true",
         "if(${zatrudnia} = 'yes', true(), false())", ". >= ${zagrozeni}",
         "Nie mniej niż osób zagrożonych wykluczeniem", "", "k6", "zatrudnieni"],
        ["select_multiple bariery", "bariery", "Bariery rozwoju", "Zaznacz wszystkie", "true",
         "", "not(selected(., 'brak') and count-selected(.) > 1)",
         "„Brak barier” nie łączy się z innymi odpowiedziami", "", "k7", "bariery"],
        ["text", "bariery_finanse", "Jakie bariery finansowe?", "", "false",
         "selected(${bariery}, 'finanse') and not(selected(${bariery}, 'brak'))", "", "", "",
         "k8", "bariery_finanse"],
        ["calculate", "opis", "", "", "false", "", "", "",
         "concat(${nazwa}, ' — zatrudnieni: ', ${zatrudnieni})", "k9", "opis"],
        ["end_group", "", "", "", "", "", "", "", "", "k10", ""],
        ["begin_group", "oswiadczenie", "Oświadczenie", "", "false", "", "", "", "", "k11",
         "oswiadczenie"],
        ["acknowledge", "zgoda", "Oświadczam, że dane są zgodne ze stanem faktycznym", "",
         "true", "", "", "", "", "k12", "zgoda"],
        ["end_group", "", "", "", "", "", "", "", "", "k13", ""],
    ],
    "choices": [
        ["list_name", "name", "label::Polski (pl)", "$kuid"],
        ["yn", "yes", "Tak", "c1"],
        ["yn", "no", "Nie", "c2"],
        ["bariery", "finanse", "Brak środków finansowych", "c3"],
        ["bariery", "kadry", "Brak kadr", "c4"],
        ["bariery", "rynek", "Mały rynek zbytu", "c5"],
        ["bariery", "brak", "Brak barier", "c6"],
    ],
    "settings": [
        ["form_title", "form_id", "version", "unit_kinds"],
        ["PES — sprawozdanie roczne (Kobo)", "aBcD3fGh7kLmN", "vXyZ2025", "pes"],
    ],
}

#: a repeat over household members, the shape ODK's examples use: refused with its row
REPEATED = {
    "survey": [
        ["type", "name", "label", "repeat_count"],
        ["integer", "liczba_osob", "Liczba osób w gospodarstwie"],
        ["begin repeat", "osoba", "Osoba", "${liczba_osob}"],
        ["text", "imie", "Imię"],
        ["integer", "wiek", "Wiek"],
        ["end repeat"],
    ],
}
