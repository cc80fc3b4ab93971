"""reflect: a journal of favours and exchanges at work, checked and reported."""

__version__ = "0.1.0"
