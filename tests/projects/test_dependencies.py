"""Dependency services: create / change / delete links, loops refused naming the tasks, predecessors as text."""

from __future__ import annotations

import pytest

from tests.factories import make_user
from tests.projects.wbs_builders import make_plan, make_project
from tripod.core.errors import Forbidden, ValidationFailed
from tripod.identity.models import Role
from tripod.projects.models import Dependency, Task
from tripod.projects.services.dependencies import (
    dependency_create,
    dependency_delete,
    dependency_update,
    task_predecessors_set,
)
from tripod.projects.services.wbs import task_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return make_project()


@pytest.fixture
def tasks(project):
    return make_plan(project, "Design\t2d\nBuild\t3d\nTest\t1d\nPhase\t1d\n\tSub\t1d")


def test_create_links_and_reschedules(project, tasks):
    link = dependency_create(actor=project.pm, pred=tasks["Design"], succ=tasks["Build"], type="SS", lag=240)
    assert (link.type, link.lag, link.lag_unit) == ("SS", 240, "working")
    design, build = (Task.objects.get(pk=tasks[name].pk) for name in ("Design", "Build"))
    assert build.start is not None and design.start is not None
    assert build.start > design.start  # scheduled: half a day after Design starts


def test_a_loop_is_refused_naming_its_tasks(project, tasks):
    dependency_create(actor=project.pm, pred=tasks["Design"], succ=tasks["Build"])
    dependency_create(actor=project.pm, pred=tasks["Build"], succ=tasks["Test"])
    with pytest.raises(ValidationFailed) as exc:
        dependency_create(actor=project.pm, pred=tasks["Test"], succ=tasks["Design"])
    message = str(exc.value.errors["pred"][0])
    for label in ("1 Design", "2 Build", "3 Test"):
        assert label in message
    assert Dependency.objects.count() == 2


def test_a_loop_through_a_summary_is_refused(project, tasks):
    dependency_create(actor=project.pm, pred=tasks["Phase"], succ=tasks["Test"])
    with pytest.raises(ValidationFailed) as exc:
        dependency_create(actor=project.pm, pred=tasks["Test"], succ=tasks["Sub"])
    assert "4.1 Sub" in str(exc.value.errors["pred"][0])


def test_a_summary_cannot_be_linked_to_its_own_task(project, tasks):
    for pred, succ in (("Phase", "Sub"), ("Sub", "Phase")):
        with pytest.raises(ValidationFailed) as exc:
            dependency_create(actor=project.pm, pred=tasks[pred], succ=tasks[succ])
        assert "4 Phase" in str(exc.value.errors["pred"][0])


def test_self_duplicate_bad_values_and_other_projects_are_refused(project, tasks):
    other = make_plan(make_project(code="W-2"), "Else\t1d")["Else"]
    dependency_create(actor=project.pm, pred=tasks["Design"], succ=tasks["Build"])
    cases = [
        (dict(pred=tasks["Design"], succ=tasks["Design"]), "pred"),
        (dict(pred=tasks["Design"], succ=tasks["Build"]), "pred"),
        (dict(pred=tasks["Design"], succ=tasks["Test"], type="XX"), "type"),
        (dict(pred=tasks["Design"], succ=tasks["Test"], lag_unit="years"), "lag_unit"),
        (dict(pred=other, succ=tasks["Test"]), "pred"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationFailed) as exc:
            dependency_create(actor=project.pm, **kwargs)
        assert field in exc.value.errors


def test_only_the_editor_links_tasks(project, tasks):
    with pytest.raises(Forbidden):
        dependency_create(actor=make_user(Role.MEMBER), pred=tasks["Design"], succ=tasks["Build"])


def test_update_and_delete(project, tasks):
    link = dependency_create(actor=project.pm, pred=tasks["Design"], succ=tasks["Build"])
    link = dependency_update(actor=project.pm, dependency=link, version=link.version, type="FF", lag=-480)
    assert (link.type, link.lag, link.version) == ("FF", -480, 2)
    with pytest.raises(ValidationFailed):
        dependency_update(actor=project.pm, dependency=link, version=None, type="ZZ")
    dependency_delete(actor=project.pm, dependency=link)
    assert not Dependency.objects.exists()


def test_predecessors_text_sets_exactly_those_links(project, tasks):
    test = tasks["Test"]
    task_predecessors_set(actor=project.pm, task=test, text="1FS+2d; 2ss-4h")
    links = {link.pred.name: (link.type, link.lag, link.lag_unit) for link in Dependency.objects.filter(succ=test)}
    assert links == {"Design": ("FS", 960, "working"), "Build": ("SS", -240, "working")}
    task_predecessors_set(actor=project.pm, task=test, text="2SS-4h")
    assert list(Dependency.objects.filter(succ=test).values_list("pred__name", flat=True)) == ["Build"]
    task_predecessors_set(actor=project.pm, task=test, text="")
    assert not Dependency.objects.filter(succ=test).exists()


def test_predecessors_text_errors_name_the_problem_and_write_nothing(project, tasks):
    task_predecessors_set(actor=project.pm, task=tasks["Build"], text="1")
    for text, fragment in (("9", "no row 9"), ("1XX", "not a predecessor"), ("2", "itself"), ("1;1", "twice")):
        with pytest.raises(ValidationFailed) as exc:
            task_predecessors_set(actor=project.pm, task=tasks["Build"], text=text)
        assert fragment in str(exc.value.errors["predecessors"][0])
    with pytest.raises(ValidationFailed) as exc:
        task_predecessors_set(actor=project.pm, task=tasks["Design"], text="2")
    assert "loop" in str(exc.value.errors["predecessors"][0])
    assert list(Dependency.objects.values_list("pred__name", "succ__name")) == [("Design", "Build")]


def test_links_of_a_task_in_the_bin_are_ignored_not_lost(project, tasks):
    dependency_create(actor=project.pm, pred=tasks["Design"], succ=tasks["Build"])
    task_delete(actor=project.pm, task=tasks["Design"])
    # Build is now row 1; a link from Test to it is fine, the link from Design stays for an undo.
    task_predecessors_set(actor=project.pm, task=tasks["Build"], text="")
    assert Dependency.objects.filter(pred=tasks["Design"]).exists()
    with pytest.raises(ValidationFailed):
        dependency_create(actor=project.pm, pred=tasks["Design"], succ=tasks["Test"])
