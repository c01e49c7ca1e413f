"""Issue 25: the Spanish education topics in a phone browser that asks for Spanish (its locale sets
Accept-Language). Spanish runs longer than English: no page may grow wider than a 360 px screen, and
each page's text is marked as Spanish."""

import pytest

from core import education
from tests.e2e.conftest import VIEWPORTS
from tests.e2e.test_narrow_screen import WIDTH, too_wide

pytestmark = pytest.mark.django_db(transaction=True)
TOPICS = [f"/learn/{topic.slug}/" for topic in education.topics()]


@pytest.fixture
def spanish_phone(browser):
    context = browser.new_context(**VIEWPORTS["phone"], locale="es-US")
    yield context.new_page()
    context.close()


def test_the_spanish_topics_fit_a_360_px_phone(server, spanish_phone):
    assert too_wide(spanish_phone, server.url, [*TOPICS, "/learn/?q=protector+solar"]) == {}, f"wider than {WIDTH}"


def test_the_spanish_topics_are_marked_as_spanish_and_land_on_the_warnings_anchors(server, spanish_phone):
    spanish_phone.goto(server.url + "/learn/mood/#get-help-now")
    assert spanish_phone.locator(".learn-body").get_attribute("lang") == "es"
    assert spanish_phone.locator("#get-help-now").inner_text() == "Busque ayuda ahora"
    assert spanish_phone.locator("#get-help-now").is_visible()
    spanish_phone.goto(server.url + "/learn/warning-signs/#self_harm")
    assert spanish_phone.locator("#self_harm").inner_text() == "Pensamientos de hacerse daño o de quitarse la vida"
