"""The Teddy Cup 2020 problem C files in settings.SHARED_DATA_DIR, read as plain records."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from civicgrid.tables import InputError, read_table

TEDDY = "teddy2020"
TITLES_FILE = "附件2_titles_dev.csv"
DETAILS_FILE = "附件2_details_dev.csv"
COMPLETE_FILE = "附件2_subset_all_columns_dev.csv"
SAMPLE_FILE = "附件2_sample_dev.csv"
TAXONOMY_FILE = "taxonomy_附件1.csv"
MESSAGES_FILE = "messages_附件3_full_4326.csv"
HOT_SAMPLE_FILE = "sample_附件3_30.csv"
REPLIES_FILE = "replies_附件4_full_2816.csv"


@dataclass(frozen=True)
class LabelledText:
    """One labelled example; complete records have both parts, the dev files one of them."""

    title: str
    detail: str
    category: str
    source: str
    message_id: str = ""

    @property
    def complete(self) -> bool:
        return bool(self.title and self.detail)


def data_dir() -> Path:
    return Path(settings.SHARED_DATA_DIR) / TEDDY


def data_file(name: str) -> Path:
    path = data_dir() / name
    if not path.is_file():
        raise InputError(f"找不到数据文件 {path}（可用环境变量 CIVICGRID_SHARED_DATA 指定数据目录）。")
    return path


def read(name: str) -> list[dict[str, str]]:
    return read_table(data_file(name))


def messages_by_id(name: str) -> dict[str, dict[str, str]]:
    """A data file's rows by 留言编号; in the detail-only dev file, which has none, by row number from 1."""
    return {row.get("留言编号") or str(number): row for number, row in enumerate(read(name), start=1)}


def labelled_texts() -> list[LabelledText]:
    """All labelled examples: complete records (subset + organiser sample, deduplicated by id), then titles
    and details alone. Rows with a compound label such as "交通运输|商贸旅游" are left out."""
    examples: list[LabelledText] = []
    seen_ids: set[str] = set()
    for name, label_column in ((COMPLETE_FILE, "一级标签"), (SAMPLE_FILE, "一级分类")):
        for row in read(name):
            if row["留言编号"] in seen_ids:
                continue
            seen_ids.add(row["留言编号"])
            examples.append(
                LabelledText(row["留言主题"], row["留言详情"], row[label_column], name, row["留言编号"])
            )
    examples += [LabelledText(row["留言主题"], "", row["一级标签"], TITLES_FILE) for row in read(TITLES_FILE)]
    examples += [
        LabelledText("", row["留言详情"], row["一级标签"], DETAILS_FILE) for row in read(DETAILS_FILE)
    ]
    return [example for example in examples if "|" not in example.category and example.category.strip()]
