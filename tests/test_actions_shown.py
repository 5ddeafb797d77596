"""How an action's card reads: evidence figures formatted, settings named by where they change."""

from spaops.actions.shown import (
    assumption_in_words,
    evidence_figures,
    evidence_value,
    paid_hours_total,
)


def test_evidence_figures_read_as_dollars_percentages_and_counts():
    evidence = {"band_low": 90.0, "new_price": 112.5, "completed": 1234, "weeks": 8,
                "plan_week": "2026-11-30", "rows": [{"a": 1}], "period": {"from": "x"}}
    assert evidence_figures(evidence) == [
        ("Band floor per 60 min", "$90"), ("New menu price", "$112.50"),
        ("Completed bookings", "1,234"), ("Weeks looked at", "8"),
        ("Shift plan for the week of", "2026-11-30")]
    # A license that lapsed 20 days ago, and one with 12 days to go.
    assert evidence_figures({"days_left": -20}) == [("Days since it lapsed", "20")]
    assert evidence_figures({"days_left": 12}) == [("Days left", "12")]
    assert evidence_value("utilisation", 0.5758) == "57.6%"
    assert evidence_value("hours_per_week", 12.25) == "12.2"  # one decimal, as the tables


def test_assumptions_name_the_settings_page_not_the_stored_setting():
    assert assumption_in_words("daily hands-on cap of 360 minutes (setting: daily_cap_min)") \
        == "daily hands-on cap of 360 minutes (changed on the Settings page)"
    assert assumption_in_words("target band 60%-80%, burnout over 85% (settings: "
                               "utilisation_target_low, utilisation_target_high, "
                               "utilisation_burnout)") \
        == "target band 60%-80%, burnout over 85% (changed on the Settings page)"
    # A chain default with no field on any page: the note goes, the figure stays.
    assert assumption_in_words("menu prices are rounded up to a multiple of $5 "
                               "(setting: action_price_round_dollars)") \
        == "menu prices are rounded up to a multiple of $5"


def test_paid_hours_to_add_and_to_trim_net_out_and_are_named_apart():
    value, sides = paid_hours_total(2227.3, 8328.7)
    assert value == "-6,101.4"  # not 10,556 hours "a month" of two opposite things
    assert sides.startswith("2,227.3 hours to add and 8,328.7 to trim, a month")
    assert paid_hours_total(277.4, 91)[0] == "+186.4"
    assert paid_hours_total(8.7, 8.7)[0] == "0"
