"""GET /api/export: one table's rows over a time range as CSV or Parquet, streamed and capped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from itertools import chain
from typing import TYPE_CHECKING

from flask import Blueprint, Response

from api import params
from api.errors import ApiError
from data.clock import utcnow
from data.queries import export as q
from data.store import Store

if TYPE_CHECKING:
    import pyarrow as pa

FORMATS = ("csv", "parquet")
DEFAULT_ROWS, MAX_ROWS = 1_000_000, 5_000_000
MIMETYPES = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}


class _Chunks:
    """A write-only file for ParquetWriter whose bytes are taken out after each row group."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def take(self) -> bytes:
        out, self.parts = b"".join(self.parts), []
        return out


def _csv(batches: Iterator[pa.RecordBatch]) -> Iterator[bytes]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    for i, batch in enumerate(batches):
        sink = pa.BufferOutputStream()
        pacsv.write_csv(batch, sink, pacsv.WriteOptions(include_header=i == 0))
        yield sink.getvalue().to_pybytes()


def _parquet(batches: Iterator[pa.RecordBatch]) -> Iterator[bytes]:
    import pyarrow.parquet as pq

    first = next(batches)  # q.batches yields at least one (maybe empty) batch: the file's schema
    sink = _Chunks()
    writer = pq.ParquetWriter(sink, first.schema)
    for batch in chain([first], batches):
        writer.write_batch(batch)
        yield sink.take()
    writer.close()
    yield sink.take()


def blueprint(store: Store) -> Blueprint:
    routes = Blueprint("export", __name__, url_prefix="/api")

    @routes.get("/export")
    def export() -> Response:
        return _export(store)

    return routes


def _export(store: Store) -> Response:
    table = params.choice("table", q.EXPORTABLE)
    if table is None:
        raise ApiError(400, "bad_parameter", "table is required", [{"field": "table", "allowed": list(q.EXPORTABLE)}])
    fmt = params.choice("format", FORMATS) or "csv"
    until = params.timestamp("to", utcnow())
    since = params.timestamp("from", max(params.EARLIEST, until - timedelta(hours=24)))
    if since >= until:
        raise ApiError(400, "bad_parameter", "from must be before to", [{"field": "from"}])
    limit = params.bounded_int("limit", DEFAULT_ROWS, 1, MAX_ROWS)
    batches = q.batches(store, table, since, until, limit, text_lists=fmt == "csv")
    body = _csv(batches) if fmt == "csv" else _parquet(batches)
    return Response(body, mimetype=MIMETYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{table}.{fmt}"'})
