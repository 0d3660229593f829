"""Browser tests (Chromium via Playwright).

A package, so that its conftest does not take the place of tests/conftest.py in sys.modules.
"""
