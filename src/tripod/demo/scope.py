"""The demo's requirements: what each demo client asked for, at every step of the flow (captured to accepted, out of
scope, rejected, withdrawn), with the confirmation records an account manager would have collected (meetings,
emails, calls, signed documents, the client portal) and the links to the WBS tasks that deliver them.

Built through the scope services as the account managers, the project managers and the client's portal user would
have done it. Runs after :mod:`tripod.demo.delivery` (the projects' plans and progress must exist).
"""

# ruff: noqa: RUF001  (what the clients said is written with Chinese punctuation)
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from tripod.clients.models import Client, Contact
from tripod.projects.models import Project, Task
from tripod.scope.models import Confirmation, Requirement, RequirementTrace
from tripod.scope.selectors import task_is_complete
from tripod.scope.services import (
    requirement_accept,
    requirement_capture,
    requirement_clarify,
    requirement_confirm,
    requirement_deliver,
    requirement_reject,
    requirement_scope,
    requirement_trace_add,
    requirement_update,
    requirement_withdraw,
)

S = Requirement.Status
# The steps of a work package the requirement is traced to (see tripod.demo.plans.MODULE_STEPS).
TRACED_STEPS = ("开发 Build", "集成 Integration")


@dataclass(frozen=True)
class Said:
    """What someone at the client said: by ``contact`` (e-mail), how, how many days before today, in which words."""

    contact: str
    channel: str
    days_ago: int
    wording: str = ""


@dataclass(frozen=True)
class Spec:
    client: int  # index in org.clients
    project: str | None  # project code
    title: str
    statement: str
    criteria: str
    priority: str
    source: str  # e-mail of the contact who asked
    target: str
    module: str | None = None  # the work package (by name) whose build and integration deliver it
    confirmed: Said | None = None
    accepted: Said | None = None
    reason: str = ""  # the scope decision, or why it was rejected or withdrawn
    by_portal: bool = False  # submitted by the client's portal user
    reworded: str = ""  # the statement as changed after confirmation (back to "clarified")
    notes: str = ""


HX, NW, KJ, EG = 0, 1, 2, 3
QIAN = "qian.li@huaxin.example"
ZHAO = "zhao.gang@huaxin.example"
PETER = "peter.lin@huaxin.example"
LAURA = "laura.chen@northwind.example"
TOM = "tom.baker@northwind.example"
SUN = "sun.qiang@kangjian.example"
LIN = "lin.xiaoyu@kangjian.example"
RACHEL = "rachel.green@evergreen.example"
HE = "he.lei@evergreen.example"

SPECS: list[Spec] = [
    # --- 华信银行 Huaxin Bank -------------------------------------------------------------------------------------
    Spec(
        HX, "HX-MB", "指纹/面容登录 Biometric sign-in",
        "客户可使用指纹或面容 ID 登录手机银行，无需每次输入密码；连续失败 3 次后回退到密码登录。\n"
        "Customers sign in with fingerprint or Face ID instead of typing their password; after three failed "
        "attempts the app falls back to the password.",
        "iOS 与 Android 主流机型均可用；失败 3 次回退密码；可在设置中关闭。 Works on current iOS and Android "
        "phones; falls back after 3 failures; can be switched off in settings.",
        "must", QIAN, S.ACCEPTED, module="账户与登录",
        confirmed=Said(QIAN, "meeting", 80, "确认。生物识别登录就按这个描述做，失败三次回退密码是合规部门的要求。"),
        accepted=Said(ZHAO, "signed_document", 6, "UAT 通过，同意验收。UAT passed on 42 devices — accepted."),
        reason="SOW §2.1 账户与登录 Accounts & sign-in.",
    ),
    Spec(
        HX, "HX-MB", "转账限额自助调整 Self-service transfer limits",
        "客户可在 App 内自行下调单笔与单日转账限额，上调需短信验证码二次确认。\n"
        "Customers lower their single and daily transfer limits in the app themselves; raising a limit needs an "
        "SMS one-time code.",
        "下调即时生效；上调需 OTP；所有调整写入审计日志。 Lowering applies at once; raising needs an OTP; every "
        "change is in the audit log.",
        "should", QIAN, S.DELIVERED, module="支付",
        confirmed=Said(QIAN, "email", 70, "Hi Chen Jing, confirmed as written — please include the audit log part. "
                       "Thanks, Qian Li"),
        reason="SOW §2.3 支付 Payments.",
    ),
    Spec(
        HX, "HX-MB", "交易实时推送 Real-time transaction alerts",
        "每笔账户资金变动在 5 秒内推送到客户手机；客户可按金额设置提醒门槛。\n"
        "Every debit or credit is pushed to the customer's phone within 5 seconds; customers set the amount above "
        "which they are alerted.",
        "95% 的推送在 5 秒内送达；门槛可设 0-50,000 元。 95% of alerts arrive within 5 s; threshold 0-50,000 CNY.",
        "must", QIAN, S.IN_SCOPE, module="通知中心", by_portal=True,
        reason="SOW §2.4 通知中心 Notifications.",
    ),
    Spec(
        HX, "HX-MB", "账单导出 Statement export",
        "客户可导出任意三个月内的账户流水为 PDF。\nCustomers export any three months of account history as PDF.",
        "PDF 带银行电子印章。 The PDF carries the bank's electronic seal.",
        "should", ZHAO, S.CLARIFIED,
        confirmed=Said(ZHAO, "call", 40, "行，PDF 就够了。 Fine, PDF is enough."),
        reworded="客户可导出任意十二个月内的账户流水为 PDF 或 Excel。\n"
        "Customers export any twelve months of account history as PDF or Excel.",
        notes="赵总在季度会上改口要 Excel 和 12 个月；需要重新确认。 Zhao asked for Excel and 12 months at the QBR; "
        "needs a new confirmation.",
    ),
    Spec(
        HX, "HX-MB", "微信小程序 WeChat mini-program",
        "在微信小程序中提供余额查询与转账功能。\nBalance enquiry and transfers inside a WeChat mini-program.",
        "",
        "could", ZHAO, S.OUT_OF_SCOPE,
        confirmed=Said(ZHAO, "meeting", 30, "小程序是明年的重点，先把需求记下来。 The mini-program is next year's "
                       "priority; note it down for now."),
        reason="合同范围仅含 iOS/Android 原生应用；小程序需走变更请求。 The contract covers the native iOS and Android "
        "apps only; a mini-program needs a change request.",
    ),
    Spec(
        HX, "HX-MB", "长辈模式 Senior-friendly large-text mode",
        "提供大字体、高对比度的长辈模式，首页只保留余额、转账、缴费三个入口。\n"
        "A large-text, high-contrast mode for older customers whose home screen shows only balance, transfers and "
        "bill payment.",
        "符合工信部适老化标准。 Meets the MIIT age-friendly app guideline.",
        "should", QIAN, S.CLARIFIED,
    ),
    Spec(
        HX, "HX-MB", "深色模式 Dark mode",
        "App 跟随手机系统的深色/浅色主题。\nThe app follows the phone's dark or light theme.",
        "",
        "could", QIAN, S.CAPTURED, by_portal=True,
    ),
    Spec(
        HX, "HX-DW", "监管报送 T+1 Regulatory reports by T+1 08:00",
        "监管报表（1104、EAST）在每个工作日次日早上 8 点前生成完毕并通过校验。\n"
        "The regulatory reports (1104, EAST) are built and validated by 08:00 on the next working day.",
        "连续 20 个工作日准时生成且校验零错误。 On time with zero validation errors for 20 working days running.",
        "must", ZHAO, S.IN_SCOPE, module="报表",
        confirmed=Said(ZHAO, "signed_document", 15, "同意。以监管口径为准。 Agreed; the regulator's definitions "
                       "prevail."),
        reason="SOW §3 数据仓库 Data warehouse, reporting layer.",
    ),
    Spec(
        HX, "HX-DW", "历史数据保留十年 Ten years of history",
        "交易明细在数仓中保留十年，可按客户号在 10 秒内查询。\n"
        "Transaction details are kept for ten years and can be queried by customer number within 10 seconds.",
        "",
        "should", PETER, S.CLARIFIED,
    ),
    Spec(
        HX, None, "网点排队叫号 Branch queue system",
        "为 120 家网点更换排队叫号系统。\nReplace the queue-ticket system of the 120 branches.",
        "",
        "could", PETER, S.REJECTED,
        reason="不属于本次合作范围，且银行已有硬件供应商。 Outside our partnership; the bank already has a hardware "
        "supplier for it.",
    ),
    # --- Northwind Logistics -------------------------------------------------------------------------------------
    Spec(
        NW, "NW-TMS", "Driver sign-in with a PIN on shared handhelds",
        "Drivers sign in to the shared handhelds at the hub with a six-digit PIN; the device signs them out after "
        "10 minutes idle.",
        "Sign-in under 3 seconds; idle sign-out after 10 minutes; PIN reset by the hub supervisor.",
        "must", TOM, S.ACCEPTED, module="账户与登录",
        confirmed=Said(TOM, "email", 110, "Confirmed — this is exactly how the hubs work today. Tom"),
        accepted=Said(TOM, "email", 12, "Tested on 20 handhelds at the Shanghai hub. Accepted. Tom"),
        reason="SOW schedule A, item 1.",
    ),
    Spec(
        NW, "NW-TMS", "Live truck tracking on a map",
        "Dispatchers see every truck on a live map, refreshed at least every 30 seconds, with its next stop and "
        "ETA.",
        "Position at most 30 s old; ETA within 10 minutes for 90% of stops.",
        "must", LAURA, S.IN_SCOPE, module="地图与轨迹",
        confirmed=Said(LAURA, "meeting", 60, "Yes. The ETA matters more to us than the map itself."),
        reason="SOW schedule A, item 7.",
    ),
    Spec(
        NW, "NW-TMS", "Proof of delivery with photo and signature",
        "At each drop the driver takes a photo of the goods and the consignee signs on the handheld; both are "
        "attached to the shipment.",
        "Works offline and uploads when back in coverage.",
        "should", LAURA, S.CONFIRMED,
        confirmed=Said(LAURA, "email", 9, "Confirmed, including offline capture — our rural routes need it. Laura"),
    ),
    Spec(
        NW, "NW-TMS", "EDI with customers' ERP systems",
        "Orders arrive from the top 10 customers' ERP systems by EDI (EDIFACT ORDERS/DESADV) without re-keying.",
        "",
        "should", TOM, S.OUT_OF_SCOPE,
        confirmed=Said(TOM, "call", 25, "Yes, all ten, EDIFACT."),
        reason="Not in schedule A; each customer integration is a change request with its own estimate.",
    ),
    Spec(
        NW, "NW-TMS", "Carbon emissions per shipment",
        "Each shipment shows its estimated CO2 emissions, by the GLEC framework.",
        "",
        "could", LAURA, S.WITHDRAWN,
        reason="Laura: the sustainability team will use their own tool after all.",
    ),
    Spec(
        NW, "NW-TMS", "Customs documents filled in automatically",
        "Export shipments get their customs declaration pre-filled from the order and the packing list.",
        "",
        "could", TOM, S.CAPTURED,
    ),
    # --- 康健医疗 Kangjian Health -----------------------------------------------------------------------------------
    Spec(
        KJ, "KJ-PT", "诊费在线支付 Pay consultation fees online",
        "患者在门户中用微信或支付宝支付挂号费和诊费，支付后即时出电子票据。\n"
        "Patients pay registration and consultation fees in the portal with WeChat Pay or Alipay and get the "
        "e-receipt at once.",
        "与 HIS 收费记录逐笔一致。 Every payment matches the HIS billing record.",
        "must", SUN, S.ACCEPTED, module="支付",
        confirmed=Said(SUN, "meeting", 150, "可以，按这个做。电子票据要符合财政部格式。"),
        accepted=Said(LIN, "email", 20, "试运行两周无差错，同意验收。 Two weeks of pilot without an error — "
                      "accepted."),
        reason="合同附件一 第 3 项。 Contract annex 1, item 3.",
    ),
    Spec(
        KJ, "KJ-PT", "检查报告查看 Lab results in the portal",
        "患者可在门户中查看近两年的检验、检查报告，异常值高亮。\n"
        "Patients see their lab and imaging reports of the last two years, with abnormal values highlighted.",
        "",
        "must", LIN, S.DELIVERED, module="客户档案",
        confirmed=Said(LIN, "email", 130, "确认，异常值高亮很重要。 Confirmed — highlighting abnormal values "
                       "matters."),
        reason="合同附件一 第 2 项。 Contract annex 1, item 2.",
    ),
    Spec(
        KJ, "KJ-PT", "预约提醒 Appointment reminders",
        "就诊前一天 18:00 发送短信与微信提醒，含科室、医生与候诊地点。\n"
        "A text and WeChat reminder at 18:00 the day before, with department, doctor and waiting area.",
        "",
        "should", LIN, S.IN_SCOPE, module="通知中心",
        confirmed=Said(LIN, "call", 45, "对，前一天晚上六点发。"),
        reason="合同附件一 第 5 项。 Contract annex 1, item 5.",
    ),
    Spec(
        KJ, "KJ-PT", "与 HIS 实时对接 Real-time HIS integration",
        "门户中的号源与 HIS 实时同步，延迟不超过 1 分钟。\n"
        "Appointment slots in the portal follow the HIS in real time, at most one minute behind.",
        "",
        "must", SUN, S.CLARIFIED,
    ),
    # --- Evergreen Retail --------------------------------------------------------------------------------------------
    Spec(
        EG, "EG-LOY", "会员手机号注册 Member sign-up with a phone number",
        "顾客用手机号和短信验证码注册会员，30 秒内完成。\n"
        "Shoppers join the loyalty programme with their phone number and a text code, in under 30 seconds.",
        "",
        "must", RACHEL, S.ACCEPTED, module="账户与登录",
        confirmed=Said(RACHEL, "meeting", 200, "Confirmed. Keep it to one screen."),
        accepted=Said(RACHEL, "email", 30, "Launched in all 35 stores — accepted, thank you!"),
        reason="Loyalty SOW, phase 1.",
    ),
    Spec(
        EG, "EG-LOY", "积分查询 Points balance and history",
        "会员在 App 中查看积分余额和近 12 个月的积分明细。\n"
        "Members see their points balance and the last 12 months of points history in the app.",
        "",
        "should", HE, S.ACCEPTED, module="客户档案",
        confirmed=Said(HE, "email", 190, "确认。 Confirmed."),
        accepted=Said(HE, "call", 28, "门店反馈很好，验收通过。 Stores like it; accepted."),
        reason="Loyalty SOW, phase 1.",
    ),
    Spec(
        EG, "EG-POS", "门店销售看板 Store sales dashboard",
        "店长在看板上看到本店当天销售额、客单价与热销商品，每 15 分钟刷新。\n"
        "Store managers see today's sales, average basket and best sellers, refreshed every 15 minutes.",
        "",
        "must", RACHEL, S.CLARIFIED,
    ),
    Spec(
        EG, "EG-POS", "POS 离线收银 Offline POS checkout",
        "断网时 POS 仍可收银，恢复网络后自动补传交易。\n"
        "Tills keep selling when the network is down and upload the sales once it is back.",
        "",
        "should", HE, S.CAPTURED,
    ),
]  # fmt: skip


def _at(today: dt.date, days_ago: int) -> dt.datetime:
    moment = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(10, 30)))
    return min(moment, timezone.now())


def _work_package(project: Project, module: str) -> list[Task]:
    """The build and integration tasks of the work package named ``module`` (a name prefix)."""
    package = (
        Task.objects.filter(project=project, kind=Task.Kind.SUMMARY, name__startswith=module)
        .order_by("position")
        .first()
    )
    if package is None:
        return []
    return list(Task.objects.filter(parent=package, name__in=TRACED_STEPS).order_by("position"))


def _complete(tasks: list[Task]) -> bool:
    from tripod.projects.selectors.board import done_codes

    return bool(tasks) and all(task_is_complete(task, done_codes(task.project)) for task in tasks)


class _Builder:
    def __init__(self, org: Any, today: dt.date) -> None:
        self.org = org
        self.today = today
        self.projects = {
            project.code: project for project in Project.objects.filter(pk__in=[p.pk for p in org.projects])
        }
        self.portal = org.users.get("client")

    def contact(self, client: Client, email: str) -> Contact:
        return client.contacts.get(email=email)

    def build(self, spec: Spec) -> Requirement:
        client = Client.objects.get(pk=self.org.clients[spec.client].pk)
        am = client.owner_am
        project = self.projects.get(spec.project) if spec.project else None
        portal_here = spec.by_portal and self.portal is not None and self.portal.portal.client_id == client.pk
        if portal_here:
            requirement = requirement_capture(
                actor=self.portal,
                client=client,
                project=project,
                title=spec.title,
                statement=spec.statement,
                acceptance_criteria=spec.criteria,
                priority=spec.priority,
            )
        else:
            requirement = requirement_capture(
                actor=am,
                client=client,
                project=project,
                title=spec.title,
                statement=spec.statement,
                acceptance_criteria=spec.criteria,
                priority=spec.priority,
                source_contact=self.contact(client, spec.source),
                internal_notes=spec.notes,
            )
        target = spec.target
        if target == S.CAPTURED:
            return requirement
        if target in (S.REJECTED, S.WITHDRAWN):
            close = requirement_reject if target == S.REJECTED else requirement_withdraw
            return close(actor=am, requirement=requirement, reason=spec.reason)
        requirement = requirement_clarify(actor=am, requirement=requirement)
        if spec.confirmed is None and target == S.CLARIFIED:
            return requirement
        self._confirm(am, client, requirement, spec)
        requirement = Requirement.objects.get(pk=requirement.pk)
        if spec.reworded:
            return requirement_update(
                actor=am, requirement=requirement, version=requirement.version, statement=spec.reworded
            )
        if target == S.CONFIRMED:
            return requirement
        contract = client.contracts.order_by("pk").first() if hasattr(client, "contracts") else None
        in_scope = target != S.OUT_OF_SCOPE
        requirement = requirement_scope(
            actor=am, requirement=requirement, in_scope=in_scope, reason=spec.reason, contract=contract
        )
        if target == S.OUT_OF_SCOPE or project is None or not spec.module:
            return requirement
        tasks = _work_package(project, spec.module)
        for task in tasks:
            requirement_trace_add(actor=project.pm, requirement=requirement, task=task)
        if target == S.IN_SCOPE or not _complete(tasks):
            return requirement  # not built yet: it stays in scope, traced to the work in progress
        requirement = requirement_deliver(actor=project.pm, requirement=requirement)
        if target == S.DELIVERED or spec.accepted is None:
            return requirement
        said = spec.accepted
        requirement_accept(
            actor=am,
            requirement=requirement,
            contact=self.contact(client, said.contact),
            channel=said.channel,
            wording=said.wording,
            accepted_at=_at(self.today, said.days_ago),
        )
        return Requirement.objects.get(pk=requirement.pk)

    def _confirm(self, am: Any, client: Client, requirement: Requirement, spec: Spec) -> None:
        said = spec.confirmed
        if said is None:  # no record yet: the client's portal user confirms what they submitted
            if self.portal is not None and self.portal.portal.client_id == client.pk:
                requirement_confirm(actor=self.portal, requirement=requirement, version=requirement.version)
                return
            said = Said(spec.source, "meeting", 1, "确认。 Confirmed.")
        requirement_confirm(
            actor=am,
            requirement=requirement,
            contact=self.contact(client, said.contact),
            channel=said.channel,
            wording=said.wording,
            confirmed_at=_at(self.today, said.days_ago),
        )


@transaction.atomic
def build(org: Any, today: dt.date | None = None) -> dict[str, int]:
    """Give the demo clients their requirements; returns counts for the command's summary."""
    today = today or dt.date.today()
    builder = _Builder(org, today)
    requirements = [builder.build(spec) for spec in SPECS]
    ids = [r.pk for r in requirements]
    return {
        "requirements": len(requirements),
        "confirmation records": Confirmation.objects.filter(requirement_id__in=ids).count(),
        "requirement traces": RequirementTrace.objects.filter(requirement_id__in=ids).count(),
    }
