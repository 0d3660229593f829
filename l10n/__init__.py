"""Language and local conventions, with no Flask: what every layer may import.

* ``N_`` / ``Message`` (``l10n.markers``): mark a Polish text for translation in code that runs
  outside Flask (``forms/``, ``reports/``, models' constants); it is translated where it is shown;
* ``polish_sort_key`` (``l10n.polish``): Polish alphabetical order (Ł after L);
* ``format_number`` / ``format_money`` (``l10n.numbers``): ``1 234,50``, ``1 234,50 zł``.

The Flask side — the request's language, ``translate``, ``lazy_gettext``, dates, numbers and
money in that language — is ``l10n.web``; importing this package does not import Flask.
"""

from l10n.markers import N_, Message
from l10n.numbers import format_money, format_number
from l10n.polish import polish_sort_key

__all__ = ["N_", "Message", "format_money", "format_number", "polish_sort_key"]
