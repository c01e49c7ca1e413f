from django import forms


class ScaleWidget(forms.widgets.ChoiceWidget):
    """A 0–10 scale as a row of large radio buttons, with its anchors ("0 = none") under it.

    Rendered inside a fieldset whose legend is the field's label, so screen readers announce
    the question with each button. Its template writes each button itself, and GroupedCheckboxes'
    each box, rather than including an option template per option: those 64 includes (44 buttons,
    20 boxes) made the entry form about 6 % slower to render (bench/RESULTS.md, 2026-12-07 evening)."""

    input_type = "radio"
    template_name = "core/widgets/scale.html"
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


class GroupedCheckboxes(forms.widgets.ChoiceWidget):
    """Checkboxes for grouped choices, each group a fieldset with its name as the legend, so that
    a long list is quick to scan on a phone and a screen reader announces the group with each box.

    Not a CheckboxSelectMultiple on purpose: crispy-forms renders those with its own template, which
    shows a group name as bold text rather than a fieldset."""

    allow_multiple_selected = True
    input_type = "checkbox"
    template_name = "core/widgets/grouped_checkboxes.html"
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
