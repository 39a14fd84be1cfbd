"""What-if deltas: what moves, without touching the original plan."""

from __future__ import annotations

import copy

import pytest

from tripod.scheduling import ModelError, schedule
from tripod.scheduling.whatif import Delta, apply_delta, what_if

from .build import DAY, at, link, project, task


def plan() -> object:
    return project([task(1, 2), task(2, 3), task(3, 1)], [link(1, 2)])


def test_longer_duration_moves_finish_and_successors() -> None:
    p = plan()
    original = copy.deepcopy(p)
    impact = what_if(p, Delta(durations={1: 4 * DAY}))  # type: ignore[arg-type]
    assert p == original
    assert impact.finish_before == at(12, 17)
    assert impact.finish_after == at(16, 17)
    assert impact.finish_delta_working_minutes == 2 * DAY
    assert {m.uid for m in impact.moved} == {1, 2}
    assert impact.became_critical == () and impact.no_longer_critical == ()


def test_removed_link_changes_critical_flags() -> None:
    impact = what_if(plan(), Delta(remove_links=((1, 2),)))  # type: ignore[arg-type]
    assert impact.finish_after == at(10, 17)
    assert 1 in impact.no_longer_critical
    assert impact.finish_delta_working_minutes == -2 * DAY


def test_added_task_and_link() -> None:
    p = plan()
    before = schedule(p)  # type: ignore[arg-type]
    impact = what_if(p, Delta(add_tasks=(task(4, 5),), add_links=(link(3, 4),)), before)  # type: ignore[arg-type]
    assert impact.added == (4,)
    assert 3 in impact.became_critical
    assert impact.finish_after == at(15, 17)


def test_removed_task_drops_its_links() -> None:
    impact = what_if(plan(), Delta(remove_tasks=(1,)))  # type: ignore[arg-type]
    assert impact.removed == (1,)
    assert impact.schedule[2].early_start == at(8, 8)


@pytest.mark.parametrize(
    ("delta", "message"),
    [
        (Delta(remove_tasks=(9,)), "unknown task 9"),
        (Delta(remove_links=((2, 1),)), "no link 2->1"),
        (Delta(durations={9: 1.0}), "unknown task 9"),
        (Delta(durations={1: -1.0}), "negative"),
        (Delta(add_tasks=(task(1),)), "already exists"),
    ],
)
def test_bad_delta_is_an_error(delta: Delta, message: str) -> None:
    with pytest.raises(ModelError, match=message):
        apply_delta(plan(), delta)  # type: ignore[arg-type]
