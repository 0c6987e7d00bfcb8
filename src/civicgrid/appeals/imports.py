"""Import of appeals from files: hotline exports (CSV in UTF-8, UTF-8 with BOM or GBK, or .xlsx) read
through a saved column mapping (mappings/*.json, described in docs/imports.md).

An import is all or nothing per file and reads the file twice:

1. Validate every row: encoding, columns, dates, categories, choices, coordinates, lengths, required fields,
   external ids repeated inside the file. Rows whose (channel, external id) is already stored are counted as
   skipped, which makes a re-import harmless. Any problem ends the import here with a per-row report, and
   nothing has been written.
2. Write every new row inside one transaction, in batches: place the batch on the grid (`locate_many`, or
   the compound named in the address), give each appeal a tracking code, its contact apart and its `submit`
   event, then record the whole file as one 留痕 ledger entry (SHA-256, counts, mapping). The checksum is
   taken again at the end, so a file changed between the passes rolls the import back.

Why not `services.submit_appeal` per row: it costs several statements and a ledger append per appeal (hours
for a million rows), and docs/ledger.md asks bulk work for one entry per file. This path keeps what
submit_appeal guarantees — choices checked, title and text required, point located, tracking code, contact
stored apart, a `submit` event per appeal, a ledger trace, idempotency by (channel, external id) — and
writes with PostgreSQL's COPY (bulk_create elsewhere). Imported appeals enter as 已受理, in the dispatcher's
queue; deadlines start when they are dispatched. A row carrying the department's reply is a case finished
before the platform knew it: it is stored as 已归档 with its reply.

Ordinary rows that arrive open are read for urgent cases (急难险重) as submit_appeal reads every appeal: the
flag's words go into the `submit` event, and the locality's CIVICGRID_RAISE_URGENT_CASES decides whether it
raises the appeal to urgent (docs/appeals.md). It costs about 1 ms of CPU per row; a migration of finished
history (rows with replies are never read) or a caller who knows better may skip it.
"""

import codecs
import csv
import datetime as dt
import hashlib
import json
import random
import secrets
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import openpyxl
import shapely
from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb
from tqdm import tqdm

from civicgrid.grid.addresses import CompoundNames
from civicgrid.grid.geometry import UnreadableGeometry, read_shape
from civicgrid.grid.locate import locate_many
from civicgrid.grid.selectors import compound_boundaries
from civicgrid.insight.urgent import assess_many as assess_urgent_cases
from civicgrid.ledger.services import record as record_in_ledger

from .conf import appeals_setting
from .errors import AppealError
from .exports import category_paths
from .models import Appeal, AppealContact, AppealEvent, Channel, Kind, Status, Urgency
from .services import TRACKING_ALPHABET, TRACKING_CODE_LENGTH
from .urgency import flag_record, raises_urgency

MAPPINGS_DIR = Path(__file__).parent / "mappings"
SNIFF_BYTES = 1 << 16
BATCH_SIZE = 10_000
ANALYZE_AFTER_ROWS = 50_000
# Longer than any real appeal: such a cell is an export broken by an unclosed quote that swallowed rows.
MAX_TEXT_LENGTH = 10_000
# A file with a systematic fault has a problem on every row; the report lists this many and counts the rest.
MAX_LISTED_PROBLEMS = 1000
TITLE_FROM_TEXT_LENGTH = 30

FIELD_LABELS = {
    "external_id": "来源编号",
    "channel": "渠道",
    "kind": "诉求类型",
    "urgency": "紧急程度",
    "category": "分类",
    "title": "标题",
    "text": "诉求内容",
    "received_at": "受理时间",
    "lat": "纬度",
    "lng": "经度",
    "address": "地址",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
    "contact_address": "联系地址",
    "is_anonymous": "是否匿名",
    "reply": "答复意见",
    "replied_at": "答复时间",
}
DEFAULT_REQUIRED = ("external_id", "text", "received_at")
MAX_LENGTHS = {
    "external_id": Appeal._meta.get_field("external_id").max_length,
    "title": Appeal._meta.get_field("title").max_length,
    "text": MAX_TEXT_LENGTH,
    "address": Appeal._meta.get_field("address").max_length,
    "contact_name": AppealContact._meta.get_field("name").max_length,
    "contact_phone": AppealContact._meta.get_field("phone").max_length,
    "contact_address": AppealContact._meta.get_field("address_detail").max_length,
    "reply": MAX_TEXT_LENGTH,
}
YES_NO = {"是": True, "否": False, "1": True, "0": False, "true": True, "false": False, "y": True, "n": False}
ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8（带 BOM）", "gbk": "GBK", "gb18030": "GBK"}
CATEGORY_SEPARATORS = str.maketrans({"／": "/", ">": "/", "＞": "/"})


class ImportFileError(AppealError):
    """The file as a whole cannot be imported (unreadable, wrong encoding, missing columns); nothing saved."""


@dataclass(frozen=True)
class RowProblem:
    line: int  # where the record starts in the file (the sheet row for .xlsx); the header is line 1
    code: str
    message: str
    column: str = ""
    value: str = ""


@dataclass
class ImportReport:
    file: str
    mapping: str
    encoding: str = ""
    sha256: str = ""
    rows: int = 0
    imported: int = 0
    skipped_existing: int = 0
    urgent_flagged: int = 0  # rows the urgent-case check flagged
    urgency_raised: int = 0  # of those, rows it raised to urgent
    problems: list[RowProblem] = field(default_factory=list)
    problem_counts: Counter = field(default_factory=Counter)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problem_counts

    @property
    def unlisted_problems(self) -> int:
        return sum(self.problem_counts.values()) - len(self.problems)

    @property
    def summary(self) -> str:
        if not self.ok:
            counts = "，".join(f"{code} {n}" for code, n in self.problem_counts.most_common())
            return f"{self.file}（{self.encoding}）：{self.rows} 行中有错误（{counts}），未导入任何数据。"
        done = "可导入" if self.dry_run else "已导入"
        urgent = (
            f"其中急难险重 {self.urgent_flagged} 行（升为紧急 {self.urgency_raised} 行），"
            if self.urgent_flagged
            else ""
        )
        return (
            f"{self.file}（{self.encoding}）：共 {self.rows} 行，{done} {self.imported} 行，{urgent}"
            f"已存在而跳过 {self.skipped_existing} 行。"
        )

    def add(self, problem: RowProblem) -> None:
        self.problem_counts[problem.code] += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(problem)

    def as_dict(self) -> dict:
        return {
            **{name: getattr(self, name) for name in ("file", "mapping", "encoding", "sha256", "rows")},
            **{name: getattr(self, name) for name in ("imported", "skipped_existing", "dry_run", "ok")},
            "urgent_flagged": self.urgent_flagged,
            "urgency_raised": self.urgency_raised,
            "problem_counts": dict(self.problem_counts),
            "problems": [asdict(problem) for problem in self.problems],
            "unlisted_problems": self.unlisted_problems,
        }


# --- the mapping -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnMapping:
    """How one source's export reads: its columns (several may feed one field; the first filled one wins),
    date formats, value maps per field, defaults for fields the export lacks, and the required fields."""

    name: str
    columns: dict[str, str]
    encoding: str = "auto"
    date_formats: tuple[str, ...] = ()
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    required: tuple[str, ...] = DEFAULT_REQUIRED
    external_id_prefix: str = ""

    def with_prefix(self, prefix: str) -> "ColumnMapping":
        return ColumnMapping(**{**self.__dict__, "external_id_prefix": prefix})


def saved_mappings() -> list[str]:
    return sorted(path.stem for path in MAPPINGS_DIR.glob("*.json"))


def load_mapping(name_or_path: str | Path) -> ColumnMapping:
    """A saved mapping by name (`hotline-12345`) or a mapping file by path."""
    path = Path(name_or_path)
    if path.suffix != ".json":
        path = MAPPINGS_DIR / f"{name_or_path}.json"
    if not path.is_file():
        raise ImportFileError(
            "mapping_not_found",
            f"找不到列映射“{name_or_path}”。已保存的映射：{'、'.join(saved_mappings())}。",
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportFileError("bad_mapping", f"列映射文件 {path.name} 不是有效的 JSON：{error}") from error
    return mapping_from_dict(data, default_name=path.stem)


def mapping_from_dict(data: dict, *, default_name: str = "") -> ColumnMapping:
    columns = data.get("columns") or {}
    defaults = data.get("defaults") or {}
    values = data.get("values") or {}
    required = tuple(data.get("required") or DEFAULT_REQUIRED)
    unknown = (
        sorted(set(columns.values()) | set(defaults) | set(values) | set(required)) - FIELD_LABELS.keys()
    )
    if unknown or not columns:
        raise ImportFileError(
            "bad_mapping",
            f"列映射有未知字段：{'、'.join(unknown)}。" if unknown else "列映射没有任何列（columns）。",
        )
    encoding = data.get("encoding", "auto")
    if encoding != "auto":
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError as error:
            raise ImportFileError("bad_mapping", f"列映射的编码“{encoding}”无效。") from error
    return ColumnMapping(
        name=data.get("name") or default_name,
        columns=dict(columns),
        encoding=encoding,
        date_formats=tuple(data.get("date_formats") or ()),
        values={name: dict(table) for name, table in values.items()},
        defaults=dict(defaults),
        required=required,
        external_id_prefix=data.get("external_id_prefix", ""),
    )


# --- reading files -----------------------------------------------------------------------------------------


@dataclass
class Table:
    encoding: str  # as told to people: UTF-8, UTF-8（带 BOM）, GBK, Excel
    header: list[str]
    records: Iterator[tuple[int, list]]  # (line where the record starts, cells)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def open_table(path: Path, encoding: str = "auto") -> Iterator[Table]:
    """The file's header and records, whatever it is: a CSV in a detected (or declared) encoding, or .xlsx."""
    with path.open("rb") as stream:
        sample = stream.read(SNIFF_BYTES)
        if sample.startswith(b"PK\x03\x04"):
            yield _xlsx_table(path)
            return
        if sample.startswith(b"\xd0\xcf\x11\xe0"):
            raise ImportFileError(
                "xls_not_supported", "不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV。"
            )
        codec = _csv_encoding(sample, encoding)
        stream.seek(0)
        label = ENCODING_LABELS.get(codec, codec)
        yield _csv_table(csv.reader(_decoded_lines(stream, codec, label)), label)


def _decodes(sample: bytes, codec: str) -> bool:
    try:
        # Not final: the sample may end inside a multi-byte character.
        codecs.getincrementaldecoder(codec)().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _csv_encoding(sample: bytes, declared: str) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in sample:
        raise ImportFileError("not_text", "文件含有二进制内容，不是 CSV 文本文件（是否选错了文件？）。")
    detected = next((codec for codec in ("utf-8", "gbk") if _decodes(sample, codec)), None)
    if declared != "auto":
        if _decodes(sample, declared):
            return declared
        seems = f"，看起来是 {ENCODING_LABELS.get(detected, detected)} 编码" if detected else ""
        raise ImportFileError(
            "wrong_encoding",
            f"文件不是列映射声明的 {ENCODING_LABELS.get(declared, declared)} 编码{seems}："
            "请按声明的编码另存文件，或把映射的 encoding 改为 auto。",
        )
    if detected is None:
        raise ImportFileError("unknown_encoding", "无法识别文件编码：既不是 UTF-8，也不是 GBK。")
    # GB18030 reads everything GBK does, and the rarer characters (生僻字) GBK lacks.
    return "gb18030" if detected == "gbk" else detected


def _decoded_lines(stream, codec: str, label: str) -> Iterator[str]:
    """The file's lines as text. Decoded line by line, not in blocks, so an undecodable byte is reported on
    its own line; neither UTF-8 nor GBK uses the newline byte inside a character."""
    decode = codecs.getdecoder(codec)
    for number, line in enumerate(stream, start=1):
        try:
            yield decode(line)[0]
        except UnicodeDecodeError as error:
            raise ImportFileError(
                "wrong_encoding", f"第 {number} 行无法按 {label} 解码：文件中混有其他编码的内容，或已损坏。"
            ) from error


def _csv_table(reader, encoding: str) -> Table:
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise _malformed(1, error) from error
    if not header or not any(cell.strip() for cell in header):
        raise ImportFileError("empty_file", "文件是空的：没有表头行。")

    def records() -> Iterator[tuple[int, list]]:
        line = reader.line_num + 1
        try:
            for cells in reader:
                if any(cells):
                    yield line, cells
                line = reader.line_num + 1
        except csv.Error as error:
            raise _malformed(line, error) from error

    return Table(encoding, [_header_cell(cell) for cell in header], records())


def _malformed(line: int, error: csv.Error) -> ImportFileError:
    return ImportFileError("malformed_csv", f"第 {line} 行 CSV 格式错误（{error}），可能有引号未配对。")


def _xlsx_table(path: Path) -> Table:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError("unreadable_xlsx", f"无法读取 Excel 文件：{error}") from error
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    header = next(rows, None)
    if not header or not any(header):
        raise ImportFileError("empty_file", "工作表是空的：没有表头行。")

    def records() -> Iterator[tuple[int, list]]:
        for line, cells in enumerate(rows, start=2):
            if any(cell not in (None, "") for cell in cells):
                yield line, [_xlsx_cell(cell) for cell in cells]
        workbook.close()

    return Table("Excel", [_header_cell(cell) for cell in header], records())


def _header_cell(cell) -> str:
    return str(cell if cell is not None else "").strip().lstrip("\ufeff").strip()


def _xlsx_cell(cell):
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # ids and phone numbers come back from Excel as 1.0e10
    return str(cell)


# --- reading one row ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class AppealRow:
    line: int
    external_id: str
    channel: str
    kind: str
    urgency: str
    category_id: int | None
    title: str
    text: str
    received_at: dt.datetime
    lat: float | None
    lng: float | None
    address: str
    contact_name: str
    contact_phone: str
    contact_address: str
    is_anonymous: bool
    reply: str
    replied_at: dt.datetime | None


class CategoryIndex:
    """Finds a category by its path (一级/二级/三级, or the first levels of it) or by a name that is unique in
    the catalogue."""

    def __init__(self) -> None:
        self.by_path = {path: pk for pk, path in category_paths().items()}
        self.by_name: dict[str, list[str]] = defaultdict(list)
        for path in self.by_path:
            self.by_name[path.rsplit("/", 1)[-1]].append(path)
        self.found: dict[str, tuple[int | None, str, str]] = {}

    def find(self, value: str) -> tuple[int | None, str, str]:
        """(category id, problem code, message); the id is None when the value names no single category."""
        # An export names a few hundred categories over and over: each is looked up once.
        if value not in self.found:
            self.found[value] = self._find(value)
        return self.found[value]

    def _find(self, value: str) -> tuple[int | None, str, str]:
        path = "/".join(part.strip() for part in value.translate(CATEGORY_SEPARATORS).split("/"))
        if path in self.by_path:
            return self.by_path[path], "", ""
        paths = self.by_name.get(path, [])
        if len(paths) == 1:
            return self.by_path[paths[0]], "", ""
        if paths:
            examples = "、".join(sorted(paths)[:3])
            return (
                None,
                "ambiguous_category",
                f"分类名“{value}”在目录中有 {len(paths)} 处（如 {examples}），请写完整路径。",
            )
        return None, "unknown_category", f"分类“{value}”不在分类目录中。"


def _choice_table(choices, extra: dict) -> dict[str, str]:
    """Source value → stored value: the stored values, their Chinese labels, and the mapping's own names."""
    table = {value: value for value in choices.values} | {label: value for value, label in choices.choices}
    return table | {str(name): value for name, value in extra.items()}


class RowParser:
    """Turns a record into an AppealRow, or into the list of everything wrong with it."""

    def __init__(self, mapping: ColumnMapping, header: list[str], now: dt.datetime) -> None:
        self.mapping = mapping
        self.now = now
        self.sources: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for column, name in mapping.columns.items():
            if column in header:
                self.sources[name].append((header.index(column), column))
        missing = [
            name for name in mapping.required if name not in self.sources and name not in mapping.defaults
        ]
        if missing:
            columns = {name: [c for c, n in mapping.columns.items() if n == name] for name in missing}
            wanted = "、".join(f"{FIELD_LABELS[n]}（{'或'.join(columns[n]) or '未映射'}）" for n in missing)
            raise ImportFileError("missing_columns", f"文件缺少必需的列：{wanted}。")
        self.choices = {
            "channel": _choice_table(Channel, mapping.values.get("channel", {})),
            "kind": _choice_table(Kind, mapping.values.get("kind", {})),
            "urgency": _choice_table(Urgency, mapping.values.get("urgency", {})),
        }
        self.yes_no = YES_NO | mapping.values.get("is_anonymous", {})
        self.category_names = mapping.values.get("category", {})
        self.categories = (
            CategoryIndex() if "category" in self.sources or "category" in mapping.defaults else None
        )
        self.fields = [
            (
                name,
                [index for index, _column in self.sources.get(name, ())],
                mapping.defaults.get(name, ""),
                MAX_LENGTHS.get(name, MAX_TEXT_LENGTH),
                name in mapping.required,
            )
            for name in FIELD_LABELS
            if name in self.sources or name in mapping.defaults
        ]
        self.timezone = timezone.get_current_timezone()
        self.date_example = " 或 ".join(
            dt.datetime(2024, 5, 1, 9, 30).strftime(f)
            for f in mapping.date_formats[:2] or ("%Y-%m-%d %H:%M:%S",)
        )

    def parse(self, line: int, cells: list) -> AppealRow | list[RowProblem]:
        problems: list[RowProblem] = []
        values: dict[str, object] = {}

        def problem(name: str, code: str, message: str) -> None:
            value = str(values.get(name, ""))[:100]
            problems.append(RowProblem(line, code, message, self.column_of(name), value))

        width = len(cells)
        # The hot loop of a million-row import: only the fields this mapping fills, no calls per cell.
        for name, indices, default, limit, required in self.fields:
            value = default
            for index in indices:
                cell = cells[index] if index < width else ""
                if isinstance(cell, str):
                    cell = cell.strip()
                if cell != "" and cell is not None:
                    value = cell
                    break
            values[name] = value
            if value == "" or value is None:
                if required:
                    problem(name, "missing_field", f"缺少{FIELD_LABELS[name]}。")
            elif isinstance(value, str) and len(value) > limit:
                problem(name, "too_long", f"{FIELD_LABELS[name]}超过 {limit} 字（{len(value)} 字）。")
                values[name] = ""
        for name in ("channel", "kind", "urgency"):
            value = values.get(name) or ""
            if not value:
                if name not in self.mapping.required:  # a required one is reported above already
                    problem(name, "missing_field", f"缺少{FIELD_LABELS[name]}。")
                continue
            values[name] = self.choices[name].get(value)
            if values[name] is None:
                values[name] = value
                problem(name, "unknown_value", f"{FIELD_LABELS[name]}“{value}”无法识别。")
        category = values.get("category") or ""
        values["category"] = None
        if category:
            category_id, code, message = self.categories.find(self.category_names.get(category, category))
            values["category"] = category_id
            if code:
                problem("category", code, message)
        for name in ("received_at", "replied_at"):
            values[name] = self._datetime(values.get(name), name, problem)
        if values["received_at"] and values["replied_at"] and values["replied_at"] < values["received_at"]:
            problem("replied_at", "bad_date", "答复时间早于受理时间。")
        values["lat"], values["lng"] = self._point(values.get("lat"), values.get("lng"), problem)
        anonymous = values.get("is_anonymous") or ""
        values["is_anonymous"] = self.yes_no.get(str(anonymous).lower(), None) if anonymous else False
        if values["is_anonymous"] is None:
            problem("is_anonymous", "unknown_value", f"是否匿名“{anonymous}”无法识别（应为 是 或 否）。")
        if problems:
            return problems
        text = values.get("text") or ""
        if not text:
            problem("text", "missing_field", "缺少诉求内容。")
            return problems
        external_id = values.get("external_id") or ""
        if external_id:
            external_id = f"{self.mapping.external_id_prefix}{external_id}"
            if len(external_id) > MAX_LENGTHS["external_id"]:
                problem("external_id", "too_long", f"来源编号超过 {MAX_LENGTHS['external_id']} 字。")
                return problems
        return AppealRow(
            line=line,
            external_id=external_id,
            channel=values["channel"],
            kind=values["kind"],
            urgency=values["urgency"],
            category_id=values["category"],
            title=values.get("title") or title_from_text(text),
            text=text,
            received_at=values["received_at"],
            lat=values["lat"],
            lng=values["lng"],
            address=values.get("address") or "",
            contact_name=values.get("contact_name") or "",
            contact_phone=values.get("contact_phone") or "",
            contact_address=values.get("contact_address") or "",
            is_anonymous=values["is_anonymous"],
            reply=values.get("reply") or "",
            replied_at=values["replied_at"],
        )

    def column_of(self, name: str) -> str:
        return next((column for _index, column in self.sources.get(name, ())), "")

    def _datetime(self, value, name: str, problem) -> dt.datetime | None:
        if value in ("", None):
            return None
        if not isinstance(value, dt.datetime):
            text, value = str(value), self._parse_datetime(str(value))
            if value is None:
                return problem(
                    name,
                    "bad_date",
                    f"{FIELD_LABELS[name]}“{text}”不是有效的日期时间（应如 {self.date_example}）。",
                )
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.timezone)
        if value > self.now:
            return problem(name, "bad_date", f"{FIELD_LABELS[name]}晚于当前时间。")
        return value

    def _parse_datetime(self, text: str) -> dt.datetime | None:
        # ISO 8601 first: it is what most exports write, and the C parser is ten times faster than strptime.
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        for date_format in self.mapping.date_formats:
            try:
                return dt.datetime.strptime(text, date_format)
            except ValueError:
                continue
        return None

    def _point(self, lat, lng, problem) -> tuple[float | None, float | None]:
        if lat in ("", None) and lng in ("", None):
            return None, None
        try:
            lat, lng = float(lat), float(lng)
        except (TypeError, ValueError):
            problem("lat", "bad_coordinates", f"坐标“{lat}, {lng}”不是有效的数字，或只填了纬度、经度之一。")
            return None, None
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            problem("lat", "bad_coordinates", f"坐标“{lat}, {lng}”超出范围（纬度 ±90，经度 ±180）。")
            return None, None
        return lat, lng


def title_from_text(text: str) -> str:
    """A title for an export without one: the text's first sentence, cut short."""
    first = text.split("\n", 1)[0]
    for stop in "。！？!?":
        first = first.split(stop, 1)[0]
    return first.strip()[:TITLE_FROM_TEXT_LENGTH] or text[:TITLE_FROM_TEXT_LENGTH]


# --- placing rows on the grid ------------------------------------------------------------------------------


Placer = Callable[[AppealRow], tuple[float, float] | None]


class CompoundScatter:
    """Deterministic pseudo-random points inside the compounds of the grid, one per external id: for sources
    whose place names are masked (the Teddy Cup messages), so that the demo's maps and scores have places."""

    def __init__(self) -> None:
        self.compounds = []
        for _pk, boundary in compound_boundaries().order_by("name", "pk"):
            try:
                shape = read_shape(boundary)
            except UnreadableGeometry:
                continue
            if shape is not None and not shape.is_empty:
                shapely.prepare(shape)
                self.compounds.append(shape)

    def __call__(self, row: AppealRow) -> tuple[float, float] | None:
        if not self.compounds:
            return None
        rng = random.Random(row.external_id)
        return point_in(rng.choice(self.compounds), rng)


def point_in(shape, rng: random.Random) -> tuple[float, float]:
    """A random (lat, lng) inside a polygon, at the stored precision of 1e-6°."""
    minx, miny, maxx, maxy = shape.bounds
    for _ in range(100):
        lng, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shapely.contains_xy(shape, lng, lat):
            return round(lat, 6), round(lng, 6)
    point = shape.representative_point()  # a sliver the dice keep missing
    return round(point.y, 6), round(point.x, 6)


# --- writing -----------------------------------------------------------------------------------------------


def tracking_codes(count: int) -> list[str]:
    """`count` codes like services.new_tracking_code's, drawn from one read of the system's randomness per
    batch: its per-character read costs more than the rest of an imported row."""
    alphabet, length = TRACKING_ALPHABET, TRACKING_CODE_LENGTH
    fair = 256 - 256 % len(alphabet)  # higher bytes are dropped, so every character is equally likely
    characters: list[str] = []
    while len(characters) < count * length:
        characters += [
            alphabet[b % len(alphabet)] for b in secrets.token_bytes(count * length + 64) if b < fair
        ]
    return ["".join(characters[i * length : (i + 1) * length]) for i in range(count)]


def _appeal_values(row: AppealRow, code: str, grid_id, compound_id, actor_id, now: dt.datetime) -> dict:
    values = {
        "tracking_code": code,
        "channel": row.channel,
        "external_id": row.external_id,
        "kind": row.kind,
        "category_id": row.category_id,
        "title": row.title,
        "text": row.text,
        "lat": row.lat,
        "lng": row.lng,
        "address": row.address,
        "grid_id": grid_id,
        "compound_id": compound_id,
        "urgency": row.urgency,
        "is_anonymous": row.is_anonymous,
        "status": Status.RECEIVED,
        "received_at": row.received_at,
        "created_by_id": actor_id,
        "created_at": now,
        "updated_at": now,
    }
    if row.reply:
        done = row.replied_at or row.received_at
        values |= {"status": Status.CLOSED, "reply": row.reply, "resolved_at": done, "closed_at": done}
    return values


class BatchWriter:
    """Writes batches of appeals with their contacts and `submit` events: COPY on PostgreSQL (a million rows
    in minutes), bulk_create elsewhere."""

    def __init__(
        self, *, actor_id: int | None, batch_key: str, now: dt.datetime, check_urgency: bool = True
    ) -> None:
        self.actor_id, self.batch_key, self.now = actor_id, batch_key, now
        self.raise_mode = appeals_setting("RAISE_URGENT_CASES") if check_urgency else None
        self.urgent_flagged = self.urgency_raised = 0
        self.copy = connection.vendor == "postgresql"
        # Appeals are written with the ids taken for them; contacts and events take theirs from the table.
        self.copy_plans = {
            Appeal: copy_plan(Appeal, with_pk=True),
            AppealContact: copy_plan(AppealContact, with_pk=False),
            AppealEvent: copy_plan(AppealEvent, with_pk=False),
        }
        self.compounds = CompoundNames()

    def write(self, rows: list[AppealRow]) -> None:
        places = self._places(rows)
        flags = self._urgent_flags(rows)
        appeals = [
            _appeal_values(row, code, grid_id, compound_id, self.actor_id, self.now)
            for row, code, (grid_id, compound_id) in zip(rows, tracking_codes(len(rows)), places, strict=True)
        ]
        ids = self._insert_appeals(appeals)
        contacts = [
            {
                "appeal_id": pk,
                "name": r.contact_name,
                "phone": r.contact_phone,
                "address_detail": r.contact_address,
            }
            for pk, r in zip(ids, rows, strict=True)
            if r.contact_name or r.contact_phone or r.contact_address
        ]
        events = [
            {
                "appeal_id": pk,
                "action": "submit",
                "actor_id": self.actor_id,
                "at": self.now,
                "note": "批量导入",
                "from_status": "",
                "to_status": appeal["status"],
                "data": {
                    "channel": appeal["channel"],
                    "external_id": appeal["external_id"],
                    "grid": appeal["grid_id"],
                    "compound": appeal["compound_id"],
                    "import": self.batch_key,
                    **flag,
                },
            }
            for pk, appeal, flag in zip(ids, appeals, flags, strict=True)
        ]
        self._insert(AppealContact, contacts)
        self._insert(AppealEvent, events)

    def _urgent_flags(self, rows: list[AppealRow]) -> list[dict]:
        """Each row's urgent-case record for its `submit` event ({} when not flagged or not read), raising the
        rows the locality's setting says to raise. Only ordinary rows that arrive open are read: a finished
        case warns nobody, and an urgency the file states is the hotline's own decision."""
        flags: list[dict] = [{} for _ in rows]
        if self.raise_mode is None:
            return flags
        to_read = [i for i, row in enumerate(rows) if row.urgency == Urgency.NORMAL and not row.reply]
        messages = [
            (rows[i].title, rows[i].text, timezone.localtime(rows[i].received_at).year) for i in to_read
        ]
        for i, assessment in zip(to_read, assess_urgent_cases(messages), strict=True):
            if not assessment.urgent:
                continue
            raised = raises_urgency(assessment, self.raise_mode)
            if raised:
                rows[i].urgency = Urgency.URGENT
            flags[i] = flag_record(assessment, raised)
            self.urgent_flagged += 1
            self.urgency_raised += raised
        return flags

    def refresh_statistics(self, written: int) -> None:
        """After a large load, tell PostgreSQL's planner how the table looks now: with its old statistics it
        takes the next import's id look-ups for a scan of the whole table (a second per batch at 1M rows)."""
        if self.copy and written >= ANALYZE_AFTER_ROWS:
            with connection.cursor() as cursor:
                for model in (Appeal, AppealContact, AppealEvent):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def _places(self, rows: list[AppealRow]) -> list[tuple[int | None, int | None]]:
        with_point = [i for i, row in enumerate(rows) if row.lat is not None]
        located = locate_many([(rows[i].lat, rows[i].lng) for i in with_point]) if with_point else []
        places: list[tuple[int | None, int | None]] = [(None, None)] * len(rows)
        for i, location in zip(with_point, located, strict=True):
            places[i] = (location.grid_id, location.compound_id)
        for i, row in enumerate(rows):
            if row.lat is None and row.address:
                found = self.compounds.find(row.address)
                if found:
                    places[i] = (found[1], found[0])
        return places

    def _insert_appeals(self, appeals: list[dict]) -> list[int]:
        if not self.copy:
            return [appeal.pk for appeal in Appeal.objects.bulk_create([Appeal(**a) for a in appeals])]
        with connection.cursor() as cursor:
            # Ids taken from the table's own sequence, so contacts and events can point at rows COPY wrote.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Appeal._meta.db_table, len(appeals)],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
        for pk, appeal in zip(ids, appeals, strict=True):
            appeal["id"] = pk
        self._insert(Appeal, appeals)
        return ids

    def _insert(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        if not self.copy:
            model.objects.bulk_create([model(**row) for row in rows])
            return
        columns, plan = self.copy_plans[model]
        table = connection.ops.quote_name(model._meta.db_table)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(
                    [
                        Jsonb(row[name]) if is_json else row.get(name, default)
                        for name, default, is_json in plan
                    ]
                )


def copy_plan(model, *, with_pk: bool) -> tuple[str, list[tuple[str, object, bool]]]:
    """The COPY column list of a model and, per column, its attribute, default and whether it is JSON."""
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    return columns, [(f.attname, f.get_default(), f.get_internal_type() == "JSONField") for f in fields]


# --- the import --------------------------------------------------------------------------------------------


def import_appeals(
    path: str | Path,
    mapping: ColumnMapping,
    *,
    actor=None,
    dry_run: bool = False,
    progress: bool = False,
    placer: Placer | None = None,
    check_urgency: bool = True,
) -> ImportReport:
    """Validate the whole file, then (unless `dry_run` or any row has a problem) write its new rows in one
    transaction. Raises ImportFileError for a file that cannot be read at all; row problems are in the
    report, and then nothing was written. `placer` gives a point to rows that have none; without
    `check_urgency` no row is read for urgent cases."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError("file_not_found", f"找不到文件：{path}")
    report = ImportReport(file=path.name, mapping=mapping.name, dry_run=dry_run, sha256=file_sha256(path))
    now = timezone.now()
    keys, without_id = _validate(path, mapping, report, now, progress)
    if not report.ok:
        return report
    existing = _stored_keys(keys)
    report.skipped_existing = len(existing)
    report.imported = len(keys) - len(existing) + without_id
    if dry_run or not report.imported:
        return report
    with transaction.atomic():
        _write(path, mapping, existing, report, actor, now, progress, placer, check_urgency)
    return report


def _validate(
    path: Path, mapping: ColumnMapping, report: ImportReport, now: dt.datetime, progress: bool
) -> tuple[set[tuple[str, str]], int]:
    """Pass 1: every problem of every row into the report; the (channel, external id) keys of the good rows
    and how many good rows have no external id."""
    first_line: dict[tuple[str, str], int] = {}
    without_id = 0
    with open_table(path, mapping.encoding) as table:
        report.encoding = table.encoding
        parser = RowParser(mapping, table.header, now)
        for line, cells in _progress(table.records, "校验", progress, None):
            report.rows += 1
            row = parser.parse(line, cells)
            if isinstance(row, list):
                for problem in row:
                    report.add(problem)
            elif not row.external_id:
                without_id += 1
            elif (key := (row.channel, row.external_id)) in first_line:
                message = f"来源编号“{row.external_id}”与第 {first_line[key]} 行重复。"
                column = parser.column_of("external_id")
                report.add(RowProblem(line, "duplicate_in_file", message, column, row.external_id))
            else:
                first_line[key] = line
    if report.rows == 0:
        raise ImportFileError("no_rows", "文件只有表头，没有数据行。")
    return set(first_line), without_id


def _stored_keys(keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    by_channel: dict[str, list[str]] = defaultdict(list)
    for channel, external_id in keys:
        by_channel[channel].append(external_id)
    stored = set()
    for channel, ids in by_channel.items():
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            # The non-empty condition lets PostgreSQL use the partial unique index on (channel, external_id).
            found = Appeal.objects.filter(channel=channel, external_id__in=batch).exclude(external_id="")
            stored.update(
                (channel, external_id) for external_id in found.values_list("external_id", flat=True)
            )
    return stored


def _write(path, mapping, existing, report, actor, now, progress, placer, check_urgency) -> None:
    """Pass 2, inside the caller's transaction: the new rows in batches, then one ledger entry for the
    file."""
    actor = actor if actor is not None and actor.is_authenticated else None
    writer = BatchWriter(
        actor_id=getattr(actor, "pk", None),
        batch_key=report.sha256[:16],
        now=now,
        check_urgency=check_urgency,
    )
    with open_table(path, mapping.encoding) as table:
        parser = RowParser(mapping, table.header, now)
        batch: list[AppealRow] = []
        for line, cells in _progress(table.records, "写入", progress, report.rows):
            row = parser.parse(line, cells)
            if isinstance(row, list):
                raise ImportFileError("file_changed", f"第 {line} 行与校验时不同：文件在导入过程中被修改。")
            if row.external_id and (row.channel, row.external_id) in existing:
                continue
            if row.lat is None and placer is not None:
                row.lat, row.lng = placer(row) or (None, None)
            batch.append(row)
            if len(batch) >= BATCH_SIZE:
                writer.write(batch)
                batch = []
        if batch:
            writer.write(batch)
    writer.refresh_statistics(report.imported)
    report.urgent_flagged, report.urgency_raised = writer.urgent_flagged, writer.urgency_raised
    if file_sha256(path) != report.sha256:
        raise ImportFileError("file_changed", "文件在导入过程中被修改，已全部撤销，请重新导入。")
    record_in_ledger(
        "appeal.import",
        target=("appeals.import", report.sha256[:16]),
        actor=actor,
        payload={
            "file": report.file,
            "sha256": report.sha256,
            "mapping": report.mapping,
            "encoding": report.encoding,
            "rows": report.rows,
            "imported": report.imported,
            "skipped_existing": report.skipped_existing,
            "urgent_flagged": report.urgent_flagged,
            "urgency_raised": report.urgency_raised,
        },
    )


def _progress(items: Iterable, description: str, enabled: bool, total: int | None) -> Iterable:
    return tqdm(
        items, desc=description, unit="行", total=total, disable=not enabled, leave=False, mininterval=0.5
    )
