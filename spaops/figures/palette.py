"""One colour per meaning across every chart (Okabe-Ito: safe for colour-blind readers)."""

CATEGORY_COLORS = {
    "therapeutic": "#0072B2",  # blue
    "relaxation": "#E69F00",  # orange
    "other": "#999999",  # grey
}
CATEGORY_ORDER = ("therapeutic", "relaxation", "other")
BAND_FILL = "rgba(0, 158, 115, 0.15)"  # bluish green, translucent: the target or market band
BAND_LINE = "#009E73"
WARNING = "#D55E00"  # vermillion: below band, burnout risk
NEUTRAL = "#56B4E9"  # sky blue: bars that are neither family
LAYOUT = {
    "template": "plotly_white",
    "margin": {"l": 40, "r": 20, "t": 50, "b": 40},
    "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 1, "xanchor": "right"},
    "font": {"family": "sans-serif", "size": 13},
}
