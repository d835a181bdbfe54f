"""Messages: feedback (see the package docstring)."""
