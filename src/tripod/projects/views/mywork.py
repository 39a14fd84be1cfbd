"""A member's "My work" page: my tasks across projects by due date (overdue highlighted) and this week's hours."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from tripod.core.errors import Forbidden
from tripod.people.models import Person
from tripod.projects.selectors.mywork import my_tasks
from tripod.projects.selectors.resources import week_start
from tripod.projects.selectors.timesheets import timesheet_week

MY_TASKS_LIMIT = 200


@login_required
@require_GET
def my_work_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_internal:
        raise Forbidden()
    now = timezone.now()
    tasks = list(my_tasks(user=user)[:MY_TASKS_LIMIT])
    for task in tasks:
        task.overdue = task.finish is not None and task.finish < now
    person = Person.objects.filter(user=user).first()
    week = week_start(timezone.localdate())
    grid = timesheet_week(user=user, week=week, person=person) if person else None
    context = {
        "tasks": tasks,
        "overdue_count": sum(1 for t in tasks if t.overdue),
        "grid": grid,
        "week": week,
        "today": timezone.localdate(),
    }
    return render(request, "projects/mywork/page.html", context)


urlpatterns = [path("my-work/", my_work_view, name="my_work")]
