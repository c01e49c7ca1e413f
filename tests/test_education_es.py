"""The education topics in Spanish (issue 25, part D): core/content/es/<slug>.md."""

import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.html import escape

from core import education
from core.default_rules import DEFAULT_RULES
from core.models import PREGNANCY_SIGNS, SYMPTOM_GROUPS

from .test_education import GOOD, SLUGS

MEDLINEPLUS_ES = "https://medlineplus.gov/spanish/druginfo/meds/a681043-es.html"
STOP_AND_CALL_ES = "deje de tomar isotretinoína y llame de inmediato al médico que se la receta"


@pytest.fixture(autouse=True)
def english_afterwards():
    # LocaleMiddleware activates the request's language for the thread and leaves it active.
    yield
    translation.deactivate()


def spanish(slug: str) -> education.Topic:
    with translation.override("es"):
        return education.get(slug)


def english(slug: str) -> education.Topic:
    with translation.override("en"):
        return education.get(slug)


def test_every_topic_has_a_spanish_page_of_its_own():
    with translation.override("es"):
        topics = education.topics()
    assert [t.slug for t in topics] == [t.slug for t in education.topics()]  # same topics, same order
    assert {t.slug: t.language for t in topics} == dict.fromkeys(SLUGS, "es")
    for topic in topics:
        assert topic.path.parent.name == "es"
        assert topic.title != english(topic.slug).title


@pytest.mark.parametrize("slug", SLUGS)
def test_each_spanish_page_keeps_every_anchor_of_the_english_page(slug):
    assert english(slug).anchors <= spanish(slug).anchors


@pytest.mark.parametrize("rule", DEFAULT_RULES, ids=lambda r: r["code"])
def test_every_rules_read_more_link_lands_on_the_spanish_page(rule):
    topic = spanish(rule["learn_slug"])
    assert topic.language == "es"
    if rule["learn_anchor"]:
        assert rule["learn_anchor"] in topic.anchors


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SLUGS)
def test_each_page_in_spanish_at_the_same_address(client, slug):
    topic = spanish(slug)
    response = client.get(f"/learn/{slug}/", HTTP_ACCEPT_LANGUAGE="es")
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    assert '<div class="learn-body" lang="es">' in page
    assert f'<h1 class="h2">{escape(topic.title)}</h1>' in page
    assert "Texto en español revisado el 7 de diciembre de 2026 frente a la versión en inglés." in page
    for source in topic.sources:
        assert f'<a href="{escape(source.url)}"' in page
    assert f'<a href="{MEDLINEPLUS_ES}"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "en-US,en;q=0.9", "fr", ""])
def test_other_visitors_still_get_the_english_page(client, language):
    page = client.get("/learn/dryness/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert '<div class="learn-body" lang="en">' in page
    assert "Dryness of skin, lips, eyes and nose" in page
    assert "Resequedad" not in page and "Texto en español" not in page


@pytest.mark.django_db
def test_the_signed_out_page_copy_keeps_the_two_languages_apart(client):
    first_english = client.get("/learn/mood/").content.decode()
    first_spanish = client.get("/learn/mood/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert client.get("/learn/mood/").content.decode() == first_english
    assert client.get("/learn/mood/", HTTP_ACCEPT_LANGUAGE="es").content.decode() == first_spanish
    assert "Get help now" in first_english and "Busque ayuda ahora" not in first_english
    assert "Busque ayuda ahora" in first_spanish and "Get help now" not in first_spanish
    # One address, two pages: a shared cache on the way must keep them apart too.
    assert "Accept-Language" in client.get("/learn/mood/", HTTP_ACCEPT_LANGUAGE="es")["Vary"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/learn/nope/", "/learn/MOOD/", "/learn/es/mood/", "/es/learn/mood/"])
def test_unknown_addresses_are_still_a_404_in_spanish(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404


@pytest.mark.django_db
def test_search_looks_in_the_spanish_pages_accents_or_not(client):
    with translation.override("es"):
        assert [r.topic.slug for r in education.search("humidificador")] == ["dryness"]
        assert "pregnancy" in [r.topic.slug for r in education.search("anticoncepcion de emergencia")]
        assert education.search("humidifier") == []  # the English words are not searched in Spanish
    assert education.search("humidificador") == []  # nor the Spanish ones in English
    page = client.get("/learn/?q=humidificador", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'href="/learn/dryness/"' in page and "humidificador" in page


def test_a_topic_not_translated_yet_is_shown_in_english(tmp_path):
    (tmp_path / "es").mkdir()
    (tmp_path / "a.md").write_text(GOOD.format(slug="a", body="## Anchor {#here}\n\nEnglish a."))
    (tmp_path / "b.md").write_text(GOOD.format(slug="b", body="English b."))
    translated = GOOD.format(slug="a", body="## Ancla {#here}\n\nEspañol a.").replace(
        "reviewed: 2026-11-23", "reviewed: 2026-11-23\ntranslation_reviewed: 2026-12-07")
    (tmp_path / "es" / "a.md").write_text(translated)
    topics = education.load_language("es", tmp_path)
    assert [(t.slug, t.language, t.text) for t in topics.values()] == [("a", "es", "Ancla Español a."),
                                                                       ("b", "en", "English b.")]
    assert topics["a"].translation_reviewed.isoformat() == "2026-12-07" and topics["b"].translation_reviewed is None


@pytest.mark.django_db
def test_a_page_not_translated_yet_is_served_in_english_not_a_404(client, monkeypatch, tmp_path):
    (tmp_path / "es").mkdir()
    (tmp_path / "a.md").write_text(GOOD.format(slug="a", body="English a."))
    (tmp_path / "b.md").write_text(GOOD.format(slug="b", body="## Only in English\n\nEnglish b."))
    (tmp_path / "es" / "a.md").write_text(GOOD.format(slug="a", body="Español a.").replace(
        "reviewed: 2026-11-23", "reviewed: 2026-11-23\ntranslation_reviewed: 2026-12-07"))
    monkeypatch.setattr(education, "CONTENT_DIR", tmp_path)
    education._topics.cache_clear()
    try:
        translated = client.get("/learn/a/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
        response = client.get("/learn/b/", HTTP_ACCEPT_LANGUAGE="es")
        page = response.content.decode()
    finally:
        education._topics.cache_clear()
    assert '<div class="learn-body" lang="es"><p>Español a.</p></div>' in translated
    assert response.status_code == 200
    assert '<div class="learn-body" lang="en">' in page and "English b." in page
    assert "Texto en español" not in page


@pytest.mark.parametrize(
    "front_matter, message",
    [("", "missing front matter: translation_reviewed"),
     ("translation_reviewed: soon\n", "translation_reviewed must be a date")],
)
def test_a_translation_without_its_review_date_fails_loudly(tmp_path, front_matter, message):
    (tmp_path / "es").mkdir()
    (tmp_path / "a.md").write_text(GOOD.format(slug="a", body="English."))
    (tmp_path / "es" / "a.md").write_text(
        GOOD.format(slug="a", body="Español.").replace("sources:", front_matter + "sources:"))
    with pytest.raises(education.ContentError, match=message):
        education.load_language("es", tmp_path)


def test_a_translation_of_no_english_page_fails_loudly(tmp_path):
    (tmp_path / "es").mkdir()
    (tmp_path / "a.md").write_text(GOOD.format(slug="a", body="English."))
    (tmp_path / "es" / "z.md").write_text(GOOD.format(slug="z", body="Español.").replace(
        "reviewed: 2026-11-23", "reviewed: 2026-11-23\ntranslation_reviewed: 2026-12-07"))
    with pytest.raises(education.ContentError, match="has no English page"):
        education.load_language("es", tmp_path)


def test_a_broken_spanish_file_stops_start_up(monkeypatch, tmp_path):
    from core.checks import education_content

    (tmp_path / "es").mkdir()
    (tmp_path / "a.md").write_text(GOOD.format(slug="a", body="English."))
    (tmp_path / "es" / "a.md").write_text(GOOD.format(slug="a", body="Sin fecha de revisión."))
    monkeypatch.setattr(education.load_language, "__defaults__", (tmp_path,))
    errors = education_content(None)
    assert errors and errors[0].id == "core.E001" and "translation_reviewed" in errors[0].msg


@pytest.mark.parametrize("slug", SLUGS)
def test_each_spanish_page_cites_the_english_sources_and_says_which_are_in_english(slug):
    topic = spanish(slug)
    urls = [source.url for source in topic.sources]
    assert set(urls) >= {source.url for source in english(slug).sources}
    assert MEDLINEPLUS_ES in urls
    # The English text it follows: when the English page is reviewed again, so is the Spanish one.
    assert topic.reviewed == english(slug).reviewed
    assert topic.translation_reviewed >= topic.reviewed
    for source in topic.sources:
        assert re.search(r"\b(19|20)\d\d\b", source.citation), source
        spanish_page = "/spanish/" in source.url or "/es/" in source.url
        assert spanish_page != ("(en inglés)" in source.citation or "; en inglés)" in source.citation), source


@pytest.mark.parametrize("slug", SLUGS)
def test_the_spanish_page_has_the_same_numbers_as_the_english_one(slug):
    """No number lost and none invented (dates are written the Spanish way, with the same numbers).

    The one number only Spanish pages have: the 988 Lifeline's "press 2" for Spanish."""
    def numbers(text: str) -> set[str]:
        return set(re.findall(r"\d+", text))

    en, es = english(slug), spanish(slug)
    es_text = f"{es.title} {es.summary} {es.text}".replace("marque 2", "marque")
    assert numbers(es_text) == numbers(f"{en.title} {en.summary} {en.text}")


@pytest.mark.parametrize(("slug", "anchor"), [("mood", "get-help-now"), ("warning-signs", "self_harm")])
def test_the_988_advice_in_spanish_says_how_to_reach_a_spanish_speaker(slug, anchor):
    """988lifeline.org: "Spanish-language (Press 2)" on a call; text "AYUDA" for Spanish by text."""
    section = re.split(r"<h[1-6]", spanish(slug).html.split(f'id="{anchor}"', 1)[1], maxsplit=1)[0]
    assert "marque 2" in section and "AYUDA" in section and "988" in section
    assert "marque 2" not in english(slug).html and "AYUDA" not in english(slug).html


TU = re.compile(r"\b(tú|tu|tus|te|ti|contigo|tienes|puedes|debes|eres|estás|quieres|necesitas|sientes|tomas|"
                r"llámale|avísale|pregúntale|díselo|ponte|lávate)\b", re.IGNORECASE)


@pytest.mark.parametrize("slug", SLUGS)
def test_the_spanish_pages_say_usted_never_tu(slug):
    topic = spanish(slug)
    assert TU.findall(f"{topic.title} {topic.summary} {topic.audience} {topic.text}") == []


def test_the_urgent_advice_reads_the_same_as_everywhere_else():
    """The glossary's sentence for "stop taking isotretinoin and call your prescriber right away"."""
    for slug in ("mood", "warning-signs", "dryness", "eczema", "pregnancy", "what-is-isotretinoin"):
        text = spanish(slug).text.lower()
        assert STOP_AND_CALL_ES in text or "deje de tomar isotretinoína y llame de inmediato al médico" in text \
            or "dejar de tomar isotretinoína y llamar de inmediato al médico que se la receta" in text, slug
    assert STOP_AND_CALL_ES in spanish("mood").text.lower()
    assert "988" in spanish("mood").text and "911" in spanish("mood").text


def test_the_spanish_files_match_the_english_file_names():
    content = Path(education.CONTENT_DIR)
    assert sorted(p.name for p in (content / "es").glob("*.md")) == sorted(p.name for p in content.glob("*.md"))


def test_the_spanish_warning_signs_headings_are_the_checklist_labels_word_for_word():
    """A patient who ticks a sign in the Spanish diary finds the same words as a heading on the page."""
    html = spanish("warning-signs").html
    headings = dict(re.findall(r'<h[23] id="([\w-]+)">(.*?)</h[23]>', html))
    with translation.override("es"):
        for group, symptoms in SYMPTOM_GROUPS:
            for symptom in symptoms:
                if symptom not in PREGNANCY_SIGNS:
                    assert headings[symptom.value] == escape(symptom.label), symptom
            if not set(symptoms) <= set(PREGNANCY_SIGNS):
                assert escape(group) in headings.values(), group
