"""Therapists: the roster with licenses and credentials, their load, and the edit form."""


import streamlit as st

from models import CREDENTIAL_KINDS
from spaops import clock
from spaops.analytics.kpis import locations_in_scope
from spaops.analytics.utilisation import hands_on_per_day, therapist_utilisation
from spaops.figures.therapists import hands_on_figure
from spaops.roster import RosterError, TherapistForm, credentials_of, roster, save_therapist
from spaops.settings import load_settings
from ui.auth import require_page
from ui.data import fresh, load, session_scope
from ui.filters import sidebar_filters
from ui.widgets import download_csv, empty_state, saved_then_rerun, show_saved, table

viewer = require_page("therapists")
filters = sidebar_filters(viewer)
period, scope = filters.period, filters.location_ids
settings = load(load_settings)

st.title("Therapists")
show_saved()
people = load(roster, clock.today(), warning_days=int(settings["expiry_warning_days"]),
              location_ids=scope)
if people.empty:
    empty_state("No therapists yet: add one below or import a roster.", import_hint=False)
else:
    counts = people["license_status"].value_counts()
    cards = st.columns(3)
    cards[0].metric("Therapists", f"{len(people)}")
    cards[1].metric("Licenses expiring", f"{counts.get('expiring', 0)}",
                    help=f"LMT licenses expiring within {settings['expiry_warning_days']} days.")
    unlicensed = counts.get("expired", 0) + counts.get("no license on file", 0)
    cards[2].metric("Not licensed", f"{unlicensed}",
                    help="Expired or missing LMT license: not eligible for any massage.")
    table(people)
    download_csv(people, "roster.csv", key="dl_roster")

st.subheader("Load and revenue")
load_table = load(therapist_utilisation, period, location_ids=scope)
table(load_table)
download_csv(load_table, "therapist_load.csv", key="dl_therapist_load")
daily = load(hands_on_per_day, period, location_ids=scope)
cap = int(settings["daily_cap_min"])
if daily.empty:
    empty_state("No hands-on time booked in this period.")
else:
    st.plotly_chart(hands_on_figure(daily, cap), width="stretch", key="therapists_hands_on")
    over = daily[daily["minutes"] > cap]
    if len(over):
        st.warning(f"{len(over)} therapist-days went over the daily cap of {cap} minutes.")

st.subheader("Add or edit a therapist")
homes = load(locations_in_scope, location_ids=viewer.location_ids)
choices = {"(new therapist)": None} | dict(zip(people["name"], people["id"], strict=True))
picked = st.selectbox("Therapist", list(choices), key="therapist_pick")
current = people[people["id"] == choices[picked]].iloc[0] if choices[picked] else None
held = fresh(lambda s: credentials_of(s, int(current["id"]))) if current is not None else {}
with st.form("therapist_form"):
    name = st.text_input("Name", value="" if current is None else current["name"],
                         key="tf_name")
    home_names = homes["location"].tolist()
    home = st.selectbox("Home location", home_names, key="tf_home",
                        index=home_names.index(current["home_location"])
                        if current is not None and current["home_location"] in home_names
                        else 0)
    left, mid, right = st.columns(3)
    number = left.text_input("LMT license number", key="tf_license",
                             value="" if current is None else current["license_number"] or "")
    state = mid.text_input("License state", key="tf_state", max_chars=2,
                           value="" if current is None else current["license_state"] or "")
    expires = right.date_input("License expires", key="tf_expires", format="YYYY-MM-DD",
                               value=None if current is None else current["license_expires"])
    gender = st.selectbox("Gender", ["", "female", "male", "nonbinary"], key="tf_gender",
                          index=0 if current is None or not current["gender"]
                          else ["", "female", "male", "nonbinary"].index(current["gender"]))
    kinds = st.multiselect("Specialty credentials", CREDENTIAL_KINDS, key="tf_credentials",
                           default=sorted(held))
    active = st.checkbox("Active", value=True if current is None else bool(current["active"]),
                         key="tf_active")
    submitted = st.form_submit_button("Save therapist", type="primary")
if submitted:
    form = TherapistForm(
        name=name, home_location_id=int(homes.loc[homes["location"] == home,
                                                  "location_id"].iloc[0]),
        license_number=number, license_state=state, license_expires=expires,
        gender=gender or None, active=active,
        credentials={k: held.get(k) for k in kinds},
        therapist_id=None if current is None else int(current["id"]))
    try:
        with session_scope(write=True) as session:
            saved = save_therapist(session, form, viewer=viewer)
    except RosterError as exc:
        st.error(str(exc))
    else:
        saved_then_rerun(f"Saved {saved.name}.")
