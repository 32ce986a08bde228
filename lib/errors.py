"""Exceptions with messages meant for the person using the app or CLI."""


class AutoPlaylistsError(Exception):
    """Base class: the message is shown to the user as is."""


class LibraryBusyError(AutoPlaylistsError):
    """The library file stayed locked by another process for longer than we wait."""


class LibraryError(AutoPlaylistsError):
    """The library file cannot be opened or is not a library."""


class ValidationError(AutoPlaylistsError):
    """Input was rejected; nothing was stored."""


class ConfigError(AutoPlaylistsError, ValueError):
    """A setting or the secrets file is malformed."""
