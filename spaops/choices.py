"""Fixed vocabularies the tables check and the command line offers; imports nothing heavy."""

TIERS = ("urban", "suburban", "rural")
ROLES = ("owner", "manager", "staff")
# Market tiers in the words of DOMAIN.md's band table.
TIER_LABELS: dict[str, str] = {
    "urban": "Urban / high-end",
    "suburban": "Suburban / mid-range spa",
    "rural": "Rural",
}
