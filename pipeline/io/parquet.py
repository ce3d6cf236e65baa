"""Parquet in and out, with pyarrow (imported only when a Parquet file is read or written).

**Out.** :class:`ParquetRecords` writes the records ``--format jsonl`` writes, one
row each, under :data:`SCHEMA`: the same fields in the same order with the same
types (strings, a float, lists), ``removed`` a list of structs. An entry of
``removed`` has every key of the struct; keys the JSONL entry leaves out
(``score``, ``source``, ``documents``) are null, and :func:`read_records` leaves
them out again, so a Parquet file reads back as exactly the JSONL records.
Rows are buffered and written as a row group every :data:`ROW_GROUP_ROWS` rows
or :data:`ROW_GROUP_BYTES` of text, whichever comes first: memory stays bounded
however long the run, and readers (DuckDB, Spark, pandas with ``iter_batches``)
can stream the file a row group at a time. Pages are compressed with zstd.

**In.** :func:`parquet_items` reads a table with a ``text`` or ``html`` column
(``html`` wins in a row that has both, as in JSONL) and optional ``id``,
``url`` and ``date`` columns, :data:`READ_BATCH_ROWS` rows at a time; a row
without an id is ``FILE:ROW`` (1-based). A row with an empty body, or one
larger than ``--max-bytes``, is a reject naming its row; a file that is not
Parquet, or lacks a body column, is one error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pipeline import flags as F
from pipeline.document import Document, Reject
from pipeline.errors import DocumentError, EmptyInputError, InputTooLargeError, MalformedRecordError
from pipeline.stages.metadata import parse_date

if TYPE_CHECKING:
    import pyarrow as pa

    from pipeline.io.writers import OutputStream

#: A row group is written every this many rows ...
ROW_GROUP_ROWS = 10_000
#: ... or once the buffered rows hold this many bytes of text, whichever comes first.
ROW_GROUP_BYTES = 32 * 1024 * 1024
#: Rows read at a time from a Parquet input.
READ_BATCH_ROWS = 1024
#: The keys of an entry of ``removed`` that JSONL writes only when they have a value.
_OPTIONAL_REMOVAL_KEYS = ("score", "source", "documents")
_STRING_FIELDS = ("id", "path", "title", "date", "publisher", "author", "url", "crawl_date", "language",
                  "description", "encoding", "extractor")


def schema() -> pa.Schema:
    """The Parquet schema of a record (the README's "Parquet output" lists it)."""
    import pyarrow as pa

    removal = pa.struct([("rule", pa.string()), ("line", pa.int64()), ("text", pa.string()),
                         ("score", pa.float64()), ("source", pa.string()), ("documents", pa.int64())])
    columns = [pa.field(name, pa.string(), nullable=name != "id") for name in _STRING_FIELDS]
    columns += [pa.field("extractors", pa.list_(pa.list_(pa.string()))),
                pa.field("text", pa.string(), nullable=False),
                pa.field("removed", pa.list_(removal), nullable=False),
                pa.field("flags", pa.list_(pa.string()), nullable=False),
                pa.field("duplicate_of", pa.string()),
                pa.field("duplicate_similarity", pa.float64())]
    return pa.schema(columns)


class ParquetRecords:
    """Records written to a Parquet file, a row group at a time (see the module docstring).

    ``out`` is a binary output from :func:`~pipeline.io.writers.open_output`, so the file is
    written atomically like every other output. Call :meth:`close` to write the last row
    group and the footer (a file without a footer is not Parquet).
    """

    def __init__(self, out: OutputStream[bytes]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._schema = schema()
        self._writer = pq.ParquetWriter(pa.PythonFile(_Sink(out), mode="w"), self._schema, compression="zstd")
        self._rows: list[dict[str, Any]] = []
        self._bytes = 0
        self.rows = 0

    def write(self, record: dict[str, Any]) -> None:
        self._rows.append(record)
        self._bytes += len(record["text"]) + sum(len(r["text"]) for r in record["removed"])
        if len(self._rows) >= ROW_GROUP_ROWS or self._bytes >= ROW_GROUP_BYTES:
            self._flush()

    def _flush(self) -> None:
        if not self._rows:
            return
        import pyarrow as pa

        table = pa.Table.from_pylist(self._rows, schema=self._schema)
        self._writer.write_table(table, row_group_size=len(self._rows))
        self.rows += len(self._rows)
        self._rows, self._bytes = [], 0

    def close(self) -> None:
        self._flush()
        self._writer.close()


class _Sink:
    """What pyarrow asks of a Python file it writes to, over an :class:`OutputStream` (whose
    errors name the output); closing is left to :func:`~pipeline.io.writers.open_output`."""

    closed = False

    def __init__(self, out: OutputStream[bytes]) -> None:
        self._out = out
        self._position = 0

    def write(self, data: bytes) -> int:
        written = self._out.write(bytes(data))
        self._position += len(data)
        return written

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        self._out.flush()

    def close(self) -> None:
        self.closed = True


def read_records(path: str) -> Iterator[dict[str, Any]]:
    """The records of a Parquet file boilerstrip wrote, as the dicts the JSONL lines hold
    (a removal's null ``score``/``source``/``documents`` left out, as JSONL leaves them out)."""
    import pyarrow.parquet as pq

    for batch in pq.ParquetFile(path).iter_batches(batch_size=READ_BATCH_ROWS):
        for row in batch.to_pylist():
            row["removed"] = [{k: v for k, v in r.items() if v is not None or k not in _OPTIONAL_REMOVAL_KEYS}
                              for r in row["removed"]]
            yield row


def _check_columns(table_schema: pa.Schema) -> tuple[list[str], str]:
    """The columns to read and the body column, or a MalformedRecordError saying what is wrong."""
    import pyarrow as pa

    names = set(table_schema.names)
    if not names & {"text", "html"}:
        shown = ", ".join(table_schema.names[:12]) or "none"
        raise MalformedRecordError(f"no 'text' or 'html' column (columns: {shown})")
    for name in ("text", "html", "url", "date"):
        if name in names:
            kind = table_schema.field(name).type
            if not (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind)):
                raise MalformedRecordError(f"column {name!r} must hold strings, got {kind}")
    if "id" in names:
        kind = table_schema.field("id").type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_integer(kind)
                or pa.types.is_null(kind)):
            raise MalformedRecordError(f"column 'id' must hold strings or integers, got {kind}")
    columns = [name for name in ("id", "url", "date", "html", "text") if name in names]
    return columns, "html" if "html" in names else "text"


def parquet_items(path: str, source_id: str, max_bytes: int) -> Iterator[Document | Reject]:
    """The documents of a Parquet file, one per row (see the module docstring)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(path)
    except OSError as exc:
        from pipeline.io.reading import input_error

        raise input_error(path, exc) from None
    except (pa.ArrowException, ValueError) as exc:
        raise MalformedRecordError(f"not a readable Parquet file ({exc})") from None
    columns, _ = _check_columns(table.schema_arrow)
    number = 0
    try:
        for batch in table.iter_batches(batch_size=READ_BATCH_ROWS, columns=columns):
            for row in batch.to_pylist():
                number += 1
                default_id = f"{source_id}:{number}"
                try:
                    yield _row_document(row, number, default_id, path, max_bytes)
                except DocumentError as exc:
                    row_id = row.get("id")
                    yield Reject.of(str(row_id) if row_id not in (None, "") else default_id, path, "read", exc)
    except (pa.ArrowException, OSError) as exc:
        raise MalformedRecordError(f"row {number + 1}: unreadable Parquet data ({exc})") from None
    if number == 0:
        raise EmptyInputError("empty input (no Parquet rows)")


def _row_document(row: dict[str, Any], number: int, default_id: str, path: str, max_bytes: int) -> Document:
    html, text = row.get("html"), row.get("text")
    body = html if html is not None else text
    kind = "html" if html is not None else "text"
    if body is None or not body.strip():
        raise EmptyInputError(f"row {number}: empty or missing 'text' and 'html'")
    if len(body) > max_bytes or len(body.encode("utf-8", "surrogatepass")) > max_bytes:
        raise InputTooLargeError(f"row {number}: longer than the {max_bytes:,}-byte limit (see --max-bytes)")
    doc_id = row.get("id")
    date = row.get("date")
    flags: tuple[str, ...] = ()
    if date is not None:
        date = parse_date(date)
        flags = () if date else (F.UNPARSED_DATE,)
    return Document(id=default_id if doc_id in (None, "") else str(doc_id), path=path, url=row.get("url") or None,
                    date=date, flags=flags, format=kind, **({"html": body} if kind == "html" else {"text": body}))
