"""Typeset one report folder with Typst, in a process of its own: ``python typst_compile.py DIR``.

Run by ``reports.typst_pdf`` as a child, not imported: Typst keeps what it computed for every
document in a process-wide cache (comemo) that its Python binding never empties, so a web
worker that typeset PDFs in-process would grow by tens of megabytes a report. A child also
bounds a compilation in time (its parent kills it) and keeps a crash of the native library
out of the web worker. It takes ``DIR/report.typ`` (with the data and pictures beside it) and
writes ``DIR/report.pdf``, conforming to PDF/UA-1 or, where a character cannot be shown in
any font, tagged without that claim; on failure it prints Typst's message as the last line of
standard error and exits with ``FAILED`` (or ``NO_TYPST`` without the package). It imports
nothing of the project, so it starts in a few hundredths of a second.
"""

from __future__ import annotations

import sys
from pathlib import Path

FAILED, NO_TYPST = 1, 3
#: how Typst begins a refusal by PDF/UA-1, and the line this script prints when it made the
#: PDF without that conformance
UA_ERROR, NOT_UA = "PDF/UA-1 error", "not-ua-1"


def main(folder: Path) -> int:
    try:
        import typst
    except ImportError:
        return NO_TYPST
    source, output, root = str(folder / "report.typ"), str(folder / "report.pdf"), str(folder)
    try:
        typst.compile(source, output, root=root, format="pdf", pdf_standards=["ua-1"])
    except typst.TypstError as err:
        if not str(err.message).startswith(UA_ERROR):
            print(" ".join(str(err.message).split()), file=sys.stderr)
            return FAILED
        # PDF/UA-1 refuses a character no font can show (an emoji, a rare script in an
        # answer): the same document, still tagged, without the claim of conformance
        print(f"{NOT_UA} {' '.join(str(err.message).split())}", flush=True)
        try:
            typst.compile(source, output, root=root, format="pdf")
        except typst.TypstError as again:
            print(" ".join(str(again.message).split()), file=sys.stderr)
            return FAILED
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
