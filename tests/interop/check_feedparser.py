"""Parses each feed with Debian's python3-feedparser and checks it against what the API says.

Reads JSON from stdin: [{"url": ..., "titles": [...], "media": ...}, ...]. Prints one line per feed
and exits 1 if any feed is not clean (bozo != 0), its entries are not the expected ones, in order,
or (where "media" names an issue) that issue's enclosures are not the expected files: RSS's one
enclosure and its media:content cover, Atom's enclosure links.
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
    media = feed.get("media")
    if media:
        entry = next((e for e in parsed.entries if e.get("title") == media["title"]), None)
        kind = "atom" if parsed.version.startswith("atom") else "rss"
        got = [{k: v for k, v in enc.items() if k in ("href", "type", "length")} for enc in (entry or {}).get("enclosures", [])]
        if got != media[kind]:
            problems.append(f"enclosures of {media['title']!r}: got {got}, expected {media[kind]}")
        if kind == "rss" and [m.get("url") for m in (entry or {}).get("media_content", [])] != [media["cover"]]:
            problems.append(f"media:content of {media['title']!r}: got {(entry or {}).get('media_content')}")
    verdict = "FAIL " + "; ".join(problems) if problems else ("ok, enclosures ok" if media else "ok")
    print(f"feedparser {parsed.version or '?':8} bozo={parsed.bozo} entries={len(parsed.entries):3} {feed['url']} {verdict}")
    failures += bool(problems)
sys.exit(1 if failures else 0)
