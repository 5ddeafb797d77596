"""The Overview figure: one stacked trace per category, fixed order and colours."""

import pandas as pd

from spaops.figures.overview import weekly_revenue_figure
from spaops.figures.palette import CATEGORY_COLORS


def test_weekly_revenue_figure_stacks_categories_in_fixed_order():
    weekly = pd.DataFrame({
        "week": pd.to_datetime(["2026-03-02", "2026-03-02", "2026-03-09"]),
        "category": ["relaxation", "therapeutic", "relaxation"],
        "revenue": [450.0, 270.0, 120.0],
    })
    figure = weekly_revenue_figure(weekly)
    assert [t.name for t in figure.data] == ["Therapeutic", "Relaxation", "Other"]
    assert [t.marker.color for t in figure.data] == [
        CATEGORY_COLORS["therapeutic"], CATEGORY_COLORS["relaxation"], CATEGORY_COLORS["other"]]
    assert list(figure.data[1].y) == [450.0, 120.0]
    assert list(figure.data[2].y) == []
    assert figure.layout.barmode == "stack"
    assert figure.layout.xaxis.title.text == "Week starting"
    assert figure.layout.yaxis.title.text == "Revenue (USD)"
