#!/usr/bin/env python3
"""Golden statistics from datatrove 0.10.1 for the parity test (Tests/FiltersTests/ParityTests.swift).

For each English document it records every statistic that datatrove's GopherQuality, GopherRepetition,
C4Quality and FineWebQuality filters read, computed with datatrove's own tokenizer (spaCy's blank
English pipeline), helper functions and constants, plus each filter's verdict from running the filter
itself. The C4 line counters come from re-running the filter's line loop without its early exits, so
that every line of a page is classified (the filter stops at the first lorem-ipsum or '{' line).

Documents: the English documents of samples/ (clean, crawl junk, WET pages) and a few written here
to exercise edge cases (bullets, ellipses, line separators, citations, policies, code).

Usage (with the peers' venv, see ../shared/peers/setup.sh):
  VENV/bin/python bench/parity/datatrove_stats.py Tests/Fixtures/parity/datatrove-0.10.1-en.jsonl
"""
import gzip
import json
import os
import random
import sys

import datatrove
from datatrove.data import Document
from datatrove.pipeline.filters import C4QualityFilter, FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter
from datatrove.pipeline.filters.c4_filters import CITATION_REGEX, ELLIPSIS, END_PUNCTUATION, POLICY_SUBSTRINGS
from datatrove.pipeline.filters.gopher_quality_filter import STOP_WORDS
from datatrove.pipeline.filters.gopher_repetition_filter import find_all_duplicate, find_duplicates, find_top_duplicate, get_n_grams
from datatrove.utils.text import PUNCTUATION_SET, TERMINAL_PUNCTUATION, split_into_sentences, split_into_words

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


# MARK: documents

def read_jsonl(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def read_zstd_jsonl(path):
    import zstandard
    with open(path, "rb") as handle:
        data = zstandard.ZstdDecompressor().stream_reader(handle).read()
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]


def read_wet(path):
    """Conversion records of a WET file (gzip members), as (uri, body)."""
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    records = []
    position = 0
    while True:
        start = data.find(b"WARC/1.0\r\n", position)
        if start < 0:
            break
        header_end = data.index(b"\r\n\r\n", start)
        headers = dict(line.split(": ", 1) for line in data[start:header_end].decode().split("\r\n")[1:])
        length = int(headers["Content-Length"])
        body = data[header_end + 4: header_end + 4 + length]
        position = header_end + 4 + length
        if headers.get("WARC-Type") == "conversion":
            records.append((headers.get("WARC-Identified-Content-Language"), headers["WARC-Target-URI"], body.decode("utf-8")))
    return records


EDGE_CASES = [
    # Bulleted lists with different markers, some lines ending in an ellipsis.
    "Shopping list for the week\n• bread from the corner bakery\n• two litres of milk\n- fresh spinach and kale\n* a bag of lentils\n"
    "• coffee beans, medium roast\nRemember the receipts...\nAnd the loyalty card…\n" * 3,
    # Hash tags and ellipses inside lines; Windows line endings.
    "#news #local The council met on Tuesday evening to discuss the new cycle lanes.\r\nResidents asked questions... many questions.\r\n"
    "The chair said the plan would be published online.\r\nA vote is expected next month. #cycling #citylife\r\n" * 4,
    # Unicode line separators, vertical tab, form feed and NEL, which str.splitlines() also splits on.
    "First paragraph of the report ends here.\u2028Second line after a line separator.\u2029Third after a paragraph separator."
    "\x0bFourth after a vertical tab.\x0cFifth after a form feed.\x85Sixth after a next-line character. "
    "The remaining sentences make this long enough to be counted as a document with enough words in it.",
    # Wikipedia-style citations, which C4 removes before checking the line end.
    "The bridge opened in 1932 and carried trams until 1961.[3]\nIt was widened twice, in 1970 and in 1994.[citation needed]\n"
    "The original lamps were restored by volunteers.[edit]\nA plaque on the north side names the engineers who built it.[12]\n"
    "Local schools still visit it on history walks every spring.[]\nThe river below is shallow enough to wade in summer.",
    # Policy lines, a JavaScript notice and a lorem ipsum line among good ones.
    "Our museum is open every day except Monday from ten until six.\nPlease enable JavaScript to see the opening calendar.\n"
    "We use cookies to improve this site, see our cookie policy for details.\nBy visiting you accept the terms of use of this website.\n"
    "The collection holds more than four thousand maps and charts.\nGuided tours start at the main entrance every hour.\n"
    "Lorem ipsum dolor sit amet, the placeholder text was never replaced.\nChildren under twelve enter for free with an adult.",
    # Code in a page: C4's curly bracket rule, only for lines that survive the earlier line rules.
    "To configure the tool, add a section to the settings file.\nThe section looks like this: { \"mode\": \"fast\" }.\n"
    "Restart the service after saving the file.\nLogs are written to the usual place on every start.\n"
    "If the service does not start, check the permissions of the directory.\nMore help is available in the manual.",
    # Duplicated paragraphs and lines.
    "Breaking news from the harbour this morning.\n\nBreaking news from the harbour this morning.\n\n"
    "The ferry service resumed after the storm passed overnight.\nThe ferry service resumed after the storm passed overnight.\n"
    "Passengers were told to expect delays until noon.\n\n\n\nPassengers were told to expect delays until noon.",
    # Leading and trailing blank lines, trailing spaces on lines, tabs.
    "\n\n  \tThe garden club meets on the first Saturday of each month.   \nMembers bring cuttings to swap with each other.\t\n"
    "This year the theme is plants that need little water.  \nNew members are always welcome at the meetings.\n\n\n",
    # A word over 1,000 characters (C4 drops the line).
    "Most lines here are ordinary sentences about the weather today.\n" + "a" * 1200 + " is not a real word.\n"
    "The forecast says rain will arrive by the evening.\nUmbrellas are recommended for the walk home tonight.",
    # Non-ASCII punctuation: curly quotes, dashes, a full-width stop and other sentence terminals.
    "“We will rebuild the pier,” the mayor said — and she meant it.\nWork starts in May; it should take a year…\n"
    "Visitors asked: “Will the café stay open?” The answer was yes!\nThe notice in the window ended with a full stop．\n"
    "Some signs were also written in Chinese：码头将于明年重新开放。\nOthers were printed in Hindi। and in Arabic؟",
    # Short lines that look like a menu.
    "Home\nAbout\nServices\nBlog\nContact\nLogin\nThe company was founded in 1998 by two engineers from the town.\n"
    "Today it employs forty people in three offices across the region.",
    # A document of only symbols and numbers.
    "### 2024 ### 2025 ###\n--- 10 / 20 / 30 ---\n... ... ...\n1234 5678 9012",
]


def documents():
    docs = []
    for name in ("en/science.jsonl", "en/everyday.jsonl"):
        for record in read_jsonl(os.path.join(ROOT, "samples", name)):
            docs.append(("samples/" + name + "#" + record["id"], record["text"]))
    for name in sorted(os.listdir(os.path.join(ROOT, "samples", "txt"))):
        if name.startswith("en"):
            with open(os.path.join(ROOT, "samples", "txt", name), encoding="utf-8") as handle:
                docs.append(("samples/txt/" + name, handle.read()))
    for record in read_zstd_jsonl(os.path.join(ROOT, "samples", "web", "crawl-en.jsonl.zst")):
        docs.append(("samples/web/crawl-en.jsonl.zst#" + record["id"], record["text"]))
    for language, uri, body in read_wet(os.path.join(ROOT, "samples", "wet", "CC-SAMPLE-2026-11.warc.wet.gz")):
        if language == "eng":
            docs.append(("samples/wet#" + uri, body))
    for index, text in enumerate(EDGE_CASES, start=1):
        docs.append(("edge-case-%02d" % index, text))
    # Recombined paragraphs of clean documents: longer pages with repeated passages.
    rng = random.Random(20261123)
    paragraphs = [p for _, text in docs[:110] for p in text.split("\n\n")]
    for index in range(1, 41):
        parts = [rng.choice(paragraphs) for _ in range(rng.randint(2, 7))]
        if index % 4 == 0:
            parts.append(parts[0])  # a repeated paragraph
        docs.append(("recombined-%02d" % index, "\n\n".join(parts)))
    return docs


# MARK: statistics, computed as datatrove's filters compute them

def gopher_quality(text):
    words = split_into_words(text, "en")
    non_symbol = [w for w in words if any(ch not in PUNCTUATION_SET for ch in w)]
    lines = text.splitlines()
    return {
        "tokens": len(words),
        "non_symbol_words": len(non_symbol),
        "mean_word_length": sum(len(w) for w in non_symbol) / len(non_symbol) if non_symbol else 0.0,
        "hash_count": text.count("#"),
        "ellipsis_count": text.count("...") + text.count("…"),
        "lines": len(lines),
        "bullet_lines": sum(s.lstrip().startswith("•") or s.lstrip().startswith("-") for s in lines),
        "ellipsis_lines": sum(s.rstrip().endswith("...") or s.rstrip().endswith("…") for s in lines),
        "alpha_words": sum(any(c.isalpha() for c in w) for w in words),
        "stop_words": len(set(STOP_WORDS).intersection(set(words))),
    }


def gopher_repetition(text):
    import re
    paragraphs = re.compile(r"\n{2,}").split(text.strip())
    paragraph_dups, paragraph_chars = find_duplicates(paragraphs)
    lines = re.compile("\n+").split(text)
    line_dups, line_chars = find_duplicates(lines)
    words = split_into_words(text, "en")
    stats = {
        "characters": len(text), "paragraphs": len(paragraphs), "dup_paragraphs": paragraph_dups,
        "dup_paragraph_chars": paragraph_chars, "line_pieces": len(lines), "dup_lines": line_dups,
        "dup_line_chars": line_chars,
    }
    for n in (2, 3, 4):
        grams = get_n_grams(words, n)
        stats["top_%dgram_chars" % n] = find_top_duplicate(grams) if grams else 0
    for n in (5, 6, 7, 8, 9, 10):
        stats["dup_%dgram_chars" % n] = find_all_duplicate(words, n)
    return stats


def c4(text):
    """C4QualityFilter's line loop with its default settings, classifying every line."""
    stats = dict.fromkeys(["lines", "lines_long_word", "lines_no_terminal", "lines_few_words", "lines_javascript",
                           "lines_policy", "kept_lines", "sentences", "lorem_ipsum", "curly_bracket"], 0)
    for line in text.splitlines():
        stats["lines"] += 1
        line = line.strip()
        words = line.split()
        if any(len(word) > 1000 for word in words):
            stats["lines_long_word"] += 1
            continue
        line = CITATION_REGEX.sub("", line)
        if not line.endswith(END_PUNCTUATION) or line.endswith(ELLIPSIS):
            stats["lines_no_terminal"] += 1
            continue
        if len(words) < 3:
            stats["lines_few_words"] += 1
            continue
        lower = line.lower()
        lorem = "lorem ipsum" in lower
        if lorem:
            stats["lorem_ipsum"] = 1
        elif "javascript" in lower:
            stats["lines_javascript"] += 1
            continue
        curly = "{" in line
        if curly:
            stats["curly_bracket"] = 1
        if not lorem and not curly and any(p in lower for p in POLICY_SUBSTRINGS):
            stats["lines_policy"] += 1
            continue
        stats["sentences"] += len(split_into_sentences(line, "en"))
        stats["kept_lines"] += 1
    return stats


def fineweb(text):
    lines = [line for line in text.split("\n") if line.strip() != ""]
    stop_chars = tuple(TERMINAL_PUNCTUATION)
    return {
        "lines": len(lines),
        "punct_lines": sum(1 for line in lines if line.endswith(stop_chars)),
        "short_lines": sum(1 for line in lines if len(line) <= 30),
        "dup_line_chars": find_duplicates(lines)[1],
        "chars_without_newlines": len(text.replace("\n", "")),
        "newlines": text.count("\n"),
        "words": len(split_into_words(text, "en")),
    }


def check_c4_counters(text, stats, verdict):
    """The re-run line loop must agree with the filter's own counters (when the filter did not stop early)."""
    if verdict in ("lorem_ipsum", "curly_bracket"):
        return
    c4_filter = C4QualityFilter()
    c4_filter.filter(Document(text=text, id="x"))
    counters = {key: value.total for key, value in c4_filter.stats.stats.items()}
    for counter, name in (("line-total", "lines"), ("line-filter-too_long_word", "lines_long_word"),
                          ("line-filter-no_terminal_punc", "lines_no_terminal"), ("line-filter-too_few_words", "lines_few_words"),
                          ("line-filter-javascript", "lines_javascript"), ("line-filter-policy", "lines_policy"),
                          ("line-kept", "kept_lines")):
        assert counters.get(counter, 0) == stats[name], (counter, counters.get(counter, 0), stats[name], text[:80])


def verdicts(text):
    result = {}
    for name, make in (("gopher_quality", GopherQualityFilter), ("gopher_repetition", GopherRepetitionFilter),
                       ("c4", C4QualityFilter), ("fineweb", FineWebQualityFilter)):
        try:
            outcome = make().filter(Document(text=text, id="x"))
        except ZeroDivisionError:
            outcome = (False, "ZeroDivisionError")
        result[name] = "keep" if outcome is True else outcome[1]
    return result


def main():
    out = sys.argv[1]
    rows = []
    for source, text in documents():
        row_verdicts = verdicts(text)
        check_c4_counters(text, c4(text), row_verdicts["c4"])
        rows.append({
            "source": source,
            "text": text,
            "datatrove": {"gopher_quality": gopher_quality(text), "gopher_repetition": gopher_repetition(text),
                          "c4": c4(text), "fineweb": fineweb(text)},
            "verdicts": row_verdicts,
        })
    with open(out, "w", encoding="utf-8") as handle:
        header = {"datatrove": datatrove.__version__ if hasattr(datatrove, "__version__") else "0.10.1",
                  "terminal_punctuation": sorted(ord(c) for c in TERMINAL_PUNCTUATION),
                  "punctuation": sorted(ord(c) for c in PUNCTUATION_SET)}
        handle.write(json.dumps({"header": header}, ensure_ascii=False) + "\n")
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{out}: {len(rows)} documents")


if __name__ == "__main__":
    main()
