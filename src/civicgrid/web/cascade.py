"""Linked selects over a tree (categories 一级 → 二级 → 三级, grids 街道 → 社区 → 居民小组): each level offers
the children of the choice above it. The page re-draws the selects through htmx whenever one changes, sending
the selects' own values, so a form rebuilt from those values offers exactly the choices the person saw."""

from collections.abc import Callable, Iterable, Sequence

from django import forms
from django.core.exceptions import ValidationError


def path_ids(path: str) -> list[int]:
    """The ids of a materialised path ("/3/17/45/"), from the root down."""
    return [int(part) for part in path.strip("/").split("/") if part]


class TreeLevels:
    """Adds one select per level to `form` (`<prefix>_1`, `<prefix>_2`, …). `children(parent)` gives the nodes
    (with `pk` and `name`) under a node; under `top` for the first level. `initial` holds the ids chosen at
    each level, top first, for an unbound form; `option_label(node, parent)` is what an option reads."""

    def __init__(
        self,
        form: forms.Form,
        *,
        prefix: str,
        labels: Sequence[str],
        children: Callable[[object | None], Iterable],
        top=None,
        prompt: str = "请选择",
        initial: Sequence[int] = (),
        option_label: Callable[[object, object | None], str] = lambda node, parent: node.name,
    ) -> None:
        self.form = form
        self.names = [f"{prefix}_{depth}" for depth in range(1, len(labels) + 1)]
        self.labels = list(labels)
        for name, pk in zip(self.names, initial, strict=False):
            form.initial.setdefault(name, pk)
        # Each level's nodes by id; `reached` is the deepest node chosen so far (None: nothing chosen).
        self.options: list[dict[int, object]] = []
        self.reached = None
        parent = top
        for depth, (name, level_label) in enumerate(zip(self.names, self.labels, strict=True)):
            nodes = {node.pk: node for node in children(parent)} if depth == 0 or parent is not None else {}
            self.options.append(nodes)
            blank = prompt if depth == 0 else "（不细分）"
            form.fields[name] = forms.TypedChoiceField(
                label=level_label,
                choices=[("", blank), *((pk, option_label(node, parent)) for pk, node in nodes.items())],
                coerce=int,
                empty_value=None,
                required=False,
            )
            parent = nodes.get(self._chosen(name))
            if parent is not None:
                self.reached = parent

    def _chosen(self, name: str) -> int | None:
        source = self.form.data if self.form.is_bound else self.form.initial
        value = source.get(self.form.add_prefix(name))
        return int(value) if str(value or "").isdigit() else None

    @property
    def fields(self) -> list[forms.BoundField]:
        return [self.form[name] for name in self.names]

    def deepest(self, cleaned: dict):
        """The deepest node chosen in the cleaned data, each level checked against the one above."""
        node = None
        for name, label, nodes in zip(self.names, self.labels, self.options, strict=True):
            pk = cleaned.get(name)
            if pk is None:
                break
            if pk not in nodes:
                raise ValidationError(f"{label}与上一级不符，请重新选择。")
            node = nodes[pk]
        return node
