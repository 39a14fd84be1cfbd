"""The dependency network the passes walk: leaf tasks, summary nodes, expanded links, one topological order.

Links on summaries follow Microsoft Project: a link *to* a summary constrains every task under it, so
it is expanded to each of them; a link *from* a summary reads the summary's rolled-up dates, so the
summary becomes a node of its own that comes after all the tasks under it. The order is computed
once, iteratively (no recursion), and a cycle is reported with the tasks in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tripod.scheduling.codes import ELAPSED_LAG, LINK_CODES, WORKING_LAG
from tripod.scheduling.errors import CycleError, ModelError
from tripod.scheduling.model import LagUnit, Link, Task

Edge = tuple[int, int, int, int]
"""(other node, link type code, lag kind, lag in seconds)."""


@dataclass
class Network:
    """Nodes ``0..leaves-1`` are the scheduled tasks, the rest are summaries with outgoing links."""

    uids: list[int]
    leaves: int
    preds: list[list[Edge]]
    succs: list[list[Edge]]
    members: dict[int, list[int]]
    ancestors: dict[int, list[int]]
    order: list[int]


def build_network(
    leaves: Sequence[Task],
    summaries: dict[int, list[int]],
    links: Sequence[Link],
    durations: dict[int, int],
    names: dict[int, str],
) -> Network:
    """Build the network of ``leaves`` (tasks to schedule) and the links between them.

    ``summaries`` maps a summary uid to the uids of the leaf tasks under it; ``durations`` gives the
    working seconds used for percent lags.
    """
    leaf_node = {task.uid: i for i, task in enumerate(leaves)}
    uids = [task.uid for task in leaves]
    summary_node: dict[int, int] = {}
    members: dict[int, list[int]] = {}

    def pred_node(uid: int) -> int:
        node = leaf_node.get(uid)
        if node is not None:
            return node
        node = summary_node.get(uid)
        if node is None:
            node = len(uids)
            uids.append(uid)
            summary_node[uid] = node
            members[node] = [leaf_node[m] for m in summaries[uid]]
        return node

    preds: list[list[Edge]] = [[] for _ in uids]
    succs: list[list[Edge]] = [[] for _ in uids]
    working = LagUnit.WORKING
    leaf_of = leaf_node.get
    codes = LINK_CODES
    forward_only = True  # every link goes from an earlier task to a later one
    for link in links:
        p = leaf_of(link.pred)
        s = leaf_of(link.succ)
        if p is not None and s is not None and link.lag_unit is working:
            # The common link, between two tasks with a working-time lag.
            if p == s:
                raise CycleError([link.pred], [names.get(link.pred, "")])
            code = codes[link.type]
            lag = link.lag
            lag = round(lag * 60) if lag else 0
            if p > s:
                forward_only = False
            preds[s].append((p, code, WORKING_LAG, lag))
            succs[p].append((s, code, WORKING_LAG, lag))
            continue
        if link.pred == link.succ:
            raise CycleError([link.pred], [names.get(link.pred, "")])
        known_pred = p is not None or link.pred in summaries
        known_succ = s is not None or link.succ in summaries
        if not known_pred or not known_succ:
            if link.pred not in names or link.succ not in names:
                missing = link.pred if link.pred not in names else link.succ
                raise ModelError(f"link {link.pred}->{link.succ}: unknown task {missing}")
            continue  # a link to or from an inactive task, or to an empty summary, is ignored
        if link.pred in summaries and not summaries[link.pred]:
            continue
        if p is None:
            before = len(uids)
            p = pred_node(link.pred)
            if len(uids) > before:
                preds.append([])
                succs.append([])
        targets = [s] if s is not None else [leaf_node[m] for m in summaries[link.succ]]
        if link.lag_unit is LagUnit.PERCENT:
            kind, lag = WORKING_LAG, round(durations.get(link.pred, 0) * link.lag / 100.0)
        else:
            kind = ELAPSED_LAG if link.lag_unit is LagUnit.ELAPSED else WORKING_LAG
            lag = round(link.lag * 60)
        code = LINK_CODES[link.type]
        for target in targets:
            if target == p:
                raise CycleError([uids[p]], [names.get(uids[p], "")])
            if p > target:
                forward_only = False
            preds[target].append((p, code, kind, lag))
            succs[p].append((target, code, kind, lag))

    ancestors: dict[int, list[int]] = {}
    for node, leaf_nodes in members.items():
        for leaf in leaf_nodes:
            ancestors.setdefault(leaf, []).append(node)
    # Plans usually list predecessors first: then the outline order is already topological.
    ordered = forward_only and not members
    order = list(range(len(uids))) if ordered else topological_order(succs, ancestors, uids, names)
    return Network(uids, len(leaves), preds, succs, members, ancestors, order)


def topological_order(
    succs: list[list[Edge]], rollups: dict[int, list[int]], uids: Sequence[int], names: dict[int, str]
) -> list[int]:
    """Kahn's algorithm: links, and each task before the summaries above it; raises CycleError."""
    size = len(succs)
    indegree = [0] * size
    for edges in succs:
        for edge in edges:
            indegree[edge[0]] += 1
    for ups in rollups.values():
        for up in ups:
            indegree[up] += 1
    ready = [node for node in range(size - 1, -1, -1) if indegree[node] == 0]
    order: list[int] = []
    append = order.append
    pop = ready.pop
    push = ready.append
    while ready:
        node = pop()
        append(node)
        for edge in succs[node]:
            t = edge[0]
            indegree[t] -= 1
            if indegree[t] == 0:
                push(t)
        above = rollups.get(node)
        if above:
            for t in above:
                indegree[t] -= 1
                if indegree[t] == 0:
                    push(t)
    if len(order) < size:
        after = [[e[0] for e in edges] + rollups.get(i, []) for i, edges in enumerate(succs)]
        cycle = find_cycle(after, [i for i in range(size) if indegree[i] > 0])
        seen: list[int] = []
        for node in cycle:
            if uids[node] not in seen:
                seen.append(uids[node])
        raise CycleError(seen, [names.get(uid, "") for uid in seen])
    return order


def find_cycle(after: list[list[int]], remaining: list[int]) -> list[int]:
    """A cycle among ``remaining`` nodes (each has a predecessor among them), in link order."""
    alive = set(remaining)
    before: dict[int, int] = {}
    for node in remaining:
        for t in after[node]:
            if t in alive and t not in before:
                before[t] = node
    node = remaining[0]
    position: dict[int, int] = {}
    path: list[int] = []
    while node not in position:
        position[node] = len(path)
        path.append(node)
        node = before[node]
    cycle = path[position[node] :]
    cycle.reverse()
    return cycle
