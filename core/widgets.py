from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe


class ScaleWidget(forms.widgets.ChoiceWidget):
    """A 0–10 scale as a row of large radio buttons, with its anchors ("0 = none") under it.

    Rendered inside a fieldset whose legend is the field's label, so screen readers announce
    the question with each button."""

    input_type = "radio"
    template_name = "core/widgets/scale.html"
    option_template_name = "core/widgets/scale_option.html"
    use_fieldset = True

    def __init__(self, low: str, high: str, attrs=None):
        super().__init__(attrs, choices=[(i, str(i)) for i in range(11)])
        self.low = low
        self.high = high

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["low"] = self.low
        context["widget"]["high"] = self.high
        # crispy-forms marks a field with errors by adding "is-invalid" to the widget's classes.
        context["widget"]["invalid"] = "is-invalid" in context["widget"]["attrs"].get("class", "")
        return context


def attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html, in Python."""
    return "".join(f" {name}" if value is True else f' {name}="{escape(value)}"'
                   for name, value in attrs.items() if value is not False)


class PlainSelect(forms.Select):
    """Django's Select with the same markup, written out in Python rather than through a template for
    the select and another for each option (the admin's action menu is on every list page)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        html = f'<select name="{escape(widget["name"])}"{attrs_html(widget["attrs"])}>'
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                html += f'\n  <optgroup label="{escape(group_name)}">'
            for option in options:
                html += (f'\n  <option value="{escape(option["value"])}"{attrs_html(option["attrs"])}>'
                         f'{escape(option["label"])}</option>\n')
            if group_name:
                html += "\n  </optgroup>"
        return mark_safe(html + "\n</select>")  # noqa: S308  # nosec - every value above is escaped


class PlainHiddenInput(forms.HiddenInput):
    """Django's HiddenInput with the same markup, without a template."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
        return mark_safe(  # noqa: S308  # nosec - escaped above
            f'<input type="{widget["type"]}" name="{escape(widget["name"])}"{shown}{attrs_html(widget["attrs"])}>')


class GroupedCheckboxes(forms.widgets.ChoiceWidget):
    """Checkboxes for grouped choices, each group a fieldset with its name as the legend, so that
    a long list is quick to scan on a phone and a screen reader announces the group with each box.

    Not a CheckboxSelectMultiple on purpose: crispy-forms renders those with its own template, which
    shows a group name as bold text rather than a fieldset."""

    allow_multiple_selected = True
    input_type = "checkbox"
    template_name = "core/widgets/grouped_checkboxes.html"
    option_template_name = "core/widgets/grouped_checkbox_option.html"
    use_fieldset = True

    def use_required_attribute(self, initial):
        return False  # ticking none is an answer

    def value_omitted_from_data(self, data, files, name):
        return False  # an unticked box sends nothing, like CheckboxSelectMultiple

    def id_for_label(self, id_, index=None):
        return f"{id_}_{index}" if id_ and index is not None else ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["invalid"] = "is-invalid" in context["widget"]["attrs"].get("class", "")
        return context
