"""Messages: digest (see the package docstring)."""
