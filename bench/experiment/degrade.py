#!/usr/bin/env python3
"""Lower-quality documents for the ranking experiment's benchmark corpus, made from the same sentences as
bench/gen_corpus.py's clean ones, so that what separates them is quality, not vocabulary.

Kinds (each a quarter): word salad (the words of each real sentence in random order, its punctuation
kept, so it passes the heuristic filters and only a language model can tell), boilerplate-wrapped
(real paragraphs between navigation, cookie and footer lines), fragments (sentences cut mid-way,
run together without punctuation), and repeated (one or two sentences many times).
Usage: degrade.py OUT.jsonl SIZE_MB [--seed N] [--sources DIR]
"""
import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from gen_corpus import load_sentences  # noqa: E402

BOILERPLATE_EN = [
    "Home | About | Contact | Privacy Policy | Terms of Use",
    "We use cookies to improve your experience. Accept all | Manage settings",
    "Sign in to continue reading. Create a free account",
    "Share this: Facebook Twitter Email Print",
    "Copyright 2026 All rights reserved.",
    "Related posts: Top 10 tips you need to know | Click here for more",
    "Advertisement",
    "Subscribe to our newsletter for the latest deals!",
]
BOILERPLATE_ZH = [
    "首页 | 关于我们 | 联系我们 | 隐私政策 | 网站地图",
    "本网站使用cookie以改善您的体验。接受 | 设置",
    "登录后查看全文，立即注册",
    "分享到：微信 微博 QQ空间",
    "版权所有 © 2026 保留所有权利",
    "相关阅读：点击这里查看更多精彩内容",
    "广告",
    "扫码关注公众号，获取最新优惠！",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("size_mb", type=float)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sources", default=os.path.join(os.path.dirname(__file__), "..", "..", "samples"))
    args = parser.parse_args()
    english, chinese = load_sentences(args.sources)
    rng = random.Random(args.seed)
    target = int(args.size_mb * 1e6)
    written = number = 0
    kinds = ["word_salad", "boilerplate_wrapped", "fragments", "repeated"]
    with open(args.out, "w", encoding="utf-8") as out:
        while written < target:
            number += 1
            zh = rng.random() < 0.3
            pool = chinese if zh else english
            joiner = "" if zh else " "
            kind = kinds[number % len(kinds)]
            if kind == "word_salad":
                # Each sentence's words (characters in Chinese) in random order, its final punctuation kept:
                # the statistics the heuristic filters measure stay those of prose; only the order is lost,
                # which is what a reference language model notices.
                paragraphs = []
                for _ in range(rng.randint(2, 8)):
                    sentences = []
                    for sentence in (rng.choice(pool).strip() for _ in range(rng.randint(2, 7))):
                        end = sentence[-1] if sentence[-1] in ".!?。！？" else ""
                        units = list(sentence[:-1] if end else sentence) if zh else (sentence[:-1] if end else sentence).split()
                        rng.shuffle(units)
                        if not zh:
                            units = [units[0][:1].upper() + units[0][1:]] + [u.lower() if u[:1].isupper() and u[1:].islower() else u for u in units[1:]]
                        sentences.append(joiner.join(units) + end)
                    paragraphs.append(joiner.join(sentences))
                text = "\n\n".join(paragraphs)
            elif kind == "boilerplate_wrapped":
                lines = BOILERPLATE_ZH if zh else BOILERPLATE_EN
                body = [joiner.join(rng.choice(pool).strip() for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(1, 3))]
                text = "\n".join(rng.sample(lines, 4) + body + rng.sample(lines, 4))
            elif kind == "fragments":
                parts = []
                for _ in range(rng.randint(6, 20)):
                    sentence = rng.choice(pool).strip()
                    cut = rng.randint(max(2, len(sentence) // 4), max(3, len(sentence) // 2))
                    parts.append(sentence[:cut].rstrip(".。!?！？,，"))
                text = joiner.join(parts)
            else:
                chosen = [rng.choice(pool).strip() for _ in range(rng.randint(1, 2))]
                text = "\n".join(rng.choice(chosen) for _ in range(rng.randint(8, 20)))
            record = {"id": f"degraded-{number:09d}", "text": text, "kind": kind, "lang": "zh" if zh else "en"}
            line = json.dumps(record, ensure_ascii=False) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
    print(f"{args.out}: {number} documents, {written / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
