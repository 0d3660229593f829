"""Names of the report kinds and aggregation levels, without the code that builds reports.

The command line (its options) and the exports page (its form) need these names in every
process; pandas, xlsxwriter and the report builders are imported only where a report is made.
"""

from __future__ import annotations

from l10n import N_

KINDS = ("regional", "municipal", "raw", "indicators", "half-year", "plan")
#: level → how a sheet or a heading names it (Polish msgids: labels are translated where
#: they are shown, the tables keep these texts as their keys)
LEVELS = {
    "wojewodztwo": N_("Województwo"),
    "podregion": N_("Podregion"),
    "powiat": N_("Powiat"),
    "gmina_type": N_("Rodzaj JST"),
    "unit_kind": N_("Rodzaj jednostki"),
}
