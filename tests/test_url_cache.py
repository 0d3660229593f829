"""Templates' cached ``url_for`` answers what ``url_for`` answers, per script root and host."""

from __future__ import annotations

from flask import Flask, render_template_string, url_for

from views import url_cache
from views.url_cache import CACHE_KEY, cached_url_for

BUILDS = [("static", {"filename": "css/esmon.css"}), ("pages.home", {}),
          ("pages.language", {"code": "en", "next": "/ankieta?x=1&y=<2>"}),
          ("autosave.save", {"section_id": "s1"}), ("respond.start", {})]


def test_cached_addresses_are_url_for_s_for_each_script_root_and_host(app: Flask):
    for base_url in ("http://localhost/", "http://localhost/esmon/", "http://inny.pl/"):
        for _ in range(2):  # the second time from the cache
            with app.test_request_context("/", base_url=base_url):
                for endpoint, values in BUILDS:
                    assert cached_url_for(endpoint, **values) == url_for(endpoint, **values)
    cache = app.extensions[CACHE_KEY]
    assert len(cache) == 3 * len(BUILDS)


def test_options_and_other_values_are_not_cached(app: Flask):
    with app.test_request_context("/"):
        before = len(app.extensions[CACHE_KEY])
        assert cached_url_for("pages.home", _external=True) == url_for("pages.home",
                                                                       _external=True)
        assert cached_url_for("pages.home", _anchor="a") == "/#a"
        assert (cached_url_for("pages.language", code="en", next=["/a", "/b"])
                == url_for("pages.language", code="en", next=["/a", "/b"]))
        assert len(app.extensions[CACHE_KEY]) == before


def test_the_cache_stops_growing_at_its_limit(app: Flask, monkeypatch):
    monkeypatch.setattr(url_cache, "LIMIT", 3)
    with app.test_request_context("/"):
        addresses = [cached_url_for("pages.language", code="en", next=f"/p{i}")
                     for i in range(10)]
        assert addresses == [url_for("pages.language", code="en", next=f"/p{i}")
                             for i in range(10)]
        assert len(app.extensions[CACHE_KEY]) == 3


def test_templates_use_the_cached_url_for(app: Flask):
    with app.test_request_context("/"):
        page = render_template_string("{{ url_for('static', filename='js/respond.js') }}")
        assert page == url_for("static", filename="js/respond.js")
        assert any(key[0] == "static" for key in app.extensions[CACHE_KEY])
