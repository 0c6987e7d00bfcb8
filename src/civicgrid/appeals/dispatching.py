"""Which unit an appeal goes to: dispatch rules, most specific first.

A rule matches when each of its conditions it sets holds: the appeal's category lies in the rule's category
subtree, its grid in the rule's grid subtree, its compound is the rule's compound. Among matching rules:

1. a rule naming the appeal's compound beats every other (then the deeper category among those);
2. otherwise a property matter (a category whose name, at any level, contains a property keyword) inside a
   compound with a property company goes to that company;
3. otherwise the rule with the deeper grid wins, then the one with the deeper category; a rule without a grid
   counts as depth 0, without a category as level 0.

Two best rules of equal specificity naming different units are a conflict in the rule set: the appeal is left
to the dispatcher rather than sent by a guess (the reason says which rules). No match leaves it in the
dispatcher's queue too.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RuleView:
    rule_id: int
    unit_id: int
    category_id: int | None
    category_level: int
    grid_path: str | None
    compound_id: int | None

    def matches(self, facts: "AppealFacts") -> bool:
        return (
            (self.category_id is None or self.category_id in facts.category_ids)
            and (self.grid_path is None or (facts.grid_path or "").startswith(self.grid_path))
            and (self.compound_id is None or self.compound_id == facts.compound_id)
        )

    @property
    def specificity(self) -> tuple[int, int, int]:
        grid_depth = self.grid_path.count("/") - 1 if self.grid_path else 0
        return (self.compound_id is not None, grid_depth, self.category_level)


@dataclass(frozen=True)
class AppealFacts:
    category_ids: frozenset[int]  # the category and its ancestors
    category_names: tuple[str, ...]
    grid_path: str | None
    compound_id: int | None
    property_company_id: int | None  # of the compound, if any


@dataclass(frozen=True)
class DispatchChoice:
    unit_id: int | None
    reason: str
    rule_id: int | None = None


def is_property_matter(category_names: Iterable[str], keywords: Iterable[str]) -> bool:
    return any(keyword in name for name in category_names for keyword in keywords)


def choose_unit(
    facts: AppealFacts, rules: Sequence[RuleView], property_keywords: Sequence[str]
) -> DispatchChoice:
    matching = [rule for rule in rules if rule.matches(facts)]
    compound_rules = [rule for rule in matching if rule.compound_id is not None]
    if compound_rules:
        return _best(compound_rules)
    if facts.property_company_id and is_property_matter(facts.category_names, property_keywords):
        return DispatchChoice(facts.property_company_id, "小区物业事项，派往物业公司")
    if matching:
        return _best(matching)
    return DispatchChoice(None, "无匹配的派单规则，待人工派单")


def _best(rules: Sequence[RuleView]) -> DispatchChoice:
    top = max(rule.specificity for rule in rules)
    best = sorted((rule for rule in rules if rule.specificity == top), key=lambda rule: rule.rule_id)
    units = {rule.unit_id for rule in best}
    if len(units) > 1:
        ids = "、".join(str(rule.rule_id) for rule in best)
        return DispatchChoice(None, f"派单规则 {ids} 同等具体但指向不同单位，待人工派单")
    return DispatchChoice(best[0].unit_id, f"按派单规则 {best[0].rule_id}", best[0].rule_id)
