"""CLI commands for the enrich area (being built)."""


def register(sub, common) -> None:
    """Add this area's subcommands to the parser."""
