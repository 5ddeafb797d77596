"""Default category and credential rules for a service, read from its name (DOMAIN.md)."""

from dataclasses import dataclass

from seed.reference import (
    DEEP_PRESSURE_KEYWORDS,
    OTHER_KEYWORDS,
    PREFERRED_BY_KEYWORD,
    RELAXATION_KEYWORDS,
    REQUIRED_BY_KEYWORD,
    THERAPEUTIC_KEYWORDS,
)


@dataclass(frozen=True)
class ServiceDefaults:
    """What a new service gets from its name until the owner reviews it."""

    category: str
    required_credentials: str
    preferred_credentials: str
    deep_pressure: bool
    needs_review: bool


def _has(text: str, keywords: tuple[str, ...]) -> bool:
    padded = f" {text} "
    return any(
        (f" {k} " in padded) if len(k) <= 3 else (k in text) for k in keywords
    )


def _normalised(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-" else " " for c in name.casefold())
    return " ".join(cleaned.split())


def classify_service(name: str) -> ServiceDefaults:
    """Return the default category, credentials and review flag for a service name."""
    text = _normalised(name)
    if _has(text, OTHER_KEYWORDS):
        category, certain = "other", True
    elif _has(text, THERAPEUTIC_KEYWORDS):
        category, certain = "therapeutic", True
    elif _has(text, RELAXATION_KEYWORDS):
        category, certain = "relaxation", True
    elif "massage" in text:
        category, certain = "relaxation", False
    else:
        category, certain = "other", False
    is_massage = category != "other"
    required = [req for kw, req in REQUIRED_BY_KEYWORD if is_massage and _has(text, (kw,))]
    preferred = [p for kw, p in PREFERRED_BY_KEYWORD if is_massage and _has(text, (kw,))]
    return ServiceDefaults(
        category=category,
        required_credentials=";".join(dict.fromkeys(required)),
        preferred_credentials=";".join(dict.fromkeys(preferred)),
        deep_pressure=is_massage and _has(text, DEEP_PRESSURE_KEYWORDS),
        needs_review=not certain,
    )
