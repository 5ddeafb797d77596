"""SQL expressions whose spelling differs between SQLite and PostgreSQL."""

from typing import Any

from sqlalchemy import Date, Float, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.sqltypes import NullType


class minutes_between(FunctionElement[float]):  # noqa: N801 (reads as a SQL function)
    """Minutes from one time or timestamp to another."""

    type = Float()
    inherit_cache = True
    name = "minutes_between"


@compiles(minutes_between, "sqlite")
def _minutes_sqlite(element: minutes_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 1440.0)"


@compiles(minutes_between)
def _minutes_default(element: minutes_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 60.0)"


class week_start(FunctionElement[Any]):  # noqa: N801
    """The Monday of a timestamp's week, as a date."""

    type = Date()
    inherit_cache = True
    name = "week_start"


@compiles(week_start, "sqlite")
def _week_sqlite(element: week_start, compiler: Any, **kw: Any) -> str:
    (ts,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"date({ts}, '-' || ((CAST(strftime('%w', {ts}) AS INTEGER) + 6) % 7) || ' days')"


@compiles(week_start)
def _week_default(element: week_start, compiler: Any, **kw: Any) -> str:
    (ts,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(date_trunc('week', {ts}) AS DATE)"


class day_of(FunctionElement[Any]):  # noqa: N801
    """The calendar date of a timestamp."""

    type = Date()
    inherit_cache = True
    name = "day_of"


@compiles(day_of, "sqlite")
def _day_sqlite(element: day_of, compiler: Any, **kw: Any) -> str:
    (ts,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"date({ts})"


@compiles(day_of)
def _day_default(element: day_of, compiler: Any, **kw: Any) -> str:
    (ts,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST({ts} AS DATE)"


class weekday_of(FunctionElement[int]):  # noqa: N801
    """Day of the week of a timestamp, Monday = 0 ... Sunday = 6."""

    type = Integer()
    inherit_cache = True
    name = "weekday_of"


@compiles(weekday_of, "sqlite")
def _weekday_sqlite(element: weekday_of, compiler: Any, **kw: Any) -> str:
    (ts,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((CAST(strftime('%w', {ts}) AS INTEGER) + 6) % 7)"


@compiles(weekday_of)
def _weekday_default(element: weekday_of, compiler: Any, **kw: Any) -> str:
    (ts,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(CAST(EXTRACT(ISODOW FROM {ts}) AS INTEGER) - 1)"


class hour_of(FunctionElement[int]):  # noqa: N801
    """Hour of the day of a timestamp or time, 0..23."""

    type = Integer()
    inherit_cache = True
    name = "hour_of"


@compiles(hour_of, "sqlite")
def _hour_sqlite(element: hour_of, compiler: Any, **kw: Any) -> str:
    (ts,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(strftime('%H', {ts}) AS INTEGER)"


@compiles(hour_of)
def _hour_default(element: hour_of, compiler: Any, **kw: Any) -> str:
    (ts,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(EXTRACT(HOUR FROM {ts}) AS INTEGER)"


class minute_of(FunctionElement[int]):  # noqa: N801
    """Minute of the hour of a timestamp or time, 0..59."""

    type = Integer()
    inherit_cache = True
    name = "minute_of"


@compiles(minute_of, "sqlite")
def _minute_sqlite(element: minute_of, compiler: Any, **kw: Any) -> str:
    (ts,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(strftime('%M', {ts}) AS INTEGER)"


@compiles(minute_of)
def _minute_default(element: minute_of, compiler: Any, **kw: Any) -> str:
    (ts,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(EXTRACT(MINUTE FROM {ts}) AS INTEGER)"


class at_every_location(ColumnElement[bool]):  # noqa: N801 (reads as a SQL condition)
    """A location id column is one of the locations' ids: written so that each planner
    still walks a (location_id, ...) index one location at a time. SQLite does with an IN
    subquery; PostgreSQL turns that into a hash join over the whole table, but walks the
    index for `= ANY(ARRAY(subquery))`."""

    type = NullType()  # a predicate as written: no "= 1" added around it on SQLite
    inherit_cache = True

    def __init__(self, column: ColumnElement[Any]) -> None:
        self.column = column


@compiles(at_every_location, "sqlite")
def _every_location_sqlite(element: at_every_location, compiler: Any, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} IN (SELECT location.id FROM location)"


@compiles(at_every_location)
def _every_location_default(element: at_every_location, compiler: Any, **kw: Any) -> str:
    return (f"{compiler.process(element.column, **kw)} "
            "= ANY(ARRAY(SELECT location.id FROM location))")


def as_float(expr: ColumnElement[Any]) -> ColumnElement[float]:
    """Cast an expression to a float, so integer division cannot truncate."""
    from sqlalchemy import cast

    return cast(expr, Float)
