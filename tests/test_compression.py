"""Pages travel compressed when the browser asks (issue 21): Django's GZipMiddleware, with
`Vary: Accept-Encoding` so that no cache hands a compressed page to a client that cannot read it."""

import gzip

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/diary/new/", "/diary/", "/learn/mood/"])
def test_it_compresses_a_patients_pages_when_asked_and_says_it_varies(patient_client, path):
    plain = patient_client.get(path)
    packed = patient_client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed.status_code == plain.status_code == 200
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert html.lower().startswith("<!doctype html>") and "</html>" in html
    assert len(packed.content) < len(plain.content) / 2


def test_it_sends_plain_html_to_a_client_that_does_not_ask(patient_client):
    response = patient_client.get("/")
    assert not response.has_header("Content-Encoding")
    assert response.content.decode().lower().startswith("<!doctype html>")


def test_it_compresses_the_page_a_signed_out_visitor_gets_from_the_process_cache(client):
    first = client.get("/learn/dryness/", HTTP_ACCEPT_ENCODING="gzip")
    again = client.get("/learn/dryness/", HTTP_ACCEPT_ENCODING="gzip")  # rendered once, served from memory
    plain = client.get("/learn/dryness/")
    assert again["Content-Encoding"] == "gzip"
    assert gzip.decompress(first.content) == gzip.decompress(again.content) == plain.content


def test_whitenoise_precompresses_static_files_with_brotli_as_well_as_gzip():
    """collectstatic (production storage) writes .br copies only with the Brotli package installed;
    without them a phone's first dashboard is over the 60 kB of issue 21 (bench/RESULTS.md)."""
    from whitenoise.compress import Compressor

    assert Compressor(quiet=True).use_brotli
