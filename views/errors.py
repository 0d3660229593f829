"""Error pages in the user's language (Polish by default). A user never sees a traceback."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from extensions import db
from l10n import N_

#: code → (title, sentence), Polish msgids translated when the page is rendered
_TITLES = {
    400: (N_("Niepoprawne żądanie"), N_("Przeglądarka wysłała dane, których nie rozumiemy. "
                                         "Wróć i spróbuj ponownie.")),
    401: (N_("Wymagane zalogowanie"), N_("Ta strona wymaga zalogowania.")),
    403: (N_("Brak dostępu"), N_("Nie masz uprawnień do tej strony.")),
    404: (N_("Nie znaleziono strony"), N_("Sprawdź adres. Jeśli link pochodzi z wiadomości "
                                           "e-mail, skopiuj go w całości albo poproś ROPS o "
                                           "ponowne wysłanie.")),
    405: (N_("Niedozwolona operacja"), N_("Tej strony nie można otworzyć w ten sposób.")),
    409: (N_("Konflikt"), N_("Operacji nie można wykonać w obecnym stanie.")),
    410: (N_("Strona nie jest już dostępna"), N_("Ten adres przestał działać.")),
    413: (N_("Plik jest za duży"), N_("Wysłany plik przekracza dopuszczalny rozmiar.")),
    429: (N_("Zbyt wiele prób"), N_("Spróbuj ponownie za kilka minut.")),
    500: (N_("Błąd serwera"), N_("Coś poszło nie tak po naszej stronie. Spróbuj ponownie za "
                                  "chwilę; jeśli błąd się powtarza, zgłoś go do ROPS.")),
}


def _title_and_message(code: int | None) -> tuple[str, str] | None:
    texts = _TITLES.get(code or 500)
    return (gettext(texts[0]), gettext(texts[1])) if texts else None


class GonePage(HTTPException):
    """A page that explains itself: a title and a sentence, with a status code.

    Raise it with texts already translated (``gettext``): it is raised inside a request.
    """

    def __init__(self, title: str, message: str, status: int = 410):
        super().__init__(description=message)
        self.code = status
        self.title = title


#: paths of the respondent's pages: a dead end there offers "send me a new link"
RESPONDENT_PATHS = ("/r/", "/ankieta", "/nowy-link")


def _page(title: str, message: str, code: int | None) -> str:
    """The error page; on a respondent's page with the "send me a new link" form."""
    new_link_form = None
    if code in (401, 404, 410) and request.path.startswith(RESPONDENT_PATHS):
        from views.forms import NewLinkForm

        new_link_form = NewLinkForm()
    return render_template("errors/page.html", title=title, message=message, code=code,
                           new_link_form=new_link_form)


def register(app: Flask) -> None:
    """Install the error pages."""

    @app.errorhandler(GonePage)
    def explained(err: GonePage):
        return _page(err.title, err.description, err.code), err.code

    @app.errorhandler(CSRFError)
    def csrf_failed(err: CSRFError):
        return render_template(
            "errors/page.html", title=gettext("Formularz wygasł"),
            message=gettext("Ze względów bezpieczeństwa formularz trzeba wysłać ponownie: "
                            "wróć, odśwież stronę i spróbuj jeszcze raz."), code=400), 400

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(err: StaleDataError):
        """Someone saved the same record first (optimistic lock): nothing of this was saved."""
        db.session.rollback()
        return render_template(
            "errors/page.html", title=gettext("Dane zmieniono w międzyczasie"),
            message=gettext("Ktoś zapisał te dane w innym oknie albo na innym komputerze, "
                            "zanim zapisano tę zmianę, więc nie została zapisana. Wróć, "
                            "odśwież stronę i wprowadź zmianę jeszcze raz."), code=409), 409

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        title, message = _title_and_message(err.code) or (err.name, "")
        return _page(title, message, err.code), err.code

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        db.session.rollback()
        app.logger.error("Nieobsłużony błąd: %s", err, exc_info=err)
        title, message = _title_and_message(500)
        return render_template("errors/page.html", title=title, message=message,
                               code=500), 500
