"""Reference data from DOMAIN.md: market bands, service keywords and the demo menu."""

from typing import NamedTuple

ARTICLE = "Average Costs (2026 estimates)"  # shared/seeds/000 in the team's files

# (tier, category, low, high, source): USD per 60 minutes.
MARKET_BANDS: tuple[tuple[str, str, float, float, str], ...] = (
    ("urban", "relaxation", 110, 150, f"{ARTICLE}: urban/high-end charge more; within $60-150"),
    ("urban", "therapeutic", 120, 165, f"{ARTICLE}: therapeutic sessions trend higher"),
    ("suburban", "relaxation", 90, 140, f"{ARTICLE}: mid-range spa 60 min $90-140"),
    ("suburban", "therapeutic", 100, 150, f"{ARTICLE}: therapeutic sessions trend higher"),
    ("rural", "relaxation", 60, 100, f"{ARTICLE}: rural clinics charge less; within $60-150"),
    ("rural", "therapeutic", 70, 110, f"{ARTICLE}: therapeutic sessions trend higher"),
)

# Keyword rules for a new service's default category; 'other' wins, then therapeutic.
OTHER_KEYWORDS = (
    "facial", "manicure", "pedicure", "wrap", "scrub", "add-on", "addon", "add on",
    "upgrade", "package fee",
)
THERAPEUTIC_KEYWORDS = (
    "deep tissue", "trigger point", "myofascial", "neuromuscular", "nmt", "sports",
    "medical", "clinical", "orthopedic", "injury", "rehab", "cross-fiber", "cross fiber",
    "therapeutic",
)
RELAXATION_KEYWORDS = (
    "swedish", "relaxation", "aromatherapy", "hot stone", "spa", "signature", "reflexology",
    "prenatal", "couples",
)

# Default credential requirements from a service's name: keyword -> requirement
# ('|' separates alternatives, any one of which satisfies the requirement).
REQUIRED_BY_KEYWORD = (
    ("prenatal", "prenatal"),
    ("medical", "medical"),
    ("myofascial", "myofascial_release"),
    ("trigger point", "trigger_point|neuromuscular"),
    ("nmt", "trigger_point|neuromuscular"),
    ("neuromuscular", "trigger_point|neuromuscular"),
)
PREFERRED_BY_KEYWORD = (
    ("deep tissue", "deep_tissue"),
    ("sports", "sports"),
    ("hot stone", "hot_stone"),
    ("aromatherapy", "aromatherapy"),
    ("reflexology", "reflexology"),
    ("lymphatic", "lymphatic_drainage"),
)
# Services whose pressure rules out clients with blood clots or recent surgery.
DEEP_PRESSURE_KEYWORDS = (
    "deep tissue", "sports", "trigger point", "myofascial", "neuromuscular", "nmt",
    "cross-fiber", "orthopedic",
)

# The demo menu: (name, modality, duration min, base price USD at a suburban spa).
DEMO_MENU: tuple[tuple[str, str, int, float], ...] = (
    ("Swedish Massage 60", "swedish", 60, 105),
    ("Swedish Massage 90", "swedish", 90, 150),
    ("Express Relaxation 30", "swedish", 30, 60),
    ("Aromatherapy Massage", "aromatherapy", 60, 115),
    ("Hot Stone Massage", "hot_stone", 75, 140),
    ("Reflexology", "reflexology", 45, 80),
    ("Prenatal Massage", "prenatal", 60, 110),
    ("Couples Relaxation Massage", "swedish", 60, 120),
    ("Deep Tissue Massage 60", "deep_tissue", 60, 120),
    ("Deep Tissue Massage 90", "deep_tissue", 90, 170),
    ("Sports Massage", "sports", 60, 125),
    ("Trigger Point Therapy", "trigger_point", 60, 125),
    ("Myofascial Release", "myofascial_release", 60, 130),
    ("Neuromuscular Therapy (NMT)", "neuromuscular", 60, 130),
    ("Medical Massage", "medical", 60, 135),
    ("Signature Facial", "facial", 60, 110),
    ("Hot Stone Add-On", "add_on", 15, 25),
    ("Sea Salt Scrub", "scrub", 45, 85),
)



class DemoLocation(NamedTuple):
    """One demo location and the story its data tells."""

    name: str
    tier: str
    timezone: str
    rooms: int
    mix: tuple[float, float, float]  # booking weights: therapeutic, relaxation, other
    utilisation: float  # booked hands-on share of the shift time its rota is drawn for
    shift_hours: int  # a usual shift
    buffer_min: int  # turnover between clients
    relaxation_price: float  # where its relaxation prices sit: 0 the band floor, 1 the top
    therapeutic_price: float


# The demo chain: four locations that differ the way real ones do, each with a story.
DEMO_LOCATIONS: tuple[DemoLocation, ...] = (
    # Comfortably inside the target band, prices mid-band: nothing to act on.
    DemoLocation("Harbor Day Spa", "urban", "America/New_York", 6, (0.30, 0.58, 0.12),
                 0.70, 8, 15, 0.5, 0.5),
    # Busy enough, but its relaxation menu sits under the suburban band.
    DemoLocation("Maple Grove Spa", "suburban", "America/Chicago", 5, (0.30, 0.60, 0.10),
                 0.68, 8, 15, -0.2, 0.45),
    # A rural retreat rostered for more clients than come: idle time.
    DemoLocation("Pinecrest Retreat", "rural", "America/Denver", 3, (0.25, 0.65, 0.10),
                 0.44, 8, 15, 0.55, 0.5),
    # A therapeutic clinic booked back to back with short turnovers: over the burnout line.
    DemoLocation("Midtown Recovery Clinic", "urban", "America/New_York", 5, (0.80, 0.17, 0.03),
                 0.93, 7, 10, 0.5, 0.55),
)
# Services priced over their band on purpose (where in the band: 1 is its top): a premium
# an owner keeps while its volume holds.
DEMO_PREMIUM = {("Harbor Day Spa", "Hot Stone Massage"): 1.2}
# Price factor against the suburban base price for services without a band (facials, add-ons).
DEMO_PRICE_FACTOR = {"urban": 1.12, "suburban": 1.0, "rural": 0.72}

DEFAULT_SETTINGS: dict[str, object] = {
    "utilisation_target_low": 0.60,
    "utilisation_target_high": 0.80,
    "utilisation_burnout": 0.85,
    "cadence_therapeutic_days": 14,
    "cadence_relaxation_days": 35,
    "daily_cap_min": 360,
    "expiry_warning_days": 30,
    # Actions (spaops.actions): assumptions an owner may set otherwise.
    "action_price_round_dollars": 5,
    "action_license_horizon_days": 60,
    "action_over_cap_horizon_days": 14,
    "action_drift_lookback_days": 120,
}
