"""Errors every entry point (command line, pages) turns into a clear message."""


class UsageError(Exception):
    """The input as a whole is unusable: nothing is written (the command exits 2)."""


class LocationNeeded(UsageError):
    """A booking export names no location and none was chosen for its rows."""


class RuleRefusal(Exception):
    """A business rule refused the request: nothing changed (the command exits 1)."""
