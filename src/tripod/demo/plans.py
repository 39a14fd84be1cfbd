"""Demo plans: a delivery WBS of the size real projects have (phases, one work package per module, milestones).

Rows are generated, not stored: ``plan_rows(modules)`` gives the outline in order with durations, work and
finish-to-start predecessors, from which the demo builds each project through the WBS services.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PlanRow:
    name: str
    depth: int  # 0 = phase
    days: float = 0.0  # 0 on a summary (rolled up) or a milestone
    work_hours: float = 0.0
    milestone: bool = False
    preds: list[int] = field(default_factory=list)  # indexes of earlier rows (finish-to-start)
    deliverable: bool = False

    @property
    def summary(self) -> bool:
        return self.days == 0 and not self.milestone


MODULES = [
    "账户与登录 Accounts & sign-in",
    "客户档案 Customer profile",
    "支付 Payments",
    "通知中心 Notifications",
    "报表 Reporting",
    "搜索 Search",
    "审批流 Approvals workflow",
    "数据迁移 Data migration",
    "对账 Reconciliation",
    "权限 Roles & permissions",
    "审计日志 Audit trail",
    "移动端 Mobile app shell",
    "消息推送 Push messaging",
    "风控规则 Risk rules",
    "开放接口 Public API",
    "运营后台 Operations console",
    "计费 Billing",
    "库存 Inventory",
    "调度 Dispatch",
    "地图与轨迹 Maps & tracking",
    "数据看板 Dashboards",
    "单点登录 Single sign-on",
    "文件中心 Document centre",
    "工单 Service tickets",
    "积分 Loyalty points",
    "优惠券 Coupons",
    "评价 Ratings & reviews",
    "多语言 Localisation",
    "离线模式 Offline mode",
    "性能优化 Performance tuning",
]

MODULE_STEPS = [
    # name, days, work hours
    ("设计 Design", 3, 24),
    ("开发 Build", 8, 64),
    ("单元测试 Unit tests", 3, 20),
    ("代码评审 Code review", 1, 6),
    ("集成 Integration", 2, 16),
]


class _Outline:
    def __init__(self) -> None:
        self.rows: list[PlanRow] = []

    def add(self, row: PlanRow) -> int:
        self.rows.append(row)
        return len(self.rows) - 1

    def phase(self, name: str) -> int:
        return self.add(PlanRow(name, 0))

    def task(self, name: str, days: float, hours: float, *preds: int, depth: int = 1, deliverable: bool = False) -> int:
        return self.add(PlanRow(name, depth, days, hours, preds=list(preds), deliverable=deliverable))

    def milestone(self, name: str, *preds: int, depth: int = 1) -> int:
        return self.add(PlanRow(name, depth, milestone=True, preds=list(preds), deliverable=True))


def plan_rows(modules: int) -> list[PlanRow]:
    """A delivery plan with ``modules`` work packages (each 1 summary + 5 steps): 17 + 6 x modules rows."""
    o = _Outline()
    o.phase("启动 Initiation")
    kickoff = o.task("项目启动会 Kick-off workshop", 1, 16)
    charter = o.task("项目章程 Project charter", 3, 20, kickoff, deliverable=True)
    signed = o.milestone("章程签署 Charter signed", charter)

    o.phase("需求 Requirements")
    interviews = o.task("需求访谈 Stakeholder interviews", 5, 60, signed)
    spec = o.task("需求规格说明 Requirements specification", 6, 56, interviews, deliverable=True)
    agreed = o.milestone("需求确认 Requirements signed off", spec)

    o.phase("架构 Architecture")
    arch = o.task("总体架构 Solution architecture", 5, 40, agreed, deliverable=True)
    env = o.task("环境搭建 Environments & CI", 4, 32, arch)

    o.phase("开发 Build")
    ends = []
    previous_design = arch
    for n in range(modules):
        o.add(PlanRow(MODULES[n % len(MODULES)] + ("" if n < len(MODULES) else f" {n // len(MODULES) + 1}"), 1))
        last = None
        for step, (name, days, hours) in enumerate(MODULE_STEPS):
            if step == 0:
                preds = [previous_design]
            elif step == 1:
                preds = [last, env] if last is not None else [env]
            else:
                preds = [last] if last is not None else []
            last = o.task(name, days, hours, *preds, depth=2)
            if step == 0:
                # Designs run one after another (one architect), builds in parallel behind them.
                previous_design = last
        ends.append(last)
    built = o.milestone("开发完成 Build complete", *ends)

    o.phase("测试 Testing")
    sit = o.task("系统集成测试 System integration test", 10, 120, built)
    perf = o.task("性能测试 Performance test", 5, 40, built)
    uat = o.task("用户验收测试 User acceptance test", 8, 64, sit, perf, deliverable=True)

    o.phase("上线 Go-live")
    cutover = o.task("切换演练 Cut-over rehearsal", 2, 24, uat)
    live = o.milestone("正式上线 Go-live", cutover)
    o.task("上线保障 Hypercare", 10, 80, live)
    o.task("项目总结 Lessons learned", 2, 12, live, deliverable=True)
    return o.rows
