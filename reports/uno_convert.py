"""DOCX → PDF through one LibreOffice process, its indexes (the contents) updated first.

Run by the system Python that has LibreOffice's UNO bridge (Debian ``python3-uno``), not by
the project's interpreter:
``python3 reports/uno_convert.py SOFFICE PROFILE_DIR SRC DST [SRC DST …]``.
It starts ``soffice`` listening on a private pipe with its own profile, opens each document
hidden, updates every index (LibreOffice does not refresh a DOCX's contents on its own — Word
does, on opening), exports a tagged PDF with bookmarks and stops the process. Nothing of the
project is imported here.

Without ``SRC DST`` on the command line the pairs are read from standard input (one path a
line) once LibreOffice is up: the caller starts this script before it writes the DOCX, so
LibreOffice's start (about a second) overlaps the writing (``reports.pdf.IndexingConverter``).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

START_SECONDS = 60
#: printed once every PDF is stored, with LibreOffice's peak RSS (``reports.pdf.STORED``)
STORED = "stored"
#: where Debian's LibreOffice keeps its Python modules (uno.py)
OFFICE_PROGRAM = "/usr/lib/libreoffice/program"


def _prop(name: str, value: object) -> object:
    from com.sun.star.beans import PropertyValue

    found = PropertyValue()
    found.Name, found.Value = name, value
    return found


def _peak_kb(pid: int) -> int:
    """The largest peak RSS (kB) of ``pid`` and its descendants — LibreOffice's launchers
    and ``soffice.bin`` — told to the caller, which stops them without waiting (Linux
    ``/proc``; 0 elsewhere)."""
    pids, peak = [pid], 0
    for each in pids:  # (grows as each one's children are found)
        with contextlib.suppress(OSError, ValueError):  # children by each of its threads
            for task in Path(f"/proc/{each}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
        with contextlib.suppress(OSError, ValueError, IndexError):
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
    return peak


def main(argv: list[str]) -> int:
    # LibreOffice's own module, importable only by the system python3 (imported here, so
    # the project's interpreter can import this file without it)
    sys.path.append(OFFICE_PROGRAM)
    import uno

    binary, profile, pairs = argv[0], Path(argv[1]), argv[2:]
    pipe = f"esmon-{uuid.uuid4().hex}"
    office = subprocess.Popen(  # noqa: S603  # fixed arguments
        [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--nologo", "--nodefault", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                context = resolver.resolve(
                    f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # noqa: BLE001 - not listening yet
                if time.monotonic() > deadline or office.poll() is not None:
                    print("LibreOffice did not start", file=sys.stderr)
                    return 2
                time.sleep(0.1)
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context)
        if not pairs:  # the caller was writing the documents while LibreOffice started
            pairs = [line for line in sys.stdin.read().splitlines() if line]
        filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", (
            _prop("UseTaggedPDF", True), _prop("ExportBookmarks", True),
            _prop("ExportNotes", False)))
        for source, target in zip(pairs[::2], pairs[1::2], strict=True):
            document = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0,
                (_prop("Hidden", True),))
            indexes = document.getDocumentIndexes()
            for i in range(indexes.getCount()):
                indexes.getByIndex(i).update()
            document.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)), (
                _prop("FilterName", "writer_pdf_Export"), _prop("FilterData", filter_data)))
            document.close(True)
        # the caller (``reports.pdf``) may stop LibreOffice now rather than wait for its end
        print(f"{STORED} {_peak_kb(office.pid)}", flush=True)
        with contextlib.suppress(Exception):  # the bridge closes as the process ends
            desktop.terminate()
        office.wait(timeout=30)
        return 0
    finally:
        if office.poll() is None:
            office.kill()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
