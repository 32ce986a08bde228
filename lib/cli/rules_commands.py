"""CLI commands for the rules area (being built)."""


def register(sub, common) -> None:
    """Add this area's subcommands to the parser."""
