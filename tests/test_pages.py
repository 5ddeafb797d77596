"""Every dashboard page through AppTest: filters set, figures equal the analytics, scopes hold."""

import functools
import json
from datetime import date, timedelta

import pytest
from sqlmodel import Session

from spaops import clock
from spaops.analytics.kpis import Period, chain_figures, kpi_sums, kpi_table
from spaops.db import make_engine
from tests.utils.apptest import every_section, metric_values, open_page, open_section, sign_in
from ui.widgets import MISSING, delta_text, money, percent

HARBOR = "Harbor Day Spa"


pytestmark = pytest.mark.usefixtures("app_database")


def _figures(url: str, days: int, names: list[str] | None = None):
    engine = make_engine(url)
    period = Period(clock.today() - timedelta(days=days - 1), clock.today())
    with Session(engine) as s:
        table = kpi_table(s, period)
        ids = None if names is None else table.loc[table["location"].isin(names),
                                                   "location_id"].tolist()
        result = chain_figures(kpi_sums(s, period, location_ids=ids)), kpi_table(
            s, period, location_ids=ids)
    engine.dispose()
    return result


def _filter(at, preset: str, locations: list[str] | None = None):
    at.selectbox(key="f_preset").set_value(preset)
    if locations is not None:
        at.multiselect(key="f_locations").set_value(locations)
    at.run()
    assert not at.exception, at.exception
    return at


def test_overview_metrics_follow_the_filters(app_database):
    at = _filter(open_page(sign_in("owner"), "pages/overview.py"), "Last 90 days", [HARBOR])
    chain, _table = _figures(app_database, 90, [HARBOR])
    shown = metric_values(at)
    assert shown["Revenue"] == money(chain["revenue"])
    assert shown["Completed bookings"] == f"{chain['completed']:,}"
    assert shown["Utilisation"] == percent(chain["utilisation"])
    assert shown["Therapeutic share"] == percent(chain["therapeutic_share"])
    assert at.query_params["loc"] in (HARBOR, [HARBOR])  # kept in the URL
    # A wide table keeps its first column in view while the rest scrolls sideways.
    columns = json.loads(at.dataframe[0].proto.columns)
    assert columns["Location"].get("pinned") is True
    assert not any(c.get("pinned") for name, c in columns.items() if name != "Location")
    # No plotly toolbar over the legend: dragging zooms, the table has the download.
    assert json.loads(at.get("plotly_chart")[0].proto.config) == {"displayModeBar": False}


def test_an_upcoming_period_is_not_compared_with_the_one_before(app_database):
    at = _filter(open_page(sign_in("owner"), "pages/overview.py"), "Next 14 days")
    cards = {m.label: m for m in at.metric}
    assert cards["Revenue"].value == "$0" and cards["Completed bookings"].value == "0"
    assert not cards["Revenue"].delta and not cards["Completed bookings"].delta
    assert not cards["Utilisation"].delta  # booked so far, not a fall against done weeks
    assert any("still to come" in c.value for c in at.caption)
    assert not any("Import" in i.value for i in at.info)  # no upload advice for the future
    locations = at.dataframe[0].value
    assert locations["Avg ticket"].isna().all()  # shown empty, not "None"


@pytest.mark.parametrize("page", ["pages/pricing.py", "pages/service_mix.py"])
def test_a_period_still_to_come_waits_for_completed_massages(app_database, page):
    at = _filter(open_page(sign_in("owner"), page), "Next 14 days")
    assert [i.value for i in at.main.info][0] == (
        "No completed massages in this period yet: it has not happened, and a massage "
        "counts here once it is completed.")  # no upload advice for the future


def test_changes_against_the_period_before_read_plainly():
    assert delta_text(110.0, 100.0) == "+10.0%"
    assert delta_text(4073.0, 10.0) == "+407x"  # not "+40630.0%"
    assert delta_text(5.0, 0.0) is None
    assert delta_text(0.62, 0.6, as_points=True) == "+2.0 pts"


def test_utilisation_page_shows_each_locations_figure(app_database):
    at = _filter(open_page(sign_in("owner"), "pages/utilisation.py"), "Last 7 days")
    _chain, table = _figures(app_database, 7)
    shown = metric_values(at)
    for row in table.itertuples():
        assert shown[row.location] == percent(row.utilisation)


def test_a_repeat_view_draws_the_same_charts_without_building_them_again(monkeypatch):
    import spaops.figures.utilisation as figures
    import ui.widgets

    built: list[str] = []

    def counted(build):  # the same figure function (and cache key), counting the builds
        @functools.wraps(build)
        def run(*args):
            built.append(build.__name__)
            return build(*args)
        return run

    for name in ("utilisation_bars", "utilisation_histogram", "weekday_hour_heatmap",
                 "weekly_utilisation_figure", "room_figure"):
        monkeypatch.setattr(figures, name, counted(getattr(figures, name)))
    ui.widgets._figure.clear()
    at = open_page(sign_in("owner"), "pages/utilisation.py")
    # Only the open section is drawn: the locations' bars and the therapists' bars.
    assert not at.exception and built == ["utilisation_bars", "utilisation_bars"]
    shown = {}
    for label in ("Therapists", "Busy hours", "Treatment rooms"):
        open_section(at, label)
        shown[label] = [chart.proto.spec for chart in at.get("plotly_chart")]
    assert not at.exception and len(built) == 5
    for label in ("Therapists", "Busy hours", "Treatment rooms"):
        open_section(at, label)
        assert [chart.proto.spec for chart in at.get("plotly_chart")] == shown[label]
    assert len(built) == 5  # the repeat views built none of the five charts
    _filter(at, "Last 7 days")  # other data: other charts
    assert len(built) > 5


def test_pricing_page_counts_match_the_kpis(app_database):
    at = _filter(open_page(sign_in("owner"), "pages/pricing.py"), "Last 30 days")
    chain, _table = _figures(app_database, 30)
    shown = metric_values(at)
    assert shown["Below band"] == f"{chain['below_band']:,}"
    assert shown["Within band"] == f"{chain['within_band']:,}"
    assert shown["Below-band gap"] == money(chain["below_band_gap"])


def test_service_mix_page_shows_share_per_location(app_database):
    at = _filter(open_page(sign_in("owner"), "pages/service_mix.py"), "Last 30 days", [HARBOR])
    _chain, table = _figures(app_database, 30, [HARBOR])
    shown = metric_values(at)
    assert list(shown) == [HARBOR]
    assert shown[HARBOR] == f"{table['therapeutic_share'].iloc[0]:.0%}"


@pytest.mark.parametrize("page", ["overview", "utilisation", "service_mix", "pricing",
                                  "therapists"])
def test_a_manager_sees_nothing_of_other_locations(app_database, page):
    at = open_page(sign_in("manager"), f"pages/{page}.py")
    # Even a URL asking for another location shows only the manager's own.
    at.query_params["loc"] = ["Pinecrest Retreat"]
    at.run()
    assert not at.exception, at.exception
    assert at.multiselect(key="f_locations").options == [HARBOR]
    shown = ""
    for _section in every_section(at):  # and in every section of the page
        assert not at.exception, at.exception
        shown += " ".join(str(d.value.to_csv()) for d in at.dataframe) + " ".join(
            m.label for m in at.metric) + " ".join(c.proto.spec for c in at.get("plotly_chart"))
    for other in ("Maple Grove Spa", "Pinecrest Retreat", "Midtown Recovery Clinic"):
        assert other not in shown
    if page == "overview":
        chain, _table = _figures(app_database, 30, [HARBOR])
        assert metric_values(at)["Revenue"] == money(chain["revenue"])


def test_staff_cannot_open_a_dashboard_even_by_its_path():
    at = sign_in("staff")
    try:
        at.switch_page("pages/overview.py").run()
    except Exception:  # AppTest refuses a page that is not in the navigation at all
        return
    assert not at.metric
    assert not any("Revenue" in m.label for m in at.metric)


def test_settings_saves_targets(app_database):
    at = open_page(sign_in("owner"), "pages/settings.py")
    at.number_input(key="cs_cap").set_value(300)
    form_buttons = [b for b in at.button if b.label == "Save targets"]
    form_buttons[0].click().run()
    assert not at.exception
    assert any("Targets saved" in s.value for s in at.success)
    engine = make_engine(app_database)
    from spaops.settings import load_settings
    with Session(engine) as s:
        assert load_settings(s)["daily_cap_min"] == 300
    engine.dispose()


def test_therapists_form_adds_a_therapist_and_refuses_a_duplicate(app_database):
    at = open_section(open_page(sign_in("manager"), "pages/therapists.py"),
                      "Add or edit a therapist")
    at.text_input(key="tf_name").input("Nadia Brook")
    at.text_input(key="tf_license").input("MT-777")
    at.text_input(key="tf_state").input("ny")
    at.date_input(key="tf_expires").set_value(date(2028, 1, 31))
    at.multiselect(key="tf_credentials").set_value(["prenatal"])
    [b for b in at.button if b.label == "Save therapist"][0].click().run()
    assert not at.exception, at.exception
    roster = open_section(at, "Roster").dataframe[0].value
    assert "Nadia Brook" in roster["Name"].tolist()
    row = roster[roster["Name"] == "Nadia Brook"].iloc[0]
    assert (row["Home location"], row["License state"], row["Credentials"]) == (
        HARBOR, "NY", "Prenatal")  # as the form names it
    open_section(at, "Add or edit a therapist").text_input(key="tf_name").input("  nadia   BROOK ")
    [b for b in at.button if b.label == "Save therapist"][0].click().run()
    assert any("already exists" in e.value for e in at.error)


@pytest.mark.parametrize("page, key", [("assign", "assign_location"),
                                       ("import_bookings", "import_location")])
def test_a_manager_works_only_in_their_location(page, key):
    at = open_page(sign_in("manager"), f"pages/{page}.py")
    assert not at.exception, at.exception
    assert at.selectbox(key=key).options == [HARBOR]


def test_assign_and_rota_open_on_the_location_in_hand():
    at = sign_in("owner")  # the Overview, filtered to one location in the sidebar
    _filter(at, "Last 30 days", ["Maple Grove Spa"])
    assert open_page(at, "pages/assign.py").selectbox(key="assign_location").value == \
        "Maple Grove Spa"
    at.selectbox(key="assign_location").set_value(HARBOR).run()
    # The Rota, then Assign again, stay where the person last was.
    assert open_page(at, "pages/shifts.py").selectbox(key="rota_location").value == HARBOR
    at.selectbox(key="rota_location").set_value("Pinecrest Retreat").run()
    assert open_page(at, "pages/assign.py").selectbox(key="assign_location").value == \
        "Pinecrest Retreat"
    assert not at.exception, at.exception


@pytest.mark.parametrize("role", ["owner", "manager", "staff"])
def test_no_page_shows_a_field_name_in_a_table_header_or_card(role):
    from spaops.display import looks_like_field_name
    from ui.navigation import PAGES, pages_for

    at = sign_in(role)
    for key in pages_for(role):
        open_page(at, PAGES[key][0])
        for section in every_section(at):
            assert not at.exception, (key, section, at.exception)
            headers = [str(c) for frame in at.dataframe for c in frame.value.columns]
            labels = [m.label for m in at.metric]
            assert [h for h in headers + labels if looks_like_field_name(h)] == [], \
                (key, section)
            codes = {str(v) for frame in at.dataframe for c in frame.value.columns
                     if frame.value[c].dtype in (object, "string")
                     for v in frame.value[c].dropna().unique()
                     if looks_like_field_name(str(v))}
            assert codes == set(), (key, section)  # "no_show" is shown as "No-show"
            bare = [frame.proto.placeholder for frame in at.dataframe
                    if not frame.proto.editing_mode and frame.proto.placeholder != MISSING]
            assert bare == [], (key, section)  # a missing value reads "—", not "None"


def test_the_owner_saves_the_market_bands_through_the_labelled_editor():
    at = open_page(sign_in("owner"), "pages/pricing.py")
    at.button(key="bands_save").click().run()
    assert not at.exception, at.exception
    assert not at.error
    # The page reruns with the saved bands and says so at its top, once.
    assert [s.value for s in at.success] == ["Bands saved."]
    at.run()
    assert [s.value for s in at.success] == []
