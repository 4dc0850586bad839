"""Library warning classes."""


class Alt401kWarning(UserWarning):
    """A legal but suspicious input (e.g. a 40% expected return)."""
