"""A status report as PDF (reportlab). The CID font STSong-Light ships with reportlab and renders Chinese and Latin
text without any font file; what is shown follows the same audience rules as the report page."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

FONT = "STSong-Light"
RAG_COLOURS = {
    "green": colors.HexColor("#1e7e34"),
    "amber": colors.HexColor("#b7791f"),
    "red": colors.HexColor("#c53030"),
}


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=body, fontSize=16, leading=20, spaceAfter=4),
        "eyebrow": ParagraphStyle("eyebrow", parent=body, fontSize=9, textColor=colors.grey),
        "h2": ParagraphStyle("h2", parent=body, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4),
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=12),
    }


def _escape(text: Any) -> str:
    value = "" if text is None else str(text)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def _table(rows: list[list[Any]], styles: dict[str, ParagraphStyle], widths: list[float] | None = None) -> Table:
    data = [[Paragraph(_escape(cell), styles["cell"]) for cell in row] for row in rows]
    table = Table(data, colWidths=widths, hAlign="LEFT", repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#cccccc")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f1f3f5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _rag_label(value: str) -> str:
    return {"green": _("Green"), "amber": _("Amber"), "red": _("Red")}.get(value, value)


def report_pdf_bytes(context: dict[str, Any]) -> bytes:
    """The PDF of the report in ``context`` (as built by ``report_context``)."""
    report, project, facts = context["report"], context["project"], context["facts"]
    internals = context["internals"]
    styles = _styles()
    story: list[Flowable] = [
        Paragraph(_escape(f"{project.code} — {project.client}"), styles["eyebrow"]),
        Paragraph(_escape(_("Status report: %(name)s") % {"name": project.name}), styles["title"]),
        Paragraph(
            _escape(
                _("Period %(start)s to %(end)s — %(cadence)s")
                % {"start": report.period_start, "end": report.period_end, "cadence": report.get_cadence_display()}
            ),
            styles["body"],
        ),
    ]
    if not report.is_published:
        story.append(Paragraph(_escape(_("Draft: not published yet.")), styles["eyebrow"]))
    story.append(Spacer(1, 4 * mm))
    rag_rows = [[_("Overall"), _("Schedule"), _("Cost")]]
    rag_rows.append([_rag_label(report.rag), _rag_label(report.schedule_rag), _rag_label(report.cost_rag)])
    rag_table = _table(rag_rows, styles, [50 * mm, 50 * mm, 50 * mm])
    rag_table.setStyle(
        TableStyle(
            [
                ("TEXTCOLOR", (i, 1), (i, 1), RAG_COLOURS.get(value, colors.black))
                for i, value in enumerate([report.rag, report.schedule_rag, report.cost_rag])
            ]
        )
    )
    story.append(rag_table)
    if report.rag_reason and internals:
        story.append(Paragraph(_escape(_("Reason: %(reason)s") % {"reason": report.rag_reason}), styles["body"]))
    if report.client_summary:
        story += [
            Paragraph(_escape(_("Summary")), styles["h2"]),
            Paragraph(_escape(report.client_summary), styles["body"]),
        ]
    if internals:
        story += [
            Paragraph(_escape(_("Narrative")), styles["h2"]),
            Paragraph(_escape(report.narrative or "—"), styles["body"]),
        ]
        story += [Paragraph(_escape(_("Figures")), styles["h2"])]
        story.append(
            _table(
                [
                    [_("SPI"), _("CPI"), _("Planned hours to date"), _("Approved hours to date")],
                    [
                        facts.get("spi") or "—",
                        facts.get("cpi") or "—",
                        context["planned_hours"],
                        context["actual_hours"],
                    ],
                ],
                styles,
            )
        )
        risks = facts.get("high_risks") or []
        story.append(Paragraph(_escape(_("Open high risks")), styles["h2"]))
        if risks:
            rows = [[_("Number"), _("Title"), _("Score")]] + [
                [f"R{r['number']}", r["title"], r["score"]] for r in risks
            ]
            story.append(_table(rows, styles, [20 * mm, 120 * mm, 20 * mm]))
        else:
            story.append(Paragraph(_escape(_("None.")), styles["body"]))
    story.append(Paragraph(_escape(_("Milestones")), styles["h2"]))
    milestones = context["milestones"]
    if milestones:
        rows = [[_("Milestone"), _("Finish"), _("Baseline finish"), _("State")]]
        for m in milestones:
            state = _("Done") if m["done"] else _("Slipped") if m["slipped"] else _("On track")
            rows.append([m["name"], (m["finish"] or "—")[:10], (m["baseline_finish"] or "—")[:10], state])
        story.append(_table(rows, styles, [80 * mm, 30 * mm, 30 * mm, 25 * mm]))
    else:
        story.append(Paragraph(_escape(_("No milestones.")), styles["body"]))
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{project.code} {report.period_end}",
        author="Tripod",
    )
    doc.build(story)
    return out.getvalue()
