"""Reading a page's HTML in tests."""
import re

CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*"')


def html(response) -> str:
    """The page's HTML with the values of its CSRF tokens left out. Each is 64 random letters and digits,
    so a short word ("Bob", "999") turns up in one now and then by chance: a test that a page does not
    name someone must not fail on that."""
    return CSRF_VALUE.sub(r'\1"', response.content.decode())
