"""What a serving process does once the app is loaded, before its first request.

The app's long-lived objects — questionnaire definitions and their form classes, compiled
templates, SQLAlchemy's mappers, the translation catalogues: some 130 000 objects the cycle
collector tracks — live as long as the process. Python's collector still walked them all at
each full collection: about 70 ms, once every few hundred section pages, added to whichever
request happened to trigger it. Frozen (``gc.freeze``) they are left out of every
collection; what requests create is collected as before. The Python documentation
recommends it for processes that load once and then serve.
"""

from __future__ import annotations

import gc


def settle() -> int:
    """Collect what loading left behind, then keep everything that remains out of the
    collector's walks; returns how many objects are frozen now."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
