"""`civicgrid insight <action>`: train/evaluate the category model and batch-analyse CSV/Excel files."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from civicgrid.tables import InputError, read_table, require_columns, require_text, write_table

BATCH = 500

# Column option, default column name (as in the shared data files).
COLUMNS = {
    "id": ("--id-column", "留言编号"),
    "user": ("--user-column", "留言用户"),
    "title": ("--title-column", "留言主题"),
    "time": ("--time-column", "留言时间"),
    "detail": ("--detail-column", "留言详情"),
    "likes": ("--likes-column", "点赞数"),
    "dislikes": ("--dislikes-column", "反对数"),
    "reply": ("--reply-column", "答复意见"),
    "reply_time": ("--reply-time-column", "答复时间"),
    "label": ("--label-column", "一级标签"),
}


def _progress(total: int, description: str) -> tqdm:
    return tqdm(total=total, desc=description, unit="条", file=sys.stderr, disable=total < BATCH)


class Command(BaseCommand):
    help = "问政文本分析：训练/评估分类模型，批量分类、热点问题、答复质量、急难险重识别。"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        train = actions.add_parser("train", help="用共享数据训练留言分类模型并写出模型卡")
        train.add_argument("--no-evaluate", action="store_true", help="跳过分组交叉验证（更快）")
        train_urgent = actions.add_parser(
            "train-urgent", help="用人工标注训练急难险重识别模型（是否标记、确定/疑似），交叉验证并写出模型卡"
        )
        train_urgent.add_argument(
            "--labels", help="标注文件（默认代码仓库的 tests/insight/urgent_labels.csv）"
        )
        evaluate = actions.add_parser(
            "evaluate", help="交叉验证（默认分组划分）：macro-F1、各类 F1、混淆矩阵，并与基线比较"
        )
        self._input(evaluate, ("title", "detail", "label"), required=False)
        evaluate.add_argument(
            "--split",
            choices=("grouped", "held-back", "ungrouped"),
            default="grouped",
            help="划分：grouped 近似重复文本不跨训练/测试（默认）；"
            "held-back 只去掉测试留言自身的副本，模拟从未见过的新留言；ungrouped 不去副本（有泄漏，作对照）",
        )
        for name, help_text, columns in (
            ("classify", "给每条留言预测一级分类和置信度", ("title", "detail")),
            ("urgent", "识别急难险重留言并给出原因", ("title", "detail", "time")),
            (
                "reply-quality",
                "给答复意见打分（相关性、完整性、可解释性、时效性）并标记模板化/推诿答复",
                ("title", "detail", "time", "reply", "reply_time"),
            ),
        ):
            action = actions.add_parser(name, help=help_text)
            self._input(action, columns)
            action.add_argument("--output", required=True, help="输出 CSV 或 .xlsx 文件")
        actions.choices["reply-quality"].add_argument(
            "--good-days", type=float, default=7, help="答复在 N 天内时效性满分（默认 7）"
        )
        actions.choices["reply-quality"].add_argument(
            "--bad-days", type=float, default=60, help="答复超过 N 天时效性为 0（默认 60）"
        )
        hot = actions.add_parser(
            "hot-issues", help="发现热点问题，输出 热点问题表.csv 和 热点问题留言明细表.csv"
        )
        self._input(hot, ("id", "user", "title", "time", "detail", "likes", "dislikes"))
        hot.add_argument("--output-dir", required=True, help="输出目录")
        hot.add_argument("--top", type=int, default=5, help="输出前 N 个热点问题（默认 5）")

    @staticmethod
    def _input(parser: CommandParser, columns: tuple[str, ...], required: bool = True) -> None:
        """--input, --encoding and one option per column the action reads."""
        help_text = "输入 CSV 或 .xlsx 文件" if required else "改为用已发布模型评估这个带标签的文件"
        parser.add_argument("--input", required=required, help=help_text)
        parser.add_argument("--encoding", default="utf-8", help="CSV 编码（默认 utf-8；GBK 文件用 gbk）")
        for name in columns:
            option, default = COLUMNS[name]
            parser.add_argument(
                option, default=default, dest=f"column_{name}", help=f"列名（默认 {default}）"
            )

    def handle(self, *args, **options):
        handler = getattr(self, f"_{options['action'].replace('-', '_')}")
        try:
            handler(options)
        except InputError as error:
            raise CommandError(str(error)) from error

    # -- model ------------------------------------------------------------------------------------------

    def _train(self, options):
        from civicgrid.insight import classifier
        from civicgrid.insight.model_card import report, write_model_card

        evaluate = not options["no_evaluate"]
        with tqdm(
            total=classifier.FOLDS if evaluate else 0, desc="交叉验证", file=sys.stderr, disable=not evaluate
        ) as bar:
            model, evaluation = classifier.train(evaluate=evaluate, progress=bar)
        write_model_card(model, evaluation)
        if evaluation:
            self.stdout.write(report(evaluation))
        self.stdout.write(
            f"模型已写入 {classifier.MODEL_PATH}（{classifier.MODEL_PATH.stat().st_size / 1e6:.1f} MB）"
        )

    def _train_urgent(self, options):
        from civicgrid.insight import urgent_model

        labels = Path(options["labels"]) if options["labels"] else urgent_model.LABELS_PATH
        model, evaluation, checked = urgent_model.train(labels)
        meta = model.metadata
        self.stdout.write(
            f"急难险重模型：{meta['messages']} 条标注留言（{meta['urgent']} 条紧急，"
            f"{meta['readers']} 位标注人）；五折交叉验证，按抽样权重推算到约 "
            f"{evaluation.model.messages:,.0f} 条留言（约 {evaluation.model.urgent:.0f} 条紧急）："
        )
        for name, estimate in (
            ("仅规则", evaluation.rules),
            ("模型（全部标记）", evaluation.model),
            ("模型（确定）", evaluation.certain),
        ):
            self.stdout.write(
                f"  {name}：标记约 {estimate.flagged:.0f} 条，精确率 {estimate.precision:.2f}，"
                f"召回率 {estimate.recall:.2f}"
            )
        self.stdout.write(
            f"  核对样本（未参与训练）：标记 {checked.flagged} 条，其中紧急 {checked.flagged_urgent} 条"
            f"（精确率 {checked.precision:.2f}）；未标记 {checked.unflagged} 条，"
            f"其中紧急 {checked.unflagged_urgent} 条"
        )
        self.stdout.write(f"模型已写入 {urgent_model.MODEL_PATH}，模型卡 {urgent_model.CARD_PATH}")

    def _evaluate(self, options):
        from civicgrid.insight import classifier
        from civicgrid.insight.dataset import labelled_texts
        from civicgrid.insight.model_card import report

        if options["input"]:
            self._evaluate_file(options)
            return
        with tqdm(total=classifier.FOLDS, desc="交叉验证", file=sys.stderr) as bar:
            evaluation = classifier.cross_validate(labelled_texts(), bar, options["split"])
        self.stdout.write(report(evaluation))

    def _evaluate_file(self, options):
        from sklearn.metrics import classification_report

        from civicgrid.insight.classifier import load_model

        rows, columns = self._read(options, ("title", "detail", "label"), text=("title", "detail"))
        predictions = self._predict(rows, columns)
        truth = [row[columns["label"]].strip() for row in rows]
        predicted = [p.category for p in predictions]
        self.stdout.write(f"已发布模型在 {options['input']} 上的表现（{len(rows)} 条）：")
        self.stdout.write(
            classification_report(truth, predicted, labels=load_model().categories, digits=4, zero_division=0)
        )

    # -- batch analyses -----------------------------------------------------------------------------------

    def _read(self, options, names, text=("title", "detail")):
        columns = {name: options[f"column_{name}"] for name in names}
        source = Path(options["input"]).name
        rows = read_table(options["input"], options["encoding"])
        require_columns(rows, columns.values(), source)
        require_text(rows, [columns[name] for name in text], source)
        return rows, columns

    def _predict(self, rows, columns):
        from civicgrid.insight.classifier import load_model

        model = load_model()
        predictions = []
        with _progress(len(rows), "分类") as bar:
            for start in range(0, len(rows), BATCH):
                batch = rows[start : start + BATCH]
                predictions += model.predict(
                    [row[columns["title"]] for row in batch], [row[columns["detail"]] for row in batch]
                )
                bar.update(len(batch))
        return predictions

    def _classify(self, options):
        rows, columns = self._read(options, ("title", "detail"))
        for row, prediction in zip(rows, self._predict(rows, columns), strict=True):
            row["predicted_category"] = prediction.category
            row["confidence"] = f"{prediction.confidence:.4f}"
            row["dispatcher_decides"] = "是" if prediction.dispatcher_decides else "否"
        self._write(options["output"], rows, ["predicted_category", "confidence", "dispatcher_decides"])

    def _urgent(self, options):
        from civicgrid.insight.urgent import assess_many

        rows, columns = self._read(options, ("title", "detail", "time"))
        years = []
        for number, row in enumerate(rows, start=2):
            posted = self._time(row, columns["time"], number, options["input"], required=False)
            years.append(posted.year if posted else None)
        with _progress(len(rows), "急难险重") as bar:
            for start in range(0, len(rows), BATCH):
                batch = rows[start : start + BATCH]
                messages = [
                    (row[columns["title"]], row[columns["detail"]], year)
                    for row, year in zip(batch, years[start : start + BATCH], strict=True)
                ]
                for row, result in zip(batch, assess_many(messages), strict=True):
                    row["urgent"] = "是" if result.urgent else "否"
                    row["urgent_level"] = ("确定" if result.certain else "疑似") if result.urgent else ""
                    row["urgent_categories"] = "、".join(result.categories)
                    row["urgent_reason"] = result.reason
                bar.update(len(batch))
        self._write(options["output"], rows, ["urgent", "urgent_level", "urgent_categories", "urgent_reason"])

    def _reply_quality(self, options):
        from civicgrid.insight.reply_quality import score_replies

        rows, columns = self._read(
            options, ("title", "detail", "time", "reply", "reply_time"), text=("reply",)
        )
        asked = [
            self._time(row, columns["time"], n, options["input"], required=False)
            for n, row in enumerate(rows, 2)
        ]
        answered = [
            self._time(row, columns["reply_time"], n, options["input"], required=False)
            for n, row in enumerate(rows, 2)
        ]
        self.stderr.write(f"正在为 {len(rows)} 条答复打分……")
        scores = score_replies(
            [f"{row[columns['title']]} {row[columns['detail']]}" for row in rows],
            [row[columns["reply"]] for row in rows],
            asked,
            answered,
            good_days=options["good_days"],
            bad_days=options["bad_days"],
        )
        for row, score in zip(rows, scores, strict=True):
            row.update(
                relevance=f"{score.relevance:.3f}",
                completeness=f"{score.completeness:.3f}",
                interpretability=f"{score.interpretability:.3f}",
                timeliness="" if score.timeliness is None else f"{score.timeliness:.3f}",
                boilerplate="是" if score.boilerplate else "否",
                evasive="是" if score.evasive else "否",
                flags=score.flags,
            )
        added = [
            "relevance",
            "completeness",
            "interpretability",
            "timeliness",
            "boilerplate",
            "evasive",
            "flags",
        ]
        self._write(options["output"], rows, added)

    def _hot_issues(self, options):
        from civicgrid.insight import hot_issues

        names = ("id", "user", "title", "time", "detail", "likes", "dislikes")
        rows, columns = self._read(options, names)
        messages = [
            hot_issues.Message(
                row[columns["id"]],
                row[columns["user"]],
                row[columns["title"]],
                row[columns["detail"]],
                self._time(row, columns["time"], number, options["input"], required=True),
                self._count(row, columns["likes"], number, options["input"]),
                self._count(row, columns["dislikes"], number, options["input"]),
            )
            for number, row in enumerate(rows, start=2)
        ]
        self.stderr.write(f"正在对 {len(messages)} 条留言聚类……")
        issues = hot_issues.hot_issues(messages, top=options["top"])
        output = Path(options["output_dir"])
        write_table(output / "热点问题表.csv", hot_issues.summary_rows(issues), hot_issues.SUMMARY_COLUMNS)
        write_table(
            output / "热点问题留言明细表.csv", hot_issues.detail_rows(issues), hot_issues.DETAIL_COLUMNS
        )
        for issue in issues:
            self.stdout.write(
                f"{issue.rank}. 热度 {issue.heat:.2f}  {issue.time_range}  {issue.location}  "
                f"{issue.description}"
                f"（{len(issue.messages)} 条留言，{issue.factors['reporters']} 位留言人）"
            )
        self.stdout.write(f"已写入 {output / '热点问题表.csv'} 和 {output / '热点问题留言明细表.csv'}")

    # -- helpers ------------------------------------------------------------------------------------------

    @staticmethod
    def _time(row, column, number, source, required):
        from civicgrid.insight.hot_issues import parse_time

        value = (row.get(column) or "").strip()
        if not value and not required:
            return None
        try:
            return parse_time(value)
        except ValueError:
            raise InputError(
                f"{Path(source).name} 第 {number} 行的 {column}“{value}”不是有效时间"
                "（应为 YYYY-MM-DD HH:MM:SS）。"
            ) from None

    @staticmethod
    def _count(row, column, number, source):
        value = (row.get(column) or "0").strip() or "0"
        try:
            return int(float(value))
        except ValueError:
            raise InputError(f"{Path(source).name} 第 {number} 行的 {column}“{value}”不是数字。") from None

    def _write(self, path, rows, added):
        fieldnames = list(dict.fromkeys([*rows[0].keys(), *added]))
        write_table(path, rows, fieldnames)
        self.stdout.write(f"已写入 {path}（{len(rows)} 行）")
