"""XLSForm, the spreadsheet format of ODK and Kobo, in and out of esmon definitions.

``import_xlsform`` reads a workbook (``workbook``: safe reading, every cell with its place),
maps it (``importer``: what maps, what is refused and why) and writes the YAML (``emit``) that
the checker then loads; ``names`` makes XLSForm names esmon identifiers.
"""

from forms.xlsform.importer import ImportResult, import_xlsform
from forms.xlsform.workbook import MAX_FILE_BYTES

__all__ = ["MAX_FILE_BYTES", "ImportResult", "import_xlsform"]
