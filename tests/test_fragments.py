"""The partials written once per language are what an include writes, in each language."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import force_locale

from views.fragments import fixed_fragment

PARTIALS = ("respond/_rodo.html", "respond/_session.html")


def test_a_fixed_fragment_is_the_partial_rendered_in_the_current_language(app: Flask):
    written = {}
    for language in ("pl", "en"):
        with app.test_request_context(), force_locale(language):
            for partial in PARTIALS:
                fragment = fixed_fragment(partial)
                assert str(fragment) == render_template(partial)
                assert fixed_fragment(partial) is fragment  # kept, not written again
                written[language, partial] = str(fragment)
    for partial in PARTIALS:
        assert written["pl", partial] != written["en", partial]
    assert "Sesja wkrótce wygaśnie" in written["pl", "respond/_session.html"]
    assert "Session" in written["en", "respond/_session.html"]


def test_links_in_a_fixed_fragment_follow_the_script_root(app: Flask):
    with app.test_request_context(), force_locale("pl"):
        plain = str(fixed_fragment("respond/_session.html"))
    with app.test_request_context("/", base_url="http://localhost/esmon/"), force_locale("pl"):
        prefixed = str(fixed_fragment("respond/_session.html"))
    assert 'data-keepalive-url="/esmon/' in prefixed
    assert 'data-keepalive-url="/esmon/' not in plain
