"""Static forms of the staff pages (rounds, units). Messages in Polish."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from models.units import UNIT_KINDS

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$")


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class ActionForm(FlaskForm):
    """An empty form: a POST-only button with CSRF protection."""


class RoundForm(FlaskForm):
    """A new survey round: which questionnaire, for which period, to whom."""

    questionnaire_id = SelectField("Ankieta (wersja)", coerce=int,
                                   validators=[InputRequired("Wybierz ankietę.")])
    title = StringField("Nazwa rundy", validators=[Optional(), Length(max=300)],
                        description="Puste: nazwa ankiety i okres.")
    reporting_year = IntegerField(
        "Rok sprawozdawczy (N)",
        validators=[InputRequired("Podaj rok."),
                    NumberRange(2000, 2100, "Rok musi być między 2000 a 2100.")])
    half = SelectField("Okres", choices=choices([("", "cały rok"), ("H1", "I półrocze"),
                                                 ("H2", "II półrocze")]), default="")
    opens_on = DateField("Otwarcie", validators=[InputRequired("Podaj datę otwarcia.")])
    deadline = DateField("Termin odpowiedzi", validators=[InputRequired("Podaj termin.")])
    reminder_days = StringField(
        "Przypomnienia (dni przed terminem)", default="7, 2",
        validators=[Optional(), Regexp(r"^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$",
                                       message="Wpisz liczby dni oddzielone przecinkami.")])
    kinds = SelectMultipleField("Rodzaje jednostek", choices=[],
                                description="Puste: wszystkie, dla których jest ankieta.")
    powiats = SelectMultipleField("Powiaty", choices=[], description="Puste: całe województwo.")
    subregion = SelectField("Podregion", choices=choices([("", "— wszystkie —")]), default="")
    unit_ids = SelectMultipleField("Wybrane jednostki", choices=[], coerce=int,
                                   description="Puste: wszystkie spełniające powyższe warunki.")
    allow_late = BooleanField("Przyjmować odpowiedzi po zamknięciu rundy")

    def validate_deadline(self, field) -> None:
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError("Termin nie może być wcześniejszy niż otwarcie.")

    @property
    def period(self) -> str:
        year = str(self.reporting_year.data)
        return f"{year}-{self.half.data}" if self.half.data else year

    @property
    def reminder_list(self) -> list[int]:
        text = self.reminder_days.data or ""
        return sorted({int(x) for x in text.split(",") if x.strip()}, reverse=True)


class CloseForm(FlaskForm):
    allow_late = BooleanField("Przyjmować spóźnione odpowiedzi")


class UnitForm(FlaskForm):
    """Editing a unit of the register."""

    kind = SelectField("Rodzaj", choices=choices(UNIT_KINDS.items()))
    name = StringField("Nazwa", validators=[DataRequired("Podaj nazwę."), Length(max=300)])
    teryt = StringField("Kod TERYT (gmina 6 cyfr, powiat 4 cyfry)",
                        validators=[DataRequired("Podaj kod TERYT."),
                                    Regexp(r"^\d{4}(\d{2})?$",
                                           message="Kod TERYT: 4 cyfry (powiat) albo 6 (gmina).")])
    emails = TextAreaField("Adresy e-mail (oddzielone przecinkami)",
                           validators=[DataRequired("Podaj co najmniej jeden adres e-mail."),
                                       Length(max=2000)])
    regon = StringField("REGON", validators=[Optional(), Regexp(r"^(\d{9}|\d{14})$",
                                                                  message="REGON: 9 lub 14 cyfr.")])
    krs = StringField("KRS", validators=[Optional(), Regexp(r"^\d{10}$",
                                                              message="KRS: 10 cyfr.")])
    contact_person = StringField("Osoba do kontaktu", validators=[Optional(), Length(max=200)])
    is_active = BooleanField("Aktywna (zapraszana do badań)", default=True)

    def validate_emails(self, field) -> None:
        addresses = [a.strip() for a in re.split(r"[,;\s]+", field.data or "") if a.strip()]
        bad = [a for a in addresses if not _EMAIL.match(a)]
        if bad:
            raise ValidationError(f"Niepoprawny adres e-mail: {bad[0]}")
        field.data = ", ".join(addresses)


class UnitImportForm(FlaskForm):
    file = FileField("Plik CSV lub XLSX", validators=[
        FileRequired("Wybierz plik."),
        FileAllowed(["csv", "xlsx"], "Dozwolone pliki: CSV albo XLSX.")])


class RegisterFileForm(FlaskForm):
    file = FileField("Plik", validators=[
        FileRequired("Wybierz plik."),
        FileAllowed(["csv", "xml", "yaml", "yml"], "Dozwolone pliki: CSV, XML, YAML.")])


class ContactChangeForm(FlaskForm):
    """A unit proposes a new contact person or e-mail; staff confirm it before the register."""

    contact_person = StringField("Nowa osoba do kontaktu",
                                 validators=[Optional(), Length(max=200)])
    emails = StringField("Nowy adres e-mail (albo kilka, po przecinku)",
                         validators=[Optional(), Length(max=1000)])
    note = TextAreaField("Uwagi dla ROPS", validators=[Optional(), Length(max=1000)])

    def validate_emails(self, field) -> None:
        if not field.data:
            if not self.contact_person.data:
                raise ValidationError("Podaj nową osobę do kontaktu albo adres e-mail.")
            return
        addresses = [a.strip() for a in re.split(r"[,;\s]+", field.data) if a.strip()]
        bad = [a for a in addresses if not _EMAIL.match(a)]
        if bad:
            raise ValidationError(f"Niepoprawny adres e-mail: {bad[0]}")
        field.data = ", ".join(addresses)


class ReturnForm(FlaskForm):
    comment = TextAreaField("Co jednostka ma poprawić?",
                            validators=[DataRequired("Napisz, co jednostka ma poprawić."),
                                        Length(max=4000)])


class ReasonForm(FlaskForm):
    reason = TextAreaField("Powód", validators=[DataRequired("Podaj powód."),
                                                Length(max=2000)])


class JstUnitsForm(FlaskForm):
    """Create gmina or powiat units straight from the TERYT register."""

    kind = SelectField("Rodzaj", choices=choices([("gmina", "gminy"), ("powiat", "powiaty")]))
    file = FileField("Plik z adresami e-mail (CSV: teryt;email) — opcjonalnie", validators=[
        FileAllowed(["csv", "xlsx"], "Dozwolone pliki: CSV albo XLSX.")])


class SubregionsForm(FlaskForm):
    scheme = StringField("Nazwa podziału", default="nuts3",
                         validators=[DataRequired("Podaj nazwę podziału."), Length(max=40),
                                     Regexp(r"^[a-z0-9_-]+$",
                                            message="Nazwa: małe litery, cyfry, '-' i '_'.")])
    file = FileField("Plik CSV (kod_powiatu;podregion) albo YAML", validators=[
        FileRequired("Wybierz plik."),
        FileAllowed(["csv", "yaml", "yml"], "Dozwolone pliki: CSV albo YAML.")])
