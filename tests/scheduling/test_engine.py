"""Forward / backward pass with Microsoft Project's rules, on small hand-checked networks."""

from __future__ import annotations

from datetime import datetime

import pytest

from tripod.scheduling import (
    Calendar,
    ConstraintType,
    CycleError,
    LagUnit,
    ModelError,
    Project,
    TaskKind,
    schedule,
)

from .build import DAY, at, link, project, task


def dates(result: object, uid: int) -> tuple[datetime, datetime]:
    row = result.tasks[uid]  # type: ignore[attr-defined]
    return row.early_start, row.early_finish


def test_finish_to_start_chain_is_critical() -> None:
    r = schedule(project([task(1, 2), task(2, 3)], [link(1, 2)]))
    assert dates(r, 1) == (at(8, 8), at(9, 17))
    assert dates(r, 2) == (at(10, 8), at(12, 17))
    assert r[1].critical and r[2].critical
    assert r[1].total_slack == r[2].total_slack == 0
    assert r.finish == at(12, 17)


@pytest.mark.parametrize(("lag", "start"), [(1, at(11, 8)), (-1, at(9, 8)), (0.5, at(10, 13))])
def test_working_lag_positive_negative_and_fractional(lag: float, start: datetime) -> None:
    r = schedule(project([task(1, 2), task(2, 1)], [link(1, 2, lag_days=lag)]))
    assert r[2].early_start == start


def test_start_to_start_with_lag() -> None:
    r = schedule(project([task(1, 2), task(2, 1)], [link(1, 2, "SS", 1)]))
    assert dates(r, 2) == (at(9, 8), at(9, 17))
    assert r[2].critical


def test_finish_to_finish() -> None:
    r = schedule(project([task(1, 3), task(2, 1)], [link(1, 2, "FF")]))
    assert dates(r, 2) == (at(10, 8), at(10, 17))


def test_start_to_finish_with_lag() -> None:
    r = schedule(project([task(1, 1), task(2, 2)], [link(1, 2, "SF", 2)]))
    assert dates(r, 2) == (at(8, 8), at(9, 17))


def test_percent_lag_counts_predecessor_duration() -> None:
    lag = link(1, 2, lag_days=0)
    lag.lag, lag.lag_unit = 50, LagUnit.PERCENT
    r = schedule(project([task(1, 4), task(2, 1)], [lag]))
    assert r[2].early_start == at(16, 8)


def test_elapsed_lag_runs_through_the_weekend() -> None:
    lag = link(1, 2)
    lag.lag, lag.lag_unit = 2 * 1440, LagUnit.ELAPSED
    r = schedule(project([task(1, 5), task(2, 1)], [lag]))
    assert r[2].early_start == at(15, 8)
    working = schedule(project([task(1, 5), task(2, 1)], [link(1, 2, lag_days=2)]))
    assert working[2].early_start == at(17, 8)


def test_elapsed_duration_runs_round_the_clock() -> None:
    r = schedule(project([task(1, 0, duration=1440.0, elapsed=True), task(2, 3)]))
    assert dates(r, 1) == (at(8, 8), at(9, 8))
    assert r[1].total_slack == pytest.approx((at(10, 17) - at(9, 8)).total_seconds() / 60)


def constrained(kind: ConstraintType, when: datetime, days: float = 1, **extra: object) -> object:
    return task(1, days, constraint=kind, constraint_date=when, **extra)


@pytest.mark.parametrize(
    ("kind", "when", "start"),
    [
        (ConstraintType.SNET, at(10, 8), at(10, 8)),
        (ConstraintType.FNET, at(12, 17), at(12, 8)),
        (ConstraintType.MSO, at(11, 8), at(11, 8)),
        (ConstraintType.MFO, at(12, 17), at(12, 8)),
        (ConstraintType.SNLT, at(12, 8), at(8, 8)),
        (ConstraintType.FNLT, at(12, 17), at(8, 8)),
    ],
)
def test_constraints_without_links(kind: ConstraintType, when: datetime, start: datetime) -> None:
    r = schedule(project([constrained(kind, when), task(9, 10)]))  # type: ignore[list-item]
    assert r[1].early_start == start


def test_finish_no_later_than_caps_late_finish() -> None:
    r = schedule(project([constrained(ConstraintType.FNLT, at(10, 17)), task(9, 10)]))  # type: ignore[list-item]
    assert r[1].late_finish == at(10, 17)
    assert r[1].total_slack == 2 * DAY


def test_honored_constraint_beats_link_and_reports_negative_slack() -> None:
    tasks = [task(2, 5), constrained(ConstraintType.MSO, at(11, 8))]
    r = schedule(project(tasks, [link(2, 1)]))  # type: ignore[arg-type]
    assert r[1].early_start == at(11, 8)
    assert r[2].total_slack == -2 * DAY
    assert r[2].critical


def test_start_no_later_than_honored_over_link() -> None:
    tasks = [task(2, 3), constrained(ConstraintType.SNLT, at(9, 8))]
    r = schedule(project(tasks, [link(2, 1)]))  # type: ignore[arg-type]
    assert r[1].early_start == at(9, 8)
    assert r[2].total_slack == -2 * DAY


def test_links_win_when_constraints_are_not_honored() -> None:
    tasks = [task(2, 5), constrained(ConstraintType.MSO, at(11, 8))]
    r = schedule(project(tasks, [link(2, 1)], honor_constraints=False))  # type: ignore[arg-type]
    assert r[1].early_start == at(15, 8)
    assert r[1].total_slack < 0


def test_as_late_as_possible_moves_to_late_dates() -> None:
    r = schedule(project([task(1, 1, constraint=ConstraintType.ALAP), task(2, 5)]))
    assert r[1].start == at(12, 8)
    assert r[1].early_start == at(8, 8)
    assert r[1].total_slack == 0


def test_alap_predecessor_drives_successor_from_its_late_dates() -> None:
    tasks = [task(1, 1, constraint=ConstraintType.ALAP), task(2, 1), task(3, 5)]
    r = schedule(project(tasks, [link(1, 2)]))
    assert r[1].start == at(11, 8)
    assert r[2].early_start == at(12, 8)


def test_constraint_without_date_is_an_error() -> None:
    with pytest.raises(ModelError, match="needs a date"):
        schedule(project([task(1, constraint=ConstraintType.SNET)]))


def test_progress_keeps_actuals_and_schedules_remaining_work() -> None:
    started = task(1, 4, actual_start=at(8, 8), percent_complete=50.0)
    done = task(2, 2, actual_start=at(8, 8), actual_finish=at(9, 17), percent_complete=100.0)
    r = schedule(project([started, done, task(3, 10)]))
    assert dates(r, 1) == (at(8, 8), at(11, 17))
    assert dates(r, 2) == (at(8, 8), at(9, 17))
    assert not r[2].critical
    assert r[2].total_slack == 0


def test_remaining_work_resumes_at_status_date() -> None:
    started = task(1, 4, actual_start=at(8, 8), percent_complete=25.0)
    later = task(2, 1)
    r = schedule(project([started, later], status_date=at(10, 8)))
    assert dates(r, 1) == (at(8, 8), at(12, 17))
    assert r[2].early_start == at(10, 8)


def test_summary_rolls_up_and_links_on_summaries_apply_to_children() -> None:
    tasks = [
        task(1, 3),
        task(10, 0, kind=TaskKind.SUMMARY),
        task(11, 2, parent=10),
        task(12, 1, parent=10),
        task(20, 1),
    ]
    r = schedule(project(tasks, [link(1, 10), link(10, 20)]))
    assert r[11].early_start == r[12].early_start == at(11, 8)
    assert dates(r, 10) == (at(11, 8), at(12, 17))
    assert r[20].early_start == at(15, 8)
    assert r[10].summary and r[10].critical
    assert r[12].total_slack == DAY


def test_start_to_start_from_summary_follows_its_earliest_child() -> None:
    tasks = [
        task(10, 0, kind=TaskKind.SUMMARY),
        task(11, 2, parent=10),
        task(12, 1, parent=10, constraint=ConstraintType.SNET, constraint_date=at(10, 8)),
        task(20, 1),
    ]
    r = schedule(project(tasks, [link(10, 20, "SS", 1)]))
    assert r[20].early_start == at(9, 8)


def test_link_from_task_to_its_own_summary_is_a_cycle() -> None:
    tasks = [task(10, 0, kind=TaskKind.SUMMARY), task(11, 2, parent=10)]
    with pytest.raises(CycleError):
        schedule(project(tasks, [link(11, 10)]))


def test_loop_of_summary_tasks_is_an_error() -> None:
    tasks = [task(1, 1, parent=2), task(2, 1, parent=1), task(3)]
    with pytest.raises(ModelError, match="form a loop"):
        schedule(project(tasks))


def test_nested_summaries_roll_up() -> None:
    tasks = [
        task(1, 0, kind=TaskKind.SUMMARY),
        task(2, 0, kind=TaskKind.SUMMARY, parent=1),
        task(3, 2, parent=2),
        task(4, 3, parent=1),
    ]
    r = schedule(project(tasks, [link(3, 4)]))
    assert dates(r, 2) == (at(8, 8), at(9, 17))
    assert dates(r, 1) == (at(8, 8), at(12, 17))
    assert r[1].critical and r[2].critical


def test_manual_task_keeps_its_dates() -> None:
    manual = task(2, 1, manual=True, start=at(9, 8), finish=at(9, 17))
    r = schedule(project([task(1, 3), manual], [link(1, 2)]))
    assert dates(r, 2) == (at(9, 8), at(9, 17))


def test_inactive_tasks_are_skipped() -> None:
    tasks = [task(1, 2), task(2, 5, active=False), task(3, 1)]
    r = schedule(project(tasks, [link(1, 2), link(2, 3)]))
    assert 2 not in r.tasks
    assert r[3].early_start == at(8, 8)


def test_cycle_error_names_the_tasks_in_the_cycle() -> None:
    tasks = [task(1), task(2), task(3), task(4)]
    with pytest.raises(CycleError) as info:
        schedule(project(tasks, [link(4, 1), link(1, 2), link(2, 3), link(3, 1)]))
    assert sorted(info.value.task_uids) == [1, 2, 3]
    assert "1 (T1)" in str(info.value) and "4" not in info.value.task_uids


def test_self_link_is_a_cycle() -> None:
    with pytest.raises(CycleError):
        schedule(project([task(1)], [link(1, 1)]))


def test_unknown_task_in_link_is_an_error() -> None:
    with pytest.raises(ModelError, match="unknown task 9"):
        schedule(project([task(1)], [link(1, 9)]))


def test_long_chain_needs_no_recursion() -> None:
    n = 5000
    r = schedule(project([task(i, 0.125) for i in range(n)], [link(i, i + 1) for i in range(n - 1)]))
    assert r[n - 1].critical
    with pytest.raises(CycleError):
        schedule(project([task(i, 0.125) for i in range(n)], [link(i, (i + 1) % n) for i in range(n)]))


def test_milestone_after_task_sits_at_its_finish() -> None:
    r = schedule(project([task(1, 1), task(2, 0, kind=TaskKind.MILESTONE)], [link(1, 2)]))
    assert dates(r, 2) == (at(8, 17), at(8, 17))


def test_free_slack_is_slack_before_a_successor_moves() -> None:
    r = schedule(project([task(1, 1), task(2, 2), task(3, 3)], [link(1, 3), link(2, 3)]))
    assert r[1].free_slack == DAY
    assert r[1].total_slack == DAY
    assert r[2].free_slack == 0


def test_task_calendar_and_minutes_per_day() -> None:
    p = project([task(1, 0, duration=24 * 60.0, calendar=7)], minutes_per_day=450)
    p.calendars[7] = Calendar.continuous(uid=7)
    r = schedule(p)
    assert dates(r, 1) == (at(8, 8), at(9, 8))
    assert p.days(10) == 4500


def test_schedule_from_finish() -> None:
    p = project([task(1, 2), task(2, 3)], [link(1, 2)], schedule_from_start=False, finish=at(19, 17))
    r = schedule(p)
    assert r[1].start == at(15, 8)
    assert r[2].finish == at(19, 17)
    assert r.start == at(15, 8)


def test_schedule_does_not_change_the_project() -> None:
    p = project([task(1, 2), task(2, 3)], [link(1, 2)])
    before = repr(p)
    schedule(p)
    assert repr(p) == before


def test_empty_project() -> None:
    r = schedule(Project(start=at(8, 8)))
    assert r.tasks == {} and r.finish == at(8, 8)
