"""A DOCX printed as PDF by LibreOffice (headless), tagged for accessibility: the LPRES and the
half-year documents, and the workbooks the tests print. (The monitoring report's PDF is
typeset by Typst: ``reports.typst_pdf``.)

LibreOffice writes a tagged PDF (``UseTaggedPDF``) with the headings as bookmarks.

Each conversion gets its own LibreOffice profile folder, so several exports (or the web and
the command line) can convert at once, and a time limit, so a stuck converter cannot hang a
request.
"""

from __future__ import annotations

import contextlib
import functools
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from l10n import N_

TIMEOUT_SECONDS = 240
#: how long a LibreOffice started ahead may take to stop when nothing was converted
START_SECONDS = 90
_FILTER = ('pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
           '"ExportBookmarks":{"type":"boolean","value":"true"},'
           '"ExportNotes":{"type":"boolean","value":"false"}}')
NO_OFFICE = N_("Do zapisu PDF potrzebny jest LibreOffice (pakiet Debiana "
               "libreoffice-writer-nogui); DOCX można pobrać bez niego.")
FAILED = N_("LibreOffice nie zamienił dokumentu na PDF: %(reason)s")
TOO_LONG = N_("LibreOffice nie zamienił dokumentu na PDF w %(seconds)s s.")


class PdfError(Exception):
    """The PDF could not be made; the message (a Polish msgid) says why."""


#: the system interpreter with LibreOffice's UNO bridge (Debian ``python3-uno``)
UNO_PYTHON = "/usr/bin/python3"
UNO_SCRIPT = Path(__file__).with_name("uno_convert.py")
#: the word of the line the script prints when every PDF is stored, with LibreOffice's
#: peak RSS in kB (``reports/uno_convert.py``)
STORED = "stored"


def office_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


_PROBE = ("import sys; sys.path.append('/usr/lib/libreoffice/program'); import uno")
def _may_have_uno() -> bool:
    return office_binary() is not None and Path(UNO_PYTHON).exists()


@functools.cache
def uno_python() -> str | None:
    """The interpreter that can drive LibreOffice over UNO, or ``None`` (then the command
    line converts, and a document's contents keep the pages they were written with)."""
    if not _may_have_uno():
        return None
    code = subprocess.run([UNO_PYTHON, "-c", _PROBE], capture_output=True, check=False,  # noqa: S603  # fixed arguments
                          timeout=30).returncode
    return UNO_PYTHON if code == 0 else None


def docx_to_pdf_with_indexes(docx_path: Path, pdf_path: Path) -> None:
    """Convert through one LibreOffice process that updates the contents' page numbers first
    (``reports/uno_convert.py``). :raise PdfError: no UNO bridge, failure, or too long."""
    with IndexingConverter() as office:
        office.convert(docx_path, pdf_path)


class IndexingConverter:
    """LibreOffice started ahead over UNO, to convert one DOCX once it is written.

    ``with IndexingConverter() as office: write the DOCX; office.convert(docx, pdf)`` —
    LibreOffice starts (about a second) while the caller writes the document instead of
    after it. Leaving the block stops LibreOffice and removes its profile, whatever happened.

    :raise PdfError: on entering without the UNO bridge; from ``convert`` when LibreOffice
        fails, produces nothing or takes longer than ``TIMEOUT_SECONDS``
    """

    def __init__(self) -> None:
        python, binary = uno_python(), office_binary()
        if python is None or binary is None:
            raise PdfError(NO_OFFICE)
        self._command = [python, str(UNO_SCRIPT), binary]
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._process: subprocess.Popen[str] | None = None
        #: LibreOffice's peak RSS while it converted (the bench reports it)
        self.office_rss_mb = 0.0

    def __enter__(self) -> IndexingConverter:
        self._tmp = tempfile.TemporaryDirectory(prefix="esmon-pdf-")
        self._process = subprocess.Popen(  # noqa: S603  # fixed arguments, our own files
            [*self._command, str(Path(self._tmp.name) / "profile")], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True)  # LibreOffice in its group: stopped with the script
        return self

    def convert(self, docx_path: Path, pdf_path: Path) -> None:
        """Print ``docx_path`` (its contents updated) into ``pdf_path``; once per block."""
        if self._process is None or self._tmp is None:
            raise RuntimeError("IndexingConverter.convert outside its with block")
        produced = Path(self._tmp.name) / "raport.pdf"
        process = self._process
        try:
            assert process.stdin is not None
            process.stdin.write(f"{Path(docx_path).resolve()}\n{produced}\n")
            process.stdin.close()
            peak_kb = _await_stored(process, TIMEOUT_SECONDS)
        except TimeoutError as err:
            self._stop()
            raise PdfError(N_(TOO_LONG, seconds=TIMEOUT_SECONDS)) from err
        except OSError:  # the script ended before reading the paths
            peak_kb = None
        if peak_kb is not None and produced.exists():
            self.office_rss_mb = peak_kb / 1024
            # the PDF is complete: LibreOffice's own shutdown (saving a profile that is
            # thrown away) is not waited for
            self._stop()
            shutil.move(str(produced), pdf_path)
            return
        try:  # failed: the script's last words (a few lines: they fit in the pipe)
            process.wait(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as err:
            self._stop()
            raise PdfError(N_(TOO_LONG, seconds=TIMEOUT_SECONDS)) from err
        stderr = process.stderr.read() if process.stderr is not None else ""
        self._stop()  # LibreOffice outlives a script that failed: its group goes with it
        reason = (stderr or "").strip().splitlines()[-1:] or ["?"]
        raise PdfError(N_(FAILED, reason=reason[0][:200]))

    def __exit__(self, *exc: object) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            try:  # not converted (the DOCX failed): no paths, so the script stops LibreOffice
                process.communicate("", timeout=START_SECONDS)
            except (subprocess.TimeoutExpired, ValueError, OSError):
                self._process = process
                self._stop()
        self._process = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def _stop(self) -> None:
        """Kill the script and its LibreOffice (one process group) and reap the script."""
        if self._process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGKILL)
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout, self._process.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def _await_stored(process: subprocess.Popen[str], seconds: float) -> int | None:
    """Read the script's standard output until its ``stored`` line: LibreOffice's peak RSS
    (kB) it gives, or None when the script ended without it.

    :raise TimeoutError: neither within ``seconds``
    """
    assert process.stdout is not None
    fd, seen, deadline = process.stdout.fileno(), b"", time.monotonic() + seconds
    while True:
        for line in seen.split(b"\n")[:-1]:  # complete lines
            word, _, rest = line.decode(errors="replace").partition(" ")
            if word == STORED:
                return int(rest) if rest.strip().isdigit() else 0
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError(STORED)
        chunk = os.read(fd, 4096)
        if not chunk:
            return None
        seen += chunk


def docx_to_pdf(docx_path: Path, pdf_path: Path) -> None:
    """Convert ``docx_path`` into ``pdf_path``. :raise PdfError: without LibreOffice or when
    it fails or takes longer than ``TIMEOUT_SECONDS``."""
    binary = office_binary()
    if binary is None:
        raise PdfError(NO_OFFICE)
    with tempfile.TemporaryDirectory(prefix="esmon-pdf-") as tmp:
        work = Path(tmp)
        source = work / "raport.docx"
        shutil.copyfile(docx_path, source)
        command = [binary, f"-env:UserInstallation={(work / 'profile').as_uri()}",
                   "--headless", "--norestore", "--nologo", "--convert-to", _FILTER,
                   "--outdir", str(work), str(source)]
        _run_office(command, work / "raport.pdf", pdf_path)


def _run_office(command: list[str], produced: Path, pdf_path: Path) -> None:
    """Run one LibreOffice conversion and move its PDF into place.

    :raise PdfError: when it fails, produces nothing or takes longer than ``TIMEOUT_SECONDS``.
    """
    try:
        done = subprocess.run(command, capture_output=True, text=True,  # noqa: S603  # fixed arguments, our own files
                              timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as err:
        raise PdfError(N_(TOO_LONG, seconds=TIMEOUT_SECONDS)) from err
    if done.returncode or not produced.exists():
        reason = (done.stderr or done.stdout or "").strip().splitlines()[-1:] or ["?"]
        raise PdfError(N_(FAILED, reason=reason[0][:200]))
    shutil.move(str(produced), pdf_path)
