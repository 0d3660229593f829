"""Static forms of the staff pages (rounds, units) and the respondent's contact form.

Labels and messages are Polish msgids wrapped in ``_l`` (``lazy_gettext``): they are
translated when a page shows them, in the language of that request.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
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
from wtforms.widgets import CheckboxInput, ListWidget

from forms.emails import normalised, split_addresses
from forms.rendering import FastInputMeta
from forms.types.text import phone_is_valid, split_phones
from l10n.web import lazy_gettext as _l


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class CheckboxesField(SelectMultipleField):
    """Several choices as a group of checkboxes: no Ctrl-click, works without JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(FlaskForm):
    """An empty form: a POST-only button with CSRF protection."""


class RoundForm(FlaskForm):
    """A new survey round: which questionnaire, for which period, to whom."""

    questionnaire_id = SelectField(_l("Ankieta (wersja)"), coerce=int,
                                   validators=[InputRequired(_l("Wybierz ankietę."))])
    title = StringField(_l("Nazwa rundy"), validators=[Optional(), Length(max=300)],
                        description=_l("Puste: nazwa ankiety i okres."))
    reporting_year = IntegerField(
        _l("Rok sprawozdawczy"),
        validators=[InputRequired(_l("Podaj rok.")),
                    NumberRange(2000, 2100, _l("Rok musi być między 2000 a 2100."))])
    half = SelectField(_l("Okres"), choices=choices([("", _l("cały rok")),
                                                     ("H1", _l("I półrocze")),
                                                     ("H2", _l("II półrocze"))]), default="")
    opens_on = DateField(_l("Otwarcie"), validators=[InputRequired(_l("Podaj datę otwarcia."))])
    deadline = DateField(_l("Termin odpowiedzi"), validators=[InputRequired(_l("Podaj termin."))])
    reminder_days = StringField(
        _l("Przypomnienia (dni przed terminem)"), default="7, 2",
        validators=[Optional(), Regexp(r"^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$",
                                       message=_l("Wpisz liczby dni oddzielone przecinkami."))])
    kinds = CheckboxesField(_l("Rodzaje jednostek"), choices=[],
                            description=_l("Nic nie zaznaczone: wszystkie, dla których jest "
                                           "ankieta."))
    powiats = CheckboxesField(_l("Powiaty"), choices=[],
                              description=_l("Nic nie zaznaczone: cały obszar."))
    subregion = SelectField(_l("Podregion"), choices=choices([("", _l("— wszystkie —"))]),
                            default="")
    manual = BooleanField(_l("Tylko jednostki wybrane ręcznie"),
                          description=_l("Jednostki dodasz po kolei na następnej stronie "
                                         "(wyszukiwarka po nazwie lub kodzie TERYT)."))
    allow_late = BooleanField(_l("Przyjmować odpowiedzi po zamknięciu rundy"))

    def validate_deadline(self, field) -> None:
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_l("Termin nie może być wcześniejszy niż otwarcie."))

    @property
    def period(self) -> str:
        year = str(self.reporting_year.data)
        return f"{year}-{self.half.data}" if self.half.data else year

    @property
    def reminder_list(self) -> list[int]:
        return reminder_list(self.reminder_days.data)


def reminder_list(text: str | None) -> list[int]:
    """``"7, 2"`` → ``[7, 2]``: distinct days, the furthest first."""
    return sorted({int(x) for x in (text or "").split(",") if x.strip()}, reverse=True)


class ConfirmForm(FlaskForm):
    """A confirmation page's form: CSRF and the stamp of the state it showed (views/confirm.py)."""

    confirm = HiddenField()


class CloseForm(ConfirmForm):
    allow_late = BooleanField(_l("Przyjmować spóźnione odpowiedzi"),
                              description=_l("Jednostki, które nie wysłały odpowiedzi, nadal "
                                             "mogą to zrobić przez swoje linki."))
    reason = TextAreaField(_l("Powód zamknięcia"),
                           validators=[DataRequired(_l("Podaj powód zamknięcia.")),
                                       Length(max=2000)],
                           description=_l("Zapisany w historii rundy; jednostki go nie widzą."))


class WithdrawForm(ConfirmForm):
    reason = TextAreaField(_l("Powód wycofania"),
                           validators=[DataRequired(_l("Podaj powód wycofania.")),
                                       Length(max=2000)],
                           description=_l("Np. jednostka zakończyła działalność albo została "
                                          "zaproszona omyłkowo."))


class DeadlineForm(FlaskForm):
    deadline = DateField(_l("Nowy termin odpowiedzi"),
                         validators=[InputRequired(_l("Podaj nowy termin."))])
    notify = BooleanField(_l("Powiadom e-mailem jednostki, które jeszcze nie wysłały "
                             "odpowiedzi"), default=True)


class ReminderDaysForm(FlaskForm):
    reminder_days = StringField(
        _l("Przypomnienia (dni przed terminem)"),
        description=_l("Np. 7, 2. Puste: bez przypomnień automatycznych."),
        validators=[Optional(), Regexp(r"^\s*\d{1,3}(\s*,\s*\d{1,3})*\s*$",
                                       message=_l("Wpisz liczby dni oddzielone przecinkami."))])


class InviteForm(ConfirmForm):
    unit_ids = CheckboxesField(_l("Jednostki do zaproszenia"), coerce=int, choices=[],
                               validators=[DataRequired(_l("Zaznacz co najmniej jedną "
                                                           "jednostkę."))])


class UnitForm(FlaskForm):
    """Editing a unit of the register."""

    #: choices: the organisation's kinds, set by the view (``services.unit_kinds``)
    kind = SelectField(_l("Rodzaj"), choices=[])
    name = StringField(_l("Nazwa"),
                       validators=[DataRequired(_l("Podaj nazwę.")), Length(max=300)])
    teryt = StringField(_l("Kod TERYT (gmina 6 cyfr, powiat 4 cyfry)"),
                        validators=[DataRequired(_l("Podaj kod TERYT.")),
                                    Regexp(r"^\d{4}(\d{2})?$",
                                           message=_l("Kod TERYT: 4 cyfry (powiat) albo 6 "
                                                      "(gmina)."))])
    emails = TextAreaField(_l("Adresy e-mail (oddzielone przecinkami)"),
                           validators=[DataRequired(_l("Podaj co najmniej jeden adres e-mail.")),
                                       Length(max=2000)])
    regon = StringField("REGON", validators=[
        Optional(), Regexp(r"^(\d{9}|\d{14})$", message=_l("REGON: 9 lub 14 cyfr."))])
    krs = StringField("KRS", validators=[Optional(), Regexp(r"^\d{10}$",
                                                              message=_l("KRS: 10 cyfr."))])
    contact_person = StringField(_l("Osoba do kontaktu"),
                                 validators=[Optional(), Length(max=200)])
    phones = StringField(_l("Telefony (oddzielone przecinkami)"),
                         validators=[Optional(), Length(max=200)],
                         description=_l("Do telefonów w rundzie (CATI), np. 77 418 00 00."))
    is_active = BooleanField(_l("Aktywna (zapraszana do badań)"), default=True)

    def unit_values(self) -> dict:
        """The register fields as ``services.units`` takes them."""
        return {name: self[name].data for name in ("kind", "name", "teryt", "emails", "regon",
                                                    "krs", "contact_person", "phones",
                                                    "is_active")}

    def validate_phones(self, field) -> None:
        phones = split_phones(field.data)
        bad = [p for p in phones if not phone_is_valid(p)]
        if bad:
            raise ValidationError(gettext("„%(phone)s” nie jest numerem telefonu: cyfry, "
                                          "spacje, „+”, „-”, nawiasy.", phone=bad[0]))
        field.data = ", ".join(phones)

    def validate_emails(self, field) -> None:
        addresses = split_addresses(field.data)
        bad = [a for a in addresses if normalised(a) is None]
        if bad:
            raise ValidationError(gettext("Niepoprawny adres e-mail: %(address)s",
                                          address=bad[0]))
        field.data = ", ".join(addresses)


class UnitImportForm(FlaskForm):
    file = FileField(_l("Plik CSV lub XLSX"), validators=[
        FileRequired(_l("Wybierz plik.")),
        FileAllowed(["csv", "xlsx"], _l("Dozwolone pliki: CSV albo XLSX."))])


class RoundListForm(FlaskForm):
    """A list of the units a draft round is for: TERYT codes or unit ids, CSV or XLSX."""

    file = FileField(_l("Plik CSV lub XLSX z listą jednostek"), validators=[
        FileRequired(_l("Wybierz plik.")),
        FileAllowed(["csv", "xlsx"], _l("Dozwolone pliki: CSV albo XLSX."))])


class XlsformUploadForm(FlaskForm):
    """An XLSForm workbook to preview as an esmon questionnaire."""

    file = FileField(_l("Formularz XLSForm (.xlsx)"), validators=[
        FileRequired(_l("Wybierz plik.")),
        FileAllowed(["xlsx"], _l("Dozwolone pliki: XLSX (formularz XLSForm z ODK lub Kobo)."))])
    kinds = CheckboxesField(_l("Kto wypełnia"), choices=[], description=_l(
        "Gdy arkusz settings nie ma kolumny unit_kinds."))


class XlsformSaveForm(FlaskForm):
    """The previewed definition, posted back to be stored."""

    definition = HiddenField(validators=[DataRequired()])
    workbook = HiddenField(validators=[DataRequired(), Length(max=200)])


class ApiTokenForm(FlaskForm):
    """A new personal API token: what it is for and until when."""

    name = StringField(_l("Do czego służy"), validators=[
        DataRequired(_l("Podaj nazwę, np. „R — raport roczny”.")),
        Length(max=100, message=_l("Najwyżej 100 znaków."))])
    expires_on = DateField(_l("Ważny do"), validators=[InputRequired(_l("Podaj datę."))],
                           description=_l("Najdłużej rok od dziś."))


class ContactChangeForm(FlaskForm):
    """A unit proposes a new contact person or e-mail; staff confirm it before the register.

    On every respondent's start page: its inputs are written by ``fast_input``.
    """

    Meta = FastInputMeta

    contact_person = StringField(_l("Nowa osoba do kontaktu"),
                                 validators=[Optional(), Length(max=200)])
    emails = StringField(_l("Nowy adres e-mail (albo kilka, po przecinku)"),
                         validators=[Optional(), Length(max=1000)])
    note = TextAreaField(_l("Uwagi dla ROPS"), validators=[Optional(), Length(max=1000)])

    def validate_emails(self, field) -> None:
        if not field.data:
            if not self.contact_person.data:
                raise ValidationError(_l("Podaj nową osobę do kontaktu albo adres e-mail."))
            return
        addresses = split_addresses(field.data)
        bad = [a for a in addresses if normalised(a) is None]
        if bad:
            raise ValidationError(gettext("Niepoprawny adres e-mail: %(address)s",
                                          address=bad[0]))
        field.data = ", ".join(addresses)


class NewLinkForm(FlaskForm):
    """ "Send me a new link": the unit's address as registered with ROPS."""

    email = StringField(_l("Adres e-mail jednostki"), validators=[
        DataRequired(_l("Wpisz adres e-mail, na który przyszło zaproszenie.")),
        Length(max=254)], filters=[lambda text: text.strip() if text else text],
        render_kw={"type": "email", "autocomplete": "email", "spellcheck": "false"})

    def validate_email(self, field) -> None:
        if normalised(field.data or "") is None:
            raise ValidationError(_l("Wpisz poprawny adres e-mail, np. "
                                     "jan.kowalski@gmina.pl."))


class ReturnForm(ConfirmForm):
    comment = TextAreaField(_l("Co jednostka ma poprawić?"),
                            validators=[DataRequired(_l("Napisz, co jednostka ma poprawić.")),
                                        Length(max=4000)])


class ReasonForm(ConfirmForm):
    reason = TextAreaField(_l("Powód"), validators=[DataRequired(_l("Podaj powód.")),
                                                Length(max=2000)])


class JstUnitsForm(FlaskForm):
    """Create gmina or powiat units straight from the TERYT register."""

    kind = SelectField(_l("Rodzaj"), choices=choices([("gmina", _l("gminy")),
                                                      ("powiat", _l("powiaty"))]))
    file = FileField(_l("Plik z adresami e-mail (CSV: teryt;email) — opcjonalnie"), validators=[
        FileAllowed(["csv", "xlsx"], _l("Dozwolone pliki: CSV albo XLSX."))])


class SubregionsForm(FlaskForm):
    scheme = StringField(_l("Nazwa podziału"), default="nuts3",
                         validators=[DataRequired(_l("Podaj nazwę podziału.")), Length(max=40),
                                     Regexp(r"^[a-z0-9_-]+$",
                                            message=_l("Nazwa: małe litery, cyfry, '-' i '_'."))])
    file = FileField(_l("Plik CSV (kod_powiatu;podregion) albo YAML"), validators=[
        FileRequired(_l("Wybierz plik.")),
        FileAllowed(["csv", "yaml", "yml"], _l("Dozwolone pliki: CSV albo YAML."))])


class OrganisationForm(FlaskForm):
    """A regional partner of the staff member's organisation, with its territory."""

    name = StringField(_l("Nazwa organizacji"),
                       validators=[DataRequired(_l("Podaj nazwę organizacji.")),
                                   Length(max=300)])
    scope = StringField(_l("Obszar"), validators=[DataRequired(_l("Podaj obszar."))],
                        description=_l("gmina:TERYT (np. gmina:160402), powiat:TERYT "
                                       "(albo kilka: powiat:2404,2406), subregion: "
                                       "podregion:owes:północny, woj:NN albo kilka "
                                       "województw: woj:02,04."))


class AccountForm(FlaskForm):
    """A staff account in the staff member's organisation or one of its partners."""

    email = StringField(_l("Adres e-mail (login)"),
                        validators=[DataRequired(_l("Podaj adres e-mail.")), Length(max=254)])
    full_name = StringField(_l("Imię i nazwisko"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Rola"), choices=[])
    organisation_id = SelectField(_l("Organizacja"), coerce=int, choices=[])


class CallForm(FlaskForm):
    """One phone call to a unit (CATI): its outcome, length, note and the call-back time."""

    outcome = RadioField(_l("Wynik rozmowy"), choices=[],
                         validators=[InputRequired(_l("Wybierz wynik rozmowy."))])
    minutes = IntegerField(_l("Czas rozmowy (minuty)"), default=0,
                           validators=[Optional(),
                                       NumberRange(0, 240, _l("Czas rozmowy: od 0 do 240 "
                                                              "minut."))],
                           description=_l("0, gdy nikt nie odebrał."))
    callback_at = DateTimeLocalField(
        _l("Oddzwonić (data i godzina)"), format="%Y-%m-%dT%H:%M", validators=[Optional()],
        description=_l("Tylko przy „prośba o kontakt później”; czas polski. Jednostka wróci "
                       "na Twoją listę o tej porze."))
    note = TextAreaField(_l("Notatka"), validators=[Optional(), Length(max=2000)],
                         description=_l("Z kim rozmawiano, co ustalono. Widzą ją pracownicy, "
                                        "nie jednostka."))


class AssignCallerForm(FlaskForm):
    """Give the units ticked on the call list to one caller (or to nobody)."""

    caller = SelectField(_l("Dzwoni"), choices=[], default="")
