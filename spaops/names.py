"""How names typed by people are compared: case-, accent-form- and whitespace-insensitive."""

import unicodedata


def name_key(name: str) -> str:
    """Return the matching key of a name: NFC, case-folded, inner whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def display_name(name: str) -> str:
    """Return a name as it should be stored: NFC with whitespace collapsed, case kept."""
    return " ".join(unicodedata.normalize("NFC", name).split())
