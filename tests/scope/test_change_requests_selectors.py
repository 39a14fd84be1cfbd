"""Change-request reads: the list (by project, client, status, open only, search) scoped to the reader, the
approval panel, and the change requests raised from a requirement."""

from __future__ import annotations

import pytest

from tests.scope.change_request_builders import add_task_line, approve_all, build_cr_world, raise_cr, submitted_cr
from tests.scope.requirement_builders import capture
from tripod.scope.models import ChangeRequest
from tripod.scope.selectors import (
    approval_panel,
    change_request_get,
    change_request_list,
    change_requests_for_requirement,
)
from tripod.scope.services import change_request_decide

pytestmark = pytest.mark.django_db


def test_list_filters_and_annotations() -> None:
    sw = build_cr_world()
    applied = submitted_cr(sw)
    approve_all(sw, applied)
    draft = raise_cr(sw, title="Reporting pack")
    add_task_line(sw, draft)
    add_task_line(sw, draft, name="Second")
    pm = sw.users["pm_related"]
    rows = {cr.reference: cr for cr in change_request_list(user=pm, project=sw.project)}
    assert rows["CR-001"].approval_count == 3 and rows["CR-002"].line_count == 2
    assert [cr.pk for cr in change_request_list(user=pm, client=sw.client, open_only=True)] == [draft.pk]
    assert [cr.pk for cr in change_request_list(user=pm, status=ChangeRequest.Status.APPLIED)] == [applied.pk]
    assert [cr.pk for cr in change_request_list(user=pm, search="reporting")] == [draft.pk]
    assert not change_request_list(user=sw.users["pm_unrelated"]).exists()
    assert not change_request_list(user=sw.users["client_related"]).exists()


def test_get_is_scoped() -> None:
    from tripod.core.errors import NotFound

    sw = build_cr_world()
    cr = raise_cr(sw)
    assert change_request_get(user=sw.users["am_related"], pk=cr.pk) == cr
    with pytest.raises(NotFound):
        change_request_get(user=sw.users["am_unrelated"], pk=cr.pk)


def test_approval_panel_lists_the_three_roles_in_order() -> None:
    sw = build_cr_world()
    cr = submitted_cr(sw)
    change_request_decide(actor=sw.users["am_related"], change_request=cr, role="am", decision="approve")
    panel = approval_panel(change_request=cr)
    assert [slot.role for slot in panel] == ["pm", "am", "lm"]
    assert [slot.approval is not None for slot in panel] == [False, True, False]


def test_change_requests_raised_from_a_requirement() -> None:
    sw = build_cr_world()
    requirement = capture(sw)
    cr = raise_cr(sw, requirements=[requirement])
    raise_cr(sw, title="Unrelated")
    assert list(change_requests_for_requirement(user=sw.users["am_related"], requirement=requirement)) == [cr]
    assert not change_requests_for_requirement(user=sw.users["client_related"], requirement=requirement).exists()
