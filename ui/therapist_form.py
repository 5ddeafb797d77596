"""The Therapists page's form: add a therapist or edit one, with license and credentials."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from models import CREDENTIAL_KINDS
from spaops.auth import Viewer
from spaops.display import in_words
from spaops.roster import RosterError, TherapistForm, credentials_of, save_therapist
from ui.data import fresh, session_scope
from ui.widgets import saved_then_rerun

GENDERS = ["", "female", "male", "nonbinary"]


def therapist_form(viewer: Viewer, people: pd.DataFrame, homes: pd.DataFrame) -> None:
    """Pick a therapist (or a new one), edit, save; says what is wrong, saves nothing then."""
    choices = {"(new therapist)": None} | dict(zip(people["name"], people["id"], strict=True))
    picked = st.selectbox("Therapist", list(choices), key="therapist_pick")
    current = people[people["id"] == choices[picked]].iloc[0] if choices[picked] else None
    held = fresh(lambda s: credentials_of(s, int(current["id"]))) if current is not None else {}
    def now(field: str) -> str:
        return "" if current is None else current[field] or ""

    with st.form("therapist_form"):
        name = st.text_input("Name", value=now("name"), key="tf_name")
        home_names = homes["location"].tolist()
        home = st.selectbox("Home location", home_names, key="tf_home",
                            index=home_names.index(now("home_location"))
                            if now("home_location") in home_names else 0)
        left, mid, right = st.columns(3)
        number = left.text_input("LMT license number", key="tf_license",
                                 value=now("license_number"))
        state = mid.text_input("License state", key="tf_state", max_chars=2,
                               value=now("license_state"))
        expires = right.date_input("License expires", key="tf_expires", format="YYYY-MM-DD",
                                   value=None if current is None else current["license_expires"])
        gender = st.selectbox("Gender", GENDERS, key="tf_gender",
                              index=GENDERS.index(now("gender") or ""))
        kinds = st.multiselect("Specialty credentials", CREDENTIAL_KINDS, key="tf_credentials",
                               default=sorted(held),
                               format_func=partial(in_words, "credential"))
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
