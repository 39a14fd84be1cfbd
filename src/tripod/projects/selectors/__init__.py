"""Reads of the projects domain, always scoped to the user; one module per sub-domain."""

from tripod.projects.selectors.project import (
    project_counts_by_phase,
    project_get,
    project_list,
    project_member_candidates,
    project_members,
    projects_with_member_counts,
)

__all__ = [
    "project_counts_by_phase",
    "project_get",
    "project_list",
    "project_member_candidates",
    "project_members",
    "projects_with_member_counts",
]
