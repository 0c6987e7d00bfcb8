"""`civicgrid ledger verify`: check that the 留痕 chain is whole."""

import argparse
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from civicgrid.ledger.selectors import chain_head, verify_chain


def anchor(text: str) -> tuple[int, str]:
    sequence, _, hash_ = text.partition(":")
    if not sequence.isdigit() or len(hash_) != 64:
        raise argparse.ArgumentTypeError("锚点格式应为 序号:64位哈希")
    return int(sequence), hash_.lower()


class Command(BaseCommand):
    help = "留痕链：verify 逐条重算哈希，报告第一处断点"

    def add_arguments(self, parser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        verify = subcommands.add_parser("verify", help="逐条重算哈希，校验留痕链是否完整")
        verify.add_argument(
            "--anchor",
            dest="anchors",
            type=anchor,
            action="append",
            default=[],
            metavar="序号:哈希",
            help="已公布的链头（如周报所载），链必须仍经过它；可重复",
        )
        verify.add_argument("--json", dest="as_json", action="store_true", help="以 JSON 输出，供程序读取")

    def handle(self, *args, anchors: list[tuple[int, str]], as_json: bool, **options) -> None:
        # verify is the only subcommand so far; argparse has already refused any other.
        head = chain_head()
        # Progress goes to a terminal only (disable=None), so logs and piped output stay clean.
        with tqdm(total=head[0] if head else 0, unit="条", file=sys.stderr, disable=None) as bar:
            result = verify_chain(progress=bar.update, anchors=dict(anchors))
        if as_json:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        elif result.ok:
            self.stdout.write(self.style.SUCCESS(f"留痕链完整：共 {result.checked} 条"))
            self.stdout.write(f"链头：第 {result.checked} 条，哈希 {result.last_hash}（可作为锚点公布）")
        if not result.ok:
            broken = f"留痕链在第 {result.broken_at} 条断开：{result.kind.label}（{result.kind.value}）"
            raise CommandError(broken, returncode=1)
