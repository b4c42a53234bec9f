#!/usr/bin/env python3
"""Split a campaign contact list (CSV, header row starting with `number`) into one file
per node, so that no contact is dialled by two nodes.

    Scripts/cluster/split-contacts.py contacts.csv NODE_COUNT [OUT_DIR]
    Scripts/cluster/split-contacts.py --owner NODE_COUNT +14155550101 ...

A contact belongs to node  stable_hash(number) mod NODE_COUNT,  where `number` is the
canonical E.164 form (`+` and digits; spaces, dashes, dots and parentheses removed, as the
campaign loader does) and stable_hash is FNV-1a 64 over its UTF-8 bytes with the
SplitMix64 finaliser: ParleyCampaign's VariantAssigner.stableHash, the same on every
machine and run. The hash covers the number only (not the campaign id), so a contact
belongs to the same node in every campaign, and that node's store holds all of its dial
history (frequency cap, do-not-call, retries).

Writes OUT_DIR/<name>.node-<i>-of-<N>.csv (default OUT_DIR: next to the input), each with
the input's header row, rows in input order, and prints the count per node.
"""
import csv
import os
import re
import sys

MASK = (1 << 64) - 1


def stable_hash(text: str) -> int:
    h = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        h ^= byte
        h = (h * 0x00000100000001B3) & MASK
    h ^= h >> 30
    h = (h * 0xBF58476D1CE4E5B9) & MASK
    h ^= h >> 27
    h = (h * 0x94D049BB133111EB) & MASK
    h ^= h >> 31
    return h


def canonical(number: str) -> str:
    return re.sub(r"[\s\-.()]", "", number.strip())


def owner(number: str, node_count: int) -> int:
    return stable_hash(canonical(number)) % node_count


def main(argv):
    if len(argv) >= 3 and argv[0] == "--owner":
        count = int(argv[1])
        for number in argv[2:]:
            print(f"{canonical(number)} node {owner(number, count)} of {count}")
        return 0
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    path, count = argv[0], int(argv[1])
    if count < 1:
        print("split-contacts: NODE_COUNT must be at least 1", file=sys.stderr)
        return 2
    out_dir = argv[2] if len(argv) == 3 else os.path.dirname(os.path.abspath(path))
    os.makedirs(out_dir, exist_ok=True)
    base = os.path.splitext(os.path.basename(path))[0]
    with open(path, newline="", encoding="utf-8-sig") as source:
        rows = list(csv.reader(source))
    if not rows or not rows[0] or rows[0][0].strip().lower() != "number":
        print(f"split-contacts: {path}: the header row must start with 'number'", file=sys.stderr)
        return 1
    header, parts = rows[0], [[] for _ in range(count)]
    for row in rows[1:]:
        if not row or not row[0].strip():
            continue
        parts[owner(row[0], count)].append(row)
    for index, part in enumerate(parts):
        target = os.path.join(out_dir, f"{base}.node-{index}-of-{count}.csv")
        with open(target, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(part)
        print(f"node {index}: {len(part)} contacts -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
