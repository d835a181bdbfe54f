"""Messages: sessions (see the package docstring)."""
