"""What the tests and the benchmarks share, and neither owns: a throwaway PostGIS cluster
(`postgis`), the app served on a free port (`live`), Debian's headless Chromium (`chromium`) and
the repository's own data folders (`paths`).

A development tool like tests/ and bench/: not part of the service, not in the wheel. It may use
the service's packages; it never imports tests/ or bench/ (tests/test_repository.py checks).
"""
