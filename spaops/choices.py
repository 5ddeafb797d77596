"""Fixed vocabularies the tables check and the command line offers; imports nothing heavy."""

TIERS = ("urban", "suburban", "rural")
ROLES = ("owner", "manager", "staff")
