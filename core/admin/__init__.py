"""Clinician review in the Django admin.

Every admin here is scoped: a clinician sees only the patients assigned to them and those
patients' entries, alerts and overrides, on every page the admin builds from get_queryset
(lists, change pages, history, filters, search, autocomplete, actions). Another patient's object
is a 404. Superusers see everything. Staff access to patient data goes to the audit trail.

One module per concept; importing them registers their admins with the site (core.admin_site)."""

from . import accounts, alerts, patients, rules  # noqa: F401 - importing registers the admins
