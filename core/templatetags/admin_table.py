from django import template

from core.admin_list import result_table

register = template.Library()


@register.inclusion_tag("admin/core/result_table.html")
def clinician_result_list(cl):
    """The changelist table, each column worked out once a page (see core.admin_list)."""
    return result_table(cl)
