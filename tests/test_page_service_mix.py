"""The Service mix page: its sections, and the owner's review of guessed categories."""

from sqlmodel import Session, select

from models import Service
from spaops.db import make_engine
from tests.utils.apptest import open_page, open_section, sections, sign_in


def _guessed(url: str, name: str) -> int:
    """Add a service whose category came from keywords, awaiting review; its id."""
    engine = make_engine(url)
    with Session(engine) as session:
        service = Service(name=name, name_key=name.lower(), category="relaxation",
                          modality="swedish", needs_review=True)
        session.add(service)
        session.commit()
        service_id = service.id
    engine.dispose()
    return service_id


def test_the_owner_reviews_a_guessed_category_in_its_section(app_database):
    service_id = _guessed(app_database, "Lymphatic Flow 75")
    at = open_page(sign_in("owner"), "pages/service_mix.py")
    assert sections(at) == {"mix_section": ["Week by week", "By modality", "Coming back",
                                            "Services to review"]}
    assert [i.value for i in at.info] == ["1 service to review: **Services to review** below."]
    open_section(at, "Services to review")
    assert at.dataframe[-1].value["name"].tolist() == ["Lymphatic Flow 75"]
    assert at.dataframe[-1].value["modality"].tolist() == ["Swedish"]
    assert at.button(key="mix_review_save").label == "Confirm this category"
    at.session_state["mix_review_editor"] = {
        "edited_rows": {0: {"category": "therapeutic"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="mix_review_save").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == [
        "Confirmed 1 category (1 changed): the mix figures use them.",
        "Every service has a reviewed category."]  # the section stays open
    assert not at.info
    engine = make_engine(app_database)
    with Session(engine) as session:
        saved = session.exec(select(Service).where(Service.id == service_id)).one()
        assert (saved.category, saved.needs_review) == ("therapeutic", False)
    engine.dispose()


def test_a_right_guess_is_confirmed_as_it_is_and_leaves_the_list(app_database):
    right = _guessed(app_database, "Swedish Calm 60")
    wrong = _guessed(app_database, "Lymphatic Flow 75")
    at = open_section(open_page(sign_in("owner"), "pages/service_mix.py"), "Services to review")
    assert at.button(key="mix_review_save").label == "Confirm these 2 categories"
    at.session_state["mix_review_editor"] = {  # rows in name order: Lymphatic, Swedish
        "edited_rows": {0: {"category": "therapeutic"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="mix_review_save").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "Confirmed 2 categories (1 changed): the mix figures use them."
    engine = make_engine(app_database)
    with Session(engine) as session:
        saved = {s.id: (s.category, s.needs_review) for s in session.exec(select(Service))}
    engine.dispose()
    assert saved[right] == ("relaxation", False) and saved[wrong] == ("therapeutic", False)


def test_a_manager_sees_the_services_to_review_but_cannot_change_them(app_database):
    _guessed(app_database, "Lymphatic Flow 75")
    at = open_section(open_page(sign_in("manager"), "pages/service_mix.py"),
                      "Services to review")
    assert not at.exception, at.exception
    assert at.dataframe[-1].value["Service"].tolist() == ["Lymphatic Flow 75"]
    assert "Only an owner can change a category." in [c.value for c in at.main.caption]
    assert not [b for b in at.button if b.key == "mix_review_save"]


def test_an_address_naming_a_section_opens_it(app_database):
    at = sign_in("owner")
    at.switch_page("pages/service_mix.py")
    at.query_params["mix_section"] = "Coming back"  # the Actions page's link to the evidence
    at.run()
    assert not at.exception, at.exception
    assert "Rebooked on time" in at.dataframe[1].value.columns  # the rebooking table
    assert at.query_params["mix_section"] == "Coming back"
    open_section(at, "By modality")
    assert [c.proto.spec for c in at.get("plotly_chart")] and len(at.dataframe) == 1
