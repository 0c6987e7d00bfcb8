"""Addresses written in words: the compound (小区) an address names, for appeals that come without a point."""

from collections import Counter, defaultdict

from .models import Compound


class CompoundNames:
    """The compound an address names, by its longest known compound name; names shared by several compounds
    say nothing and are left out. Indexed by each name's first two characters, so one address costs a look-up
    per character rather than a scan of every name."""

    def __init__(self) -> None:
        counts = Counter()
        found: dict[str, tuple[int, int]] = {}
        for pk, name, grid_id in Compound.objects.values_list("pk", "name", "grid_id"):
            counts[name] += 1
            found[name] = (pk, grid_id)
        self.by_prefix: dict[str, list[tuple[str, tuple[int, int]]]] = defaultdict(list)
        for name, place in found.items():
            if counts[name] == 1 and len(name) >= 2:
                self.by_prefix[name[:2]].append((name, place))
        for names in self.by_prefix.values():
            names.sort(key=lambda item: -len(item[0]))

    def find(self, address: str) -> tuple[int, int] | None:
        """(compound id, grid id) of the longest compound name in the address."""
        best: tuple[str, tuple[int, int]] | None = None
        for start in range(len(address) - 1):
            for name, place in self.by_prefix.get(address[start : start + 2], ()):
                if address.startswith(name, start) and (best is None or len(name) > len(best[0])):
                    best = (name, place)
                    break
        return best[1] if best else None


def compound_named_in(address: str) -> tuple[int, int] | None:
    """(compound id, grid id) of the compound an address names, if exactly one compound bears that name."""
    return CompoundNames().find(address) if address.strip() else None
