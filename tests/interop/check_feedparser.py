"""Parses each feed with Debian's python3-feedparser and checks it against what the API says.

Reads JSON from stdin: [{"url": ..., "titles": [...]}, ...]. Prints one line per feed and exits 1
if any feed is not clean (bozo != 0) or its entries are not the expected ones, in order.
"""
import json
import sys

import feedparser

failures = 0
for feed in json.load(sys.stdin):
    parsed = feedparser.parse(feed["url"])
    titles = [entry.get("title") for entry in parsed.entries]
    problems = []
    if parsed.bozo:
        problems.append(f"bozo={parsed.bozo} ({parsed.get('bozo_exception')})")
    if titles != feed["titles"]:
        problems.append(f"titles differ: got {titles[:3]}... ({len(titles)}), expected {feed['titles'][:3]}... ({len(feed['titles'])})")
    if parsed.get("status") != 200:
        problems.append(f"status {parsed.get('status')}")
    verdict = "FAIL " + "; ".join(problems) if problems else "ok"
    print(f"feedparser {parsed.version or '?':8} bozo={parsed.bozo} entries={len(parsed.entries):3} {feed['url']} {verdict}")
    failures += bool(problems)
sys.exit(1 if failures else 0)
