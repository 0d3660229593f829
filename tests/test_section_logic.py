"""The section page's logic JSON is the text ``|tojson`` writes for the whole payload."""

from __future__ import annotations

from services.questionnaires import registry
from views.section_logic import logic_json, survey_logic

#: the page's own values, with what ``tojson`` escapes and what JSON quotes
VALUES = {
    "answers": {"a": 1, "b": "<script>&'\"ż</script>", "c": [1.5, None, True],
                "d": {"z": 1, "a": {"y": 2, "b": 3}}},
    "unreadable": ["x", "a"],
    "previous": {"q": "Ała & <b>"},
    "reportingYear": 2025,
    "today": "2026-03-31",
}


def test_the_logic_is_the_json_tojson_writes(app):
    with app.test_request_context():
        tojson = app.jinja_env.from_string("{{ logic|tojson }}")
        for loaded in registry():
            survey = loaded.survey
            for values in (VALUES, {"answers": {}, "previous": {}, "reportingYear": 0,
                                    "today": ""}):
                expected = tojson.render(logic={**survey_logic(survey), **values})
                assert str(logic_json(survey, **values)) == expected
                assert str(logic_json(survey, **values)) == expected  # written part kept
