"""The form of a board's workflow: one row per status (code, label, WIP limit, done), reorderable, removable, with an
empty row to add one. It only parses input; ``project_task_statuses_set`` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tripod.projects.selectors.board import STANDARD_LABELS, TaskStatus
from tripod.projects.services.board import CODE_MAX, LABEL_MAX


class StatusForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=CODE_MAX)
    label = forms.CharField(label=_("Label"), max_length=LABEL_MAX)
    wip = forms.IntegerField(label=_("WIP limit"), min_value=1, required=False)
    done = forms.BooleanField(label=_("Done"), required=False)


class BaseStatusFormSet(forms.BaseFormSet):
    def statuses(self) -> list[dict[str, Any]]:
        """The kept rows in their new order, as the service takes them."""
        rows = []
        for form in self.ordered_forms:
            row = {k: form.cleaned_data.get(k) for k in ("code", "label", "wip", "done")}
            standard = STANDARD_LABELS.get(row["code"])
            if standard and row["label"] == gettext(standard):
                row["label"] = standard  # kept standard: stored in English, shown in each reader's language
            rows.append(row)
        return rows


StatusFormSet = forms.formset_factory(
    StatusForm, formset=BaseStatusFormSet, extra=1, can_order=True, can_delete=True, max_num=30, validate_max=True
)


def statuses_initial(statuses: list[TaskStatus]) -> list[dict[str, Any]]:
    return [
        {"code": s.code, "label": s.display, "wip": s.wip, "done": s.done, "ORDER": n}
        for n, s in enumerate(statuses, start=1)
    ]
