"""Forms of the survey pages. They only parse input; the services decide and write."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tripod.clients.models import Client, Survey
from tripod.clients.selectors import contact_list
from tripod.core.htmx import RecordForm
from tripod.projects.models import Task
from tripod.projects.selectors import project_list


class SurveyForm(RecordForm):
    model = Survey
    record_fields = ("kind", "title", "question", "project", "task")
    field_columns = {
        "kind": "col-md-4",
        "title": "col-md-8",
        "project": "col-md-4",
        "task": "col-md-4",
        "closes_on": "col-md-4",
    }

    closes_on = forms.DateField(
        label=_("Closes on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Empty: 30 days after it is sent."),
    )

    def __init__(self, *args: Any, client: Client, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        projects = project_list(user=user, client_id=client.pk)
        self.fields["project"].queryset = projects
        self.fields["project"].help_text = _("Optional: the project the survey is about.")
        milestones = Task.objects.filter(project__in=projects.values("pk"), kind=Task.Kind.MILESTONE)
        self.fields["task"].queryset = milestones.select_related("project").order_by("project__code", "position")
        self.fields["task"].label_from_instance = lambda task: f"{task.project.code} · {task.name}"
        self.fields["task"].help_text = _("Optional: the milestone the client is asked about.")
        self.fields["question"].widget.attrs["rows"] = 2

    def service_kwargs(self) -> dict[str, Any]:
        data = super().service_kwargs()
        closes_on = data.pop("closes_on", None)
        data["closes_at"] = timezone.make_aware(datetime.combine(closes_on, time(23, 59))) if closes_on else None
        return data


class SurveySendForm(forms.Form):
    """Whom to invite: the client's contacts with an e-mail address who are not invited yet."""

    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts"), queryset=Client.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, survey: Survey, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        invited = survey.invitations.values("contact_id")
        contacts = contact_list(user=user, client=survey.client).exclude(email="").exclude(pk__in=invited)
        self.fields["contacts"].queryset = contacts
        self.fields["contacts"].label_from_instance = lambda c: f"{c.name} · {c.title}" if c.title else c.name

    @property
    def has_choices(self) -> bool:
        return self.fields["contacts"].queryset.exists()


class SurveyAnswerForm(forms.Form):
    """The public answer: a score in the survey's range and an optional comment."""

    score = forms.TypedChoiceField(label=_("Score"), coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        low, high = survey.score_range
        self.fields["score"].choices = [(n, str(n)) for n in range(low, high + 1)]
        self.fields["score"].error_messages["required"] = _("Choose a score.")
        self.fields["score"].error_messages["invalid_choice"] = _("Choose a score.")
