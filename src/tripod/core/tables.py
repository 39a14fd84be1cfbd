"""Data tables: sortable columns (``?sort=``), a filter box (``?q=``), choice filters, pagination, an empty state,
and partial refresh over HTMX. Every list page in Tripod declares a table and renders ``components/table.html``.

A table is declared once::

    class ClientTable(Table):
        columns = [
            Column("name", _("Name"), sort="name", link=lambda c: reverse("clients:detail", args=[c.pk])),
            Column("status", _("Status"), accessor="get_status_display", badge=lambda c: c.status),
        ]
        default_sort = "name"

and built in a view from a scoped selector; the view answers with :func:`render_table`, which returns only the
table body when HTMX asks for it (``HX-Target`` is the table's id) and the whole page otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

type Label = str | Promise


@dataclass(frozen=True)
class Column:
    """One column. ``accessor`` is a dotted path on the row (a callable at the end is called) or a function of
    the row; ``sort`` is the ORM field to order by (None: not sortable); ``link`` gives the cell's URL;
    ``badge`` gives a status value shown as a coloured badge; ``template`` renders the cell with ``row`` and
    ``value`` in its context; ``numeric`` right-aligns it."""

    key: str
    label: Label
    accessor: str | Callable[[Any], Any] | None = None
    sort: str | None = None
    link: Callable[[Any], str | None] | None = None
    badge: Callable[[Any], str] | None = None
    template: str | None = None
    numeric: bool = False
    css_class: str = ""

    def value(self, row: Any) -> Any:
        accessor = self.accessor or self.key
        if callable(accessor):
            return accessor(row)
        value = row
        for part in accessor.split("."):
            if value is None:
                return None
            value = getattr(value, part)
        return value() if callable(value) else value


@dataclass(frozen=True)
class ChoiceFilter:
    """A select in the toolbar, passed on as ``?<name>=<value>``; the view hands the value to its selector."""

    name: str
    label: Label
    choices: Sequence[tuple[Any, Label]]


@dataclass
class SortLink:
    column: Column
    query: str
    direction: str | None  # "asc", "desc" or None when the table is not sorted by this column


@dataclass
class Table:
    """A page of rows from a scoped queryset, ordered and paginated from the request's query string."""

    request: HttpRequest
    queryset: QuerySet[Any]
    id: str = "table"
    per_page: int = 25
    filters: Sequence[ChoiceFilter] = ()
    columns: ClassVar[Sequence[Column]] = ()
    default_sort: ClassVar[str] = ""
    search_placeholder: ClassVar[Label] = _("Filter…")
    empty_text: ClassVar[Label] = _("Nothing here yet.")
    empty_filtered_text: ClassVar[Label] = _("No records match the filter.")
    empty_icon: ClassVar[str] = "inbox"
    searchable: ClassVar[bool] = True
    page: Page[Any] = field(init=False)
    sort: str = field(init=False)

    def __post_init__(self) -> None:
        self.sort = self._requested_sort()
        ordering = self._ordering(self.sort)
        queryset = self.queryset.order_by(*ordering) if ordering else self.queryset
        paginator = Paginator(queryset, self.per_page)
        self.page = paginator.get_page(self.request.GET.get("page"))

    # --- what the request asked for --------------------------------------------------------------------------
    @property
    def q(self) -> str:
        return query_param(self.request)

    @property
    def filtered(self) -> bool:
        return bool(self.q) or any(self.request.GET.get(f.name) for f in self.filters)

    def filter_value(self, name: str) -> str:
        return self.request.GET.get(name, "")

    def _requested_sort(self) -> str:
        wanted = self.request.GET.get("sort", "") or self.default_sort
        key = wanted.removeprefix("-")
        if any(c.key == key and c.sort for c in self.columns):
            return wanted
        return self.default_sort

    def _ordering(self, sort: str) -> list[str]:
        key = sort.removeprefix("-")
        for column in self.columns:
            if column.key == key and column.sort:
                prefix = "-" if sort.startswith("-") else ""
                return [prefix + column.sort, prefix + "pk"]  # pk: a stable order across pages
        return []

    # --- what the template shows ----------------------------------------------------------------------------
    @property
    def rows(self) -> list[Any]:
        return list(self.page.object_list)

    def sort_links(self) -> list[SortLink]:
        links = []
        current = self.sort.removeprefix("-")
        descending = self.sort.startswith("-")
        for column in self.columns:
            if not column.sort:
                links.append(SortLink(column, "", None))
                continue
            if column.key == current:
                direction = "desc" if descending else "asc"
                target = column.key if descending else "-" + column.key
            else:
                direction = None
                target = column.key
            links.append(SortLink(column, self._query(sort=target, page=None), direction))
        return links

    def page_query(self, number: int) -> str:
        return self._query(page=number)

    def page_numbers(self) -> list[int | None]:
        """Page numbers to show, with None for a gap: 1 … 4 5 [6] 7 8 … 20."""
        paginator = self.page.paginator
        return list(paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1))

    def _query(self, **changes: Any) -> str:
        params = self.request.GET.copy()
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        encoded = params.urlencode()
        return f"?{encoded}" if encoded else "?"


def query_param(request: HttpRequest) -> str:
    """The text of the filter box, trimmed and bounded."""
    return (request.GET.get("q") or "").strip()[:200]


def render_table(
    request: HttpRequest, template: str, context: dict[str, Any], table: Table, *, status: int = 200
) -> HttpResponse:
    """The whole page, or only the table body when HTMX refreshes the table (sort, filter, page)."""
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == table.id:
        response = render(request, "components/table.html#table_body", {**context, "table": table}, status=status)
    else:
        response = render(request, template, {**context, "table": table}, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response
