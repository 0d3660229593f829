"""Sentences written from the numbers, in correct Polish, for the team to keep or rewrite.

Polish agrees the verb and the noun with the number: 1 gmina *wypełniła*, 2–4 (also 22–24,
but not 12–14) *wypełniły*, 5 and more *wypełniło*; after "z 71" the noun is in the genitive
plural (*gmin*), after "z 1" in the genitive singular (*gminy*). ``plural_form`` is the rule
(the same as the ``pl`` catalogue's ``Plural-Forms``); the nouns of each kind of unit carry
their forms and gender, so no sentence says "wypełniło 1 gmin".

Every sentence is returned plain; the document marks it as generated.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from l10n import N_, Message
from l10n.numbers import format_number
from reports.classes import format_value


def plural_form(n: int) -> int:
    """0: one (1), 1: few (2–4, 22–24 …, not 12–14), 2: many (0, 5–21, 25 …)."""
    if n == 1:
        return 0
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return 1
    return 2


@dataclass(frozen=True)
class Noun:
    """A respondent noun: nominative singular/few/many, genitive singular/plural, gender."""

    one: str
    few: str
    many: str
    gen_one: str
    gen_many: str
    gender: str  # "f", "m" or "n"

    def counted(self, n: int) -> str:
        return (self.one, self.few, self.many)[plural_form(n)]

    def of(self, n: int) -> str:
        """After "z N": ``z 1 gminy``, ``z 71 gmin``."""
        return self.gen_one if n == 1 else self.gen_many


NOUNS = {
    "gmina": Noun(N_("gmina"), N_("gminy"), N_("gmin"), N_("gminy"), N_("gmin"), "f"),
    "powiat": Noun(N_("powiat"), N_("powiaty"), N_("powiatów"), N_("powiatu"), N_("powiatów"),
                   "m"),
    "cis": Noun("CIS", "CIS", "CIS", "CIS", "CIS", "n"),
    "kis": Noun("KIS", "KIS", "KIS", "KIS", "KIS", "m"),
    "owes": Noun("OWES", "OWES", "OWES", "OWES", "OWES", "m"),
    "jst": Noun("JST", "JST", "JST", "JST", "JST", "f"),
    "unit": Noun(N_("jednostka"), N_("jednostki"), N_("jednostek"), N_("jednostki"),
                 N_("jednostek"), "f"),
}
#: past tense of "wypełnić" for (form, gender)
_FILLED: dict[int, dict[str, str] | str] = {
    0: {"f": N_("wypełniła"), "m": N_("wypełnił"), "n": N_("wypełniło")},
    1: N_("wypełniły"), 2: N_("wypełniło")}
#: "none of them has filled it in" by the noun's gender
_NONE_YET = {
    "f": N_("Ankiety nie wypełniła jeszcze żadna z %(invited)s %(noun)s."),
    "m": N_("Ankiety nie wypełnił jeszcze żaden z %(invited)s %(noun)s."),
    "n": N_("Ankiety nie wypełniło jeszcze żadne z %(invited)s %(noun)s."),
}


def noun_for(kinds: set[str]) -> Noun:
    """The noun for the respondents of a round: one kind by its name, gminas with powiats
    as JST, anything else as "jednostki"."""
    if len(kinds) == 1 and next(iter(kinds)) in NOUNS:
        return NOUNS[next(iter(kinds))]
    if kinds and kinds <= {"gmina", "powiat"}:
        return NOUNS["jst"]
    return NOUNS["unit"]


def filled(n: int, noun: Noun) -> str:
    form = plural_form(n)
    verb = _FILLED[form]
    return verb[noun.gender] if isinstance(verb, dict) else str(verb)


def response_sentence(submitted: int, invited: int, noun: Noun, locale: str = "pl_PL") -> str:
    """``Ankietę wypełniło 58 z 71 gmin (81,7%).``"""
    if invited == 0:
        return N_("Do tej rundy nie zaproszono żadnej jednostki.")
    if submitted == 0:
        return N_(_NONE_YET[noun.gender], invited=invited, noun=Message(noun.of(invited)))
    share = format_value(submitted / invited, "share", locale)
    # the verb and the noun are messages too, so a translation gets them in its language
    return N_("Ankietę %(verb)s %(n)s z %(invited)s %(noun)s (%(share)s).",
              verb=Message(filled(submitted, noun)), n=submitted, invited=invited,
              noun=Message(noun.of(invited)), share=share)


def change_sentence(label: str, now: Decimal | float | None, before: Decimal | float | None,
                    previous_year: int, fmt: str, locale: str = "pl_PL") -> str | None:
    """``Liczba uczestników CIS: wzrost o 12,0% względem 2024 r. (z 420 do 470).``

    The colon keeps the sentence right whatever the gender of the label's noun; shares change
    by percentage points, not per cent.
    """
    if now is None or before is None:
        return None
    now_f, before_f = float(now), float(before)
    values = {"label": label, "year": previous_year,
              "before": format_value(before, fmt, locale), "now": format_value(now, fmt, locale)}
    if now_f == before_f:
        return N_("%(label)s: bez zmian względem %(year)s r. (%(now)s).", **values)
    if fmt == "share":
        points = format_number(Decimal(str(round(abs(now_f - before_f) * 100, 1))), 1, locale)
        points = points[:-2] if points[-2:] in (",0", ".0") else points
        word = N_("wzrost") if now_f > before_f else N_("spadek")
        return N_("%(label)s: %(change)s o %(points)s pp. względem %(year)s r. "
                  "(z %(before)s do %(now)s).", change=word, points=points, **values)
    if before_f == 0:
        return N_("%(label)s: %(now)s wobec 0 w %(year)s r.", **values)
    pct = format_value(abs(now_f - before_f) / abs(before_f), "share", locale)
    word = N_("wzrost") if now_f > before_f else N_("spadek")
    return N_("%(label)s: %(change)s o %(pct)s względem %(year)s r. (z %(before)s do %(now)s).",
              change=word, pct=pct, **values)


def indicator_sentence(name: str, achieved: Decimal | None, target: Decimal | None,
                       target_year: int | None, status: str, fmt: str,
                       locale: str = "pl_PL") -> str:
    """``Wskaźnik „…” osiągnął 12,5% przy celu 20% na 2030 r. (nieosiągnięty).``"""
    if target is None:  # the plan names no target yet (Kluczbork's LPRES)
        if achieved is None:
            return N_("Wskaźnik „%(name)s”: brak danych do obliczenia; plan nie podaje "
                      "wartości docelowej.", name=name)
        return N_("Wskaźnik „%(name)s” osiągnął %(value)s; plan nie podaje wartości "
                  "docelowej.", name=name, value=format_value(achieved, fmt, locale))
    if achieved is None:
        return N_("Wskaźnik „%(name)s”: brak danych do obliczenia (cel %(target)s na "
                  "%(year)s r.).", name=name, target=format_value(target, fmt, locale),
                  year=target_year)
    return N_("Wskaźnik „%(name)s” osiągnął %(value)s przy celu %(target)s na %(year)s r. "
              "(%(status)s).", name=name, value=format_value(achieved, fmt, locale),
              target=format_value(target, fmt, locale), year=target_year, status=status)
