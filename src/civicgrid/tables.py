"""Reading CSV/Excel files people supply (analysts, branch secretaries) into plain records, and writing
results without partial output."""

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path


class InputError(ValueError):
    """A problem with an input file, worded in Chinese for the analyst who supplied it."""


def read_table(path: str | os.PathLike, encoding: str = "utf-8") -> list[dict[str, str]]:
    """Rows of a .csv or .xlsx file as dicts keyed by the header row; every value a string."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"找不到输入文件：{path}")
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return _read_xlsx(path)
    if path.suffix.lower() == ".xls":
        raise InputError(f"{path.name} 是旧版 .xls 格式，请在 Excel 中另存为 .xlsx 或 UTF-8 CSV 后再试。")
    return _read_csv(path, encoding)


def read_upload(upload) -> list[dict[str, str]]:
    """A file uploaded on a screen (Django's UploadedFile), read like read_table through a temporary copy
    under its own name. A CSV saved by Chinese Excel (GB18030) is read as such: there is no option to ask."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / (Path(upload.name or "").name or "upload.csv")
        with open(path, "wb") as copy:
            for chunk in upload.chunks():
                copy.write(chunk)
        raw = path.read_bytes() if path.suffix.lower() == ".csv" else b""
        try:
            raw.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "gb18030" if _decodes_as_gbk(raw) else "utf-8"
        return read_table(path, encoding)


def _read_csv(path: Path, encoding: str) -> list[dict[str, str]]:
    raw = path.read_bytes()
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        if codec == "utf-8-sig" and _decodes_as_gbk(raw):
            raise InputError(
                f"{path.name} 不是 UTF-8 编码，看起来是 GBK/GB18030（Excel 中文版默认）。"
                f"请另存为“CSV UTF-8”，或加参数 --encoding gbk。"
            ) from error
        raise InputError(f"{path.name} 第 {line} 行无法按 {encoding} 解码，请检查文件编码。") from error
    reader = csv.DictReader(text.splitlines(keepends=True))
    if not reader.fieldnames:
        raise InputError(f"{path.name} 是空文件或没有表头行。")
    return [{key.strip(): (value or "") for key, value in row.items() if key} for row in reader]


def _decodes_as_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def _read_xlsx(path: Path) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for damaged files
        raise InputError(f"无法打开 Excel 文件 {path.name}：{error}") from error
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if not header or not any(header):
            raise InputError(f"{path.name} 第一个工作表是空的或没有表头行。")
        names = [str(name).strip() if name is not None else "" for name in header]
        return [
            {name: _cell_text(value) for name, value in zip(names, row, strict=False) if name}
            for row in rows
            if any(value is not None for value in row)
        ]
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def require_columns(rows: list[dict[str, str]], columns: Iterable[str], source: str) -> None:
    """Fail with the missing column names (and the ones present) before any work starts."""
    if not rows:
        raise InputError(f"{source} 没有数据行。")
    present = list(rows[0])
    missing = [column for column in columns if column not in present]
    if missing:
        raise InputError(
            f"{source} 缺少列：{'、'.join(missing)}。文件中的列为：{'、'.join(present)}。可用参数指定列名。"
        )


def require_text(rows: list[dict[str, str]], columns: Sequence[str], source: str) -> None:
    """Every row needs text in at least one of the columns; names the first empty row (header = row 1)."""
    for number, row in enumerate(rows, start=2):
        if not any((row.get(column) or "").strip() for column in columns):
            raise InputError(f"{source} 第 {number} 行的 {'/'.join(columns)} 为空，无法分析。")


def write_table(path: str | os.PathLike, rows: list[dict], fieldnames: Sequence[str]) -> None:
    """Write .csv (UTF-8 with BOM so Excel shows Chinese) or .xlsx via a temp file renamed at the end."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        if path.suffix.lower() == ".xlsx":
            _write_xlsx(Path(temporary), rows, fieldnames)
        else:
            with open(temporary, "w", encoding="utf-8-sig", newline="") as out:
                writer = csv.DictWriter(out, fieldnames=list(fieldnames), extrasaction="ignore")
                writer.writeheader()
                writer.writerows(rows)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_xlsx(path: Path, rows: list[dict], fieldnames: Sequence[str]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(fieldnames))
    for row in rows:
        sheet.append([row.get(name, "") for name in fieldnames])
    workbook.save(path)
