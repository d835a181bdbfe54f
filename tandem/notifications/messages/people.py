"""Messages: people (see the package docstring)."""
