"""The clinician admin's list pages, worked out a column at a time instead of a cell at a time.

Django's `result_list` tag decides again for every cell of every row what its column is (a model
field, an admin method, a model attribute), how to show it and whether it links, and it resolves the
change URL and the preserved filters again for every row. On a 25-row page of patients or alerts
that was over a third of the request. Here each column is resolved once per page into a function
from an object to its cell, and each row is one string. The filter sidebar and the action menu are
written out in Python the same way. The markup is Django's to the character
(tests/test_admin_list.py renders both and compares them); a page with editable rows or a popup
keeps Django's own table (templates/admin/core/change_list.html)."""

import datetime
from collections.abc import Callable
from functools import partial
from html import escape as html_escape
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_list import _coerce_field_name, admin_list_filter, result_headers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
)
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils import dateformat, formats, timezone
from django.utils.encoding import iri_to_uri
from django.utils.functional import Promise
from django.utils.safestring import mark_safe

from .widgets import PlainHiddenInput, PlainSelect

Cell = Callable[[models.Model], str]


def result_table(cl) -> dict:
    """The context of templates/admin/core/result_table.html: headers as Django builds them
    (once a page) and each row as ready HTML."""
    headers = list(result_headers(cl))
    cells = columns(cl)
    return {
        "cl": cl,
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "rows": [mark_safe("<tr>" + "".join(cell(obj) for cell in cells) + "</tr>")  # noqa: S308  # nosec - every cell is escaped
                 for obj in cl.result_list],
    }


def columns(cl) -> list[Cell]:
    """One cell function per column of cl.list_display, with Django's link placement: the first
    column in list_display_links links to the object (a <th>), later ones are <td> links."""
    link_url = change_url(cl)
    cells, first = [], True
    for index, name in enumerate(cl.list_display):
        if cl.list_display_links is None:
            link = False
        else:
            link = (first and not cl.list_display_links) or name in cl.list_display_links
        tag = "td"
        if link:
            tag, first = ("th" if first else "td"), False
        cells.append(column(cl, index, name, tag, link_url if link else None))
    return cells


def change_url(cl) -> Callable[[models.Model], str | None]:
    """Each object's change URL with the page's filters preserved. The preserved part is the same
    for every row, so it is worked out from the first row and reused."""
    query = None

    def url(obj):
        nonlocal query
        try:
            path = cl.url_for_result(obj)
        except NoReverseMatch:
            return None
        if query is None:
            query = urlsplit(add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts},
                                                   path)).query
        return f"{path}?{query}" if query else path

    return url


def column(cl, index: int, name, tag: str, url) -> Cell:
    model_admin = cl.model_admin
    classes = f"field-{_coerce_field_name(name, index)}"
    try:
        field = _get_non_gfk_field(cl.lookup_opts, name)
    except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
        field = None
    if field is not None:
        show = field_display(field, model_admin.get_empty_value_display(), avoid_link=url is not None)
        nowrap = " nowrap" if isinstance(field, (models.DateField, models.TimeField, models.ForeignKey)) else ""
        attname = field.name if isinstance(field.remote_field, models.ManyToOneRel) else name

        def cell(obj):
            try:
                shown = show(getattr(obj, attname))
            except ObjectDoesNotExist:
                return wrap(tag, classes, model_admin.get_empty_value_display(), url, obj)
            return wrap(tag, classes + nowrap, shown, url, obj)

        return cell
    if name == "action_checkbox":
        classes = "action-checkbox"
    if callable(name) or (hasattr(model_admin, name) and name != "__str__"):
        attr = name if callable(name) else getattr(model_admin, name)
        empty = getattr(attr, "empty_value_display", model_admin.get_empty_value_display())
        show = dates_once(partial(display_for_value, empty_value_display=empty,
                                  boolean=getattr(attr, "boolean", False)))

        def cell(obj):
            try:
                value = blank_as_empty(attr(obj))
            except ObjectDoesNotExist:
                return wrap(tag, classes, empty, url, obj)
            nowrap = " nowrap" if isinstance(value, (datetime.date, datetime.time)) else ""
            return wrap(tag, classes + nowrap, show(value), url, obj)

        return cell

    def cell(obj):  # a model attribute or property: rare here, so Django's own lookup every row
        try:
            _, attr, value = lookup_field(name, obj, model_admin)
        except ObjectDoesNotExist:
            return wrap(tag, classes, model_admin.get_empty_value_display(), url, obj)
        empty = getattr(attr, "empty_value_display", model_admin.get_empty_value_display())
        boolean = getattr(attr, "boolean", False)
        if isinstance(attr, property) and hasattr(attr, "fget"):
            boolean = getattr(attr.fget, "boolean", False)
        value = blank_as_empty(value)
        nowrap = " nowrap" if isinstance(value, (datetime.date, datetime.time)) else ""
        return wrap(tag, classes + nowrap, display_for_value(value, empty, boolean), url, obj)

    return cell


def field_display(field, empty: str, avoid_link: bool) -> Callable:
    """How a model field's value is shown, as display_for_field does, with the choices and the date
    format looked up once a page."""
    if isinstance(field.remote_field, models.ManyToOneRel):
        return lambda related: empty if related is None else related
    try:
        choices = dict(field.flatchoices) if getattr(field, "flatchoices", None) else None
    except TypeError:
        choices = None
    if choices is not None:
        return lambda value: choices.get(blank_as_empty(value), empty)
    if isinstance(field, models.DateTimeField):
        show, zone = date_formatter("DATETIME_FORMAT"), timezone.get_current_timezone()

        def local(value):  # timezone.template_localtime, with the page's time zone looked up once
            if settings.USE_TZ and timezone.is_aware(value) and getattr(value, "convert_to_local_time", True):
                return value.astimezone(zone)
            return value

        return dates_once(lambda value: empty if value is None else show(local(value)))
    if isinstance(field, models.DateField):
        show_date = date_formatter("DATE_FORMAT")
        return dates_once(lambda value: empty if value is None else show_date(value))
    return lambda value: display_for_field(blank_as_empty(value), field, empty, avoid_link=avoid_link)


def date_formatter(setting: str) -> Callable:
    """formats.localize for a date or datetime, with the format looked up and taken apart once (Django
    does both for every value): the same pieces from the same DateFormat methods."""
    pieces = [(bool(i % 2), piece if i % 2 else dateformat.re_escaped.sub(r"\1", piece))
              for i, piece in enumerate(dateformat.re_formatchars.split(str(formats.get_format(setting))))
              if piece]

    def show(value):
        made = dateformat.DateFormat(value)
        return "".join(str(getattr(made, piece)()) if is_code else piece for is_code, piece in pieces)

    return show


def dates_once(show: Callable) -> Callable:
    """Dates repeat down a list (most patients wrote yesterday): format each once a page."""
    shown = {}

    def cached(value):
        if not isinstance(value, (datetime.date, datetime.time)):
            return show(value)
        if value not in shown:
            shown[value] = show(value)
        return shown[value]

    return cached


def blank_as_empty(value):
    return "" if isinstance(value, str) and value.strip() == "" else value


def cell_html(shown) -> str:
    """conditional_escape, without the decorator that checks every argument for lazy text."""
    if isinstance(shown, Promise):
        shown = str(shown)
    return shown.__html__() if hasattr(shown, "__html__") else html_escape(str(shown))


def wrap(tag: str, classes: str, shown, url, obj) -> str:
    html = cell_html(shown)
    if url is not None:
        href = url(obj)
        if href is not None:
            html = f'<a href="{html_escape(href)}">{html}</a>'
    return f'<{tag} class="{classes}">{html}</{tag}>'


SELECTED = ' class="selected"'


def list_filter(cl, spec) -> str:
    """One filter of the sidebar: admin/filter.html written out in Python, the same markup to the
    character (one template render per filter and per choice was about 0.3 ms a page). A filter
    with a template of its own goes through Django's tag."""
    if spec.template != "admin/filter.html":
        return admin_list_filter(cl, spec)
    choices = "".join(
        f"\n    <li{SELECTED if choice['selected'] else ''}>\n"
        f'    <a href="{html_escape(iri_to_uri(choice["query_string"]))}">{cell_html(choice["display"])}</a></li>\n  '
        for choice in spec.choices(cl)
    )
    title = cell_html(spec.title)
    return mark_safe(  # noqa: S308  # nosec - every value is escaped
        f'\n<details data-filter-title="{title}" open>\n  <summary>\n     By {title} \n  </summary>\n'
        f"  <ul>\n  {choices}\n  </ul>\n</details>\n"
    )


class ActionForm(helpers.ActionForm):
    """The admin's action menu, with widgets that skip the form template engine."""

    action = forms.ChoiceField(label="Action:", widget=PlainSelect)
    select_across = forms.BooleanField(label="", required=False, initial=0,
                                       widget=PlainHiddenInput({"class": "select-across"}))
