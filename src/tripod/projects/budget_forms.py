"""Forms of the budget page. They only parse input; ``tripod.projects.services.budget`` decides and writes."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tripod.core.htmx import RecordForm
from tripod.projects.models import BudgetLine, Project
from tripod.projects.selectors.budget import budget_task_choices


class BudgetLineForm(RecordForm):
    model = BudgetLine
    record_fields = ("task", "category", "amount", "note")
    field_columns = {"task": "col-md-6", "category": "col-md-3", "amount": "col-md-3"}

    def __init__(self, *args: Any, project: Project, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        task = self.fields["task"]
        task.queryset = budget_task_choices(user=user, project=project)
        task.empty_label = _("The whole project")
        task.help_text = _(
            # xgettext:no-python-format
            "A line on a summary earns with the summary's % complete; without a task, with the project's."
        )
        self.fields["amount"].help_text = _("In %(currency)s.") % {"currency": project.currency}
