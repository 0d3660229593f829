"""Error pages in Polish. A user never sees a traceback."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from extensions import db

_TITLES = {
    400: ("Niepoprawne żądanie", "Przeglądarka wysłała dane, których nie rozumiemy. Wróć i "
          "spróbuj ponownie."),
    401: ("Wymagane zalogowanie", "Ta strona wymaga zalogowania."),
    403: ("Brak dostępu", "Nie masz uprawnień do tej strony."),
    404: ("Nie znaleziono strony", "Sprawdź adres. Jeśli link pochodzi z wiadomości e-mail, "
          "skopiuj go w całości albo poproś ROPS o ponowne wysłanie."),
    405: ("Niedozwolona operacja", "Tej strony nie można otworzyć w ten sposób."),
    409: ("Konflikt", "Operacji nie można wykonać w obecnym stanie."),
    410: ("Strona nie jest już dostępna", "Ten adres przestał działać."),
    413: ("Plik jest za duży", "Wysłany plik przekracza dopuszczalny rozmiar."),
    429: ("Zbyt wiele prób", "Spróbuj ponownie za kilka minut."),
    500: ("Błąd serwera", "Coś poszło nie tak po naszej stronie. Spróbuj ponownie za chwilę; "
          "jeśli błąd się powtarza, zgłoś go do ROPS."),
}


class GonePage(HTTPException):
    """A page that explains itself: a title and a sentence, with a status code."""

    def __init__(self, title: str, message: str, status: int = 410):
        super().__init__(description=message)
        self.code = status
        self.title = title


def register(app: Flask) -> None:
    """Install the Polish error pages."""

    @app.errorhandler(GonePage)
    def explained(err: GonePage):
        return render_template("errors/page.html", title=err.title,
                               message=err.description, code=err.code), err.code

    @app.errorhandler(CSRFError)
    def csrf_failed(err: CSRFError):
        return render_template(
            "errors/page.html", title="Formularz wygasł",
            message="Ze względów bezpieczeństwa formularz trzeba wysłać ponownie: wróć, "
                    "odśwież stronę i spróbuj jeszcze raz.", code=400), 400

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        title, message = _TITLES.get(err.code or 500, (err.name, ""))
        return render_template("errors/page.html", title=title, message=message,
                               code=err.code), err.code

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        db.session.rollback()
        app.logger.exception("Nieobsłużony błąd: %s", err)
        title, message = _TITLES[500]
        return render_template("errors/page.html", title=title, message=message,
                               code=500), 500
