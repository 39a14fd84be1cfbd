"""The PM's domain: projects, WBS and schedule, resources, timesheets, budget, risks and status reports."""

from tripod.projects.models.baseline import Baseline, BaselineTask
from tripod.projects.models.budget import BudgetLine
from tripod.projects.models.project import PhaseGate, Project, ProjectMember, default_task_statuses
from tripod.projects.models.reports import Rag, StatusReport
from tripod.projects.models.resources import Assignment
from tripod.projects.models.risks import IssueLogEntry, Risk, RiskAction
from tripod.projects.models.timesheets import TimeEntry
from tripod.projects.models.wbs import Dependency, Task

__all__ = [
    "Assignment",
    "Baseline",
    "BaselineTask",
    "BudgetLine",
    "Dependency",
    "IssueLogEntry",
    "PhaseGate",
    "Project",
    "ProjectMember",
    "Rag",
    "Risk",
    "RiskAction",
    "StatusReport",
    "Task",
    "TimeEntry",
    "default_task_statuses",
]
