"""Educational topics: version-controlled Markdown files with a little front matter.

Each file in core/content/ starts with a block like

    ---
    title: Dryness of skin, lips, eyes and nose
    slug: dryness
    summary: One sentence shown in lists and search results.
    audience: Who the page is for.
    reviewed: 2026-11-23
    sources:
      - Title. Publisher, date. https://address
    ---

Each source is cited as a reader would look it up: title, publisher, date and a web address at
the end of the line. A line without an https address (a repository path, say) is an error.

A translation lives in core/content/<language>/<same file name>, with the same slug, the same
front matter plus `translation_reviewed: YYYY-MM-DD` (when it was last checked against the English
page), and explicit heading ids equal to the English page's anchors (`## Heading {#anchor}`), so
that a link to /learn/<slug>/#<anchor> lands in either language. The active language picks the
topic; a topic not translated yet is shown in English. The URL is the same in both languages.

The files are read, rendered to HTML, sanitised with an allow-list and cached once per process.
A broken file (missing field, duplicate slug, bad date) raises ContentError, which the system
check in core.checks turns into a start-up error.
"""

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import markdown
import nh3
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

CONTENT_DIR = Path(__file__).resolve().parent / "content"
# Languages with a folder of translated topics under CONTENT_DIR; English is the source.
TRANSLATIONS = ("es",)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED = ("title", "slug", "summary", "audience", "reviewed", "sources")

ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "a", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "br", "hr", "code", "abbr",
}
ALLOWED_ATTRIBUTES = {
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "li": {"id"}, "p": {"id"},
    "a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"},
}


class ContentError(ValueError):
    pass


@dataclass(frozen=True)
class Source:
    citation: str  # title, publisher, date
    url: str

    def __str__(self) -> str:
        return f"{self.citation} {self.url}"


SOURCE_RE = re.compile(r"^(?P<citation>.+\S)\s+(?P<url>https://\S+)$")


def parse_source(line: str, path: Path) -> Source:
    match = SOURCE_RE.match(line)
    if match is None:
        raise ContentError(f"{path.name}: source {line[:60]!r} must end with its https:// address")
    return Source(match["citation"], match["url"])


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    summary: str
    audience: str
    reviewed: date
    sources: tuple[Source, ...]
    html: SafeString
    text: str
    anchors: frozenset[str]
    path: Path
    language: str = "en"
    translation_reviewed: date | None = None


def parse_front_matter(raw: str, path: Path) -> tuple[dict, str]:
    lines = raw.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ContentError(f"{path.name}: must start with a '---' front-matter block")
    try:
        end = lines.index("---", 1)
    except ValueError:
        raise ContentError(f"{path.name}: front matter is not closed with '---'") from None
    meta: dict = {}
    current_list: list | None = None
    for number, line in enumerate(lines[1:end], start=2):
        if not line.strip():
            continue
        if line.startswith("  - ") and current_list is not None:
            current_list.append(line[4:].strip())
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip().isidentifier():
            raise ContentError(f"{path.name}:{number}: expected 'key: value', got {line!r}")
        key, value = key.strip(), value.strip()
        if key in meta:
            raise ContentError(f"{path.name}:{number}: '{key}' appears twice")
        if value:
            meta[key] = value
            current_list = None
        else:
            meta[key] = current_list = []
    return meta, "\n".join(lines[end + 1 :])


def render_markdown(body: str) -> str:
    rendered = markdown.markdown(body, extensions=["attr_list", "tables", "toc", "sane_lists"])
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


def parse_date(meta: dict, key: str, path: Path) -> date:
    try:
        return date.fromisoformat(meta[key])
    except (TypeError, ValueError):
        raise ContentError(f"{path.name}: {key} must be a date, YYYY-MM-DD") from None


def load_topic(path: Path, language: str = "en") -> Topic:
    meta, body = parse_front_matter(path.read_text(encoding="utf-8"), path)
    required = REQUIRED if language == "en" else (*REQUIRED, "translation_reviewed")
    missing = [key for key in required if not meta.get(key)]
    if missing:
        raise ContentError(f"{path.name}: missing front matter: {', '.join(missing)}")
    if not SLUG_RE.match(meta["slug"]):
        raise ContentError(f"{path.name}: slug {meta['slug']!r} is not lower-case words joined by '-'")
    if not isinstance(meta["sources"], list):
        raise ContentError(f"{path.name}: sources must be a list of '  - ' lines")
    reviewed = parse_date(meta, "reviewed", path)
    translation_reviewed = parse_date(meta, "translation_reviewed", path) if language != "en" else None
    page = render_markdown(body)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    # Its own statement: a nosec inside the multi-line Topic(...) call is read for that call too.
    safe_html = mark_safe(page)  # noqa: S308 - sanitised by nh3 with the allow-list above  # nosec B308, B703
    return Topic(
        slug=meta["slug"],
        title=meta["title"],
        summary=meta["summary"],
        audience=meta["audience"],
        reviewed=reviewed,
        sources=tuple(parse_source(line, path) for line in meta["sources"]),
        html=safe_html,
        text=re.sub(r"\s+", " ", text).strip(),
        anchors=frozenset(re.findall(r'id="([^"]+)"', page)),
        path=path,
        language=language,
        translation_reviewed=translation_reviewed,
    )


def load_all(directory: Path = CONTENT_DIR, *, language: str = "en") -> dict[str, Topic]:
    topics: dict[str, Topic] = {}
    for path in sorted(directory.glob("*.md")):
        topic = load_topic(path, language)
        if topic.slug in topics:
            raise ContentError(f"{path.name}: slug {topic.slug!r} is already used by {topics[topic.slug].path.name}")
        topics[topic.slug] = topic
    if not topics:
        raise ContentError(f"no topics found in {directory}")
    return topics


def load_language(language: str, directory: Path = CONTENT_DIR) -> dict[str, Topic]:
    """Every topic in one language, in the English order: English where a topic is not translated."""
    english = load_all(directory)
    if language == "en":
        return english
    translated = load_all(directory / language, language=language)
    for slug, topic in translated.items():
        if slug not in english:
            raise ContentError(f"{language}/{topic.path.name}: slug {slug!r} has no English page")
    return {slug: translated.get(slug, topic) for slug, topic in english.items()}


@cache
def _topics(language: str) -> dict[str, Topic]:
    return load_language(language, CONTENT_DIR)


def active_language() -> str:
    """The active language if it has translated topics, otherwise English ("es-mx" reads "es")."""
    language = (translation.get_language() or "en").split("-")[0]
    return language if language in TRANSLATIONS else "en"


def topics() -> list[Topic]:
    return list(_topics(active_language()).values())


def get(slug: str) -> Topic | None:
    return _topics(active_language()).get(slug) if SLUG_RE.match(slug) else None


@dataclass(frozen=True)
class SearchResult:
    topic: Topic
    snippet: str


def fold(text: str) -> str:
    """Lower case without accents, one character for one ("Anticoncepción" -> "anticoncepcion"):
    people often type Spanish without its accents. Same length, so positions still match."""
    return "".join(unicodedata.normalize("NFD", c.lower())[0] for c in text)


def search(query: str) -> list[SearchResult]:
    """Topics in the active language whose title or text holds every word of the query, title matches
    first. Accents and case do not matter."""
    words = [w for w in re.findall(r"\w+", fold(query)) if len(w) > 1][:8]
    if not words:
        return []
    results = []
    for topic in topics():
        haystack = fold(f"{topic.title} {topic.summary} {topic.text}")
        if all(word in haystack for word in words):
            results.append(SearchResult(topic, _snippet(topic.text, words[0])))
    results.sort(key=lambda r: not any(w in fold(r.topic.title) for w in words))
    return results


def _snippet(text: str, word: str, width: int = 90) -> str:
    at = fold(text).find(word)
    if at < 0:
        return text[: width * 2].rsplit(" ", 1)[0] + "…"
    start = max(0, at - width)
    end = min(len(text), at + len(word) + width)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")
