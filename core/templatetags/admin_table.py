from django import template

from core.admin_list import list_filter, result_table

register = template.Library()


@register.inclusion_tag("admin/core/result_table.html")
def clinician_result_list(cl):
    """The changelist table, each column worked out once a page (see core.admin_list)."""
    return result_table(cl)


@register.simple_tag
def clinician_list_filter(cl, spec):
    """One filter of the sidebar, written out in Python (see core.admin_list)."""
    return list_filter(cl, spec)
