"""The ``brandguard`` command line: one module per command."""
