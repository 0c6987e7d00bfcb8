from django import template

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    """A rate in [0, 1] as "87.5%"; "—" when it has no denominator."""
    return "—" if rate is None else f"{100 * rate:.1f}%"


@register.filter
def signed_percent(change: float | None) -> str:
    return "—" if change is None else f"{100 * change:+.1f}%"


@register.simple_tag
def cell(table, row: str, column: str) -> int:
    return table.cells.get((row, column), 0)


@register.simple_tag
def row_total(table, row: str) -> int:
    return table.row_totals.get(row, 0)


@register.simple_tag
def column_total(table, column: str) -> int:
    return table.column_totals.get(column, 0)
