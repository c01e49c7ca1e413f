from django import forms


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
