"""Browser tests. A package, so that its conftest is imported as `browser.conftest` and leaves the
root `conftest` module in place for tests that import from it."""
