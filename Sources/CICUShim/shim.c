// See include/CICUShim.h. ICU is called by its plain (macro) names here, which resolve to the
// versioned symbols of the installed library.
#include "CICUShim.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <unicode/uversion.h>

struct curate_icu_analyzer {
    UBreakIterator *words;
    UBreakIterator *sentences;
    int32_t *offsets;        // byte offset in the UTF-8 input of each UTF-16 index of `utf16`
    int32_t offsets_capacity;
    const UNormalizer2 *nfkc;
    const UNormalizer2 *nfd;
    UChar *utf16;            // scratch: UTF-16 text for normalization and for the break iterators
    int32_t utf16_capacity;
    UChar *normalized16;
    int32_t normalized16_capacity;
    uint8_t *normalized8;
    int32_t normalized8_capacity;
    curate_icu_word *found;
    int32_t found_capacity;
    // What curate_icu_normalize_line does to each ASCII character (see line_class), asked of ICU once.
    int8_t ascii_class[128];
};

enum { LINE_DROP = -1, LINE_SPACE = -2 };  // ascii_class: else the byte to write

// The normalised form of one ASCII character, by the same ICU tests the general path applies (an
// ASCII character is its own NFD): dropped (a mark or punctuation), white space, or the byte written.
static int8_t line_class(UChar32 c) {
    if (u_charType(c) == U_NON_SPACING_MARK) return LINE_DROP;
    if (u_isUWhiteSpace(c)) return LINE_SPACE;
    if (u_ispunct(c)) return LINE_DROP;
    if (u_isdigit(c)) return '0';
    return (int8_t)u_tolower(c);
}

static int grow(void **buffer, int32_t *capacity, int32_t needed, size_t element) {
    if (needed <= *capacity) return 1;
    int32_t next = *capacity > 0 ? *capacity : 1024;
    while (next < needed) next *= 2;
    void *grown = realloc(*buffer, (size_t)next * element);
    if (!grown) return 0;
    *buffer = grown;
    *capacity = next;
    return 1;
}

curate_icu_analyzer *curate_icu_analyzer_create(const char *locale) {
    UErrorCode status = U_ZERO_ERROR;
    curate_icu_analyzer *a = calloc(1, sizeof(curate_icu_analyzer));
    if (!a) return NULL;
    a->words = ubrk_open(UBRK_WORD, locale, NULL, 0, &status);
    UErrorCode sentence_status = U_ZERO_ERROR;
    a->sentences = ubrk_open(UBRK_SENTENCE, locale, NULL, 0, &sentence_status);
    a->nfkc = unorm2_getNFKCInstance(&status);
    a->nfd = unorm2_getNFDInstance(&status);
    for (UChar32 c = 0; c < 128; c++) a->ascii_class[c] = line_class(c);
    if (U_FAILURE(status) || U_FAILURE(sentence_status)) {
        curate_icu_analyzer_destroy(a);
        return NULL;
    }
    return a;
}

void curate_icu_analyzer_destroy(curate_icu_analyzer *a) {
    if (!a) return;
    if (a->words) ubrk_close(a->words);
    if (a->sentences) ubrk_close(a->sentences);
    free(a->utf16);
    free(a->offsets);
    free(a->normalized16);
    free(a->normalized8);
    free(a->found);
    free(a);
}

int32_t curate_icu_nfkc(curate_icu_analyzer *a, const uint8_t *utf8, int32_t length, const uint8_t **out) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t units = 0;
    if (!grow((void **)&a->utf16, &a->utf16_capacity, length + 1, sizeof(UChar))) return -1;
    u_strFromUTF8(a->utf16, a->utf16_capacity, &units, (const char *)utf8, length, &status);
    if (U_FAILURE(status)) return -1;
    if (unorm2_quickCheck(a->nfkc, a->utf16, units, &status) == UNORM_YES && U_SUCCESS(status)) return -2;
    status = U_ZERO_ERROR;
    // NFKC can expand text (U+FDFA becomes 18 code units); retry once with the size ICU asks for.
    int32_t needed = units * 2 + 16;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!grow((void **)&a->normalized16, &a->normalized16_capacity, needed, sizeof(UChar))) return -1;
        status = U_ZERO_ERROR;
        needed = unorm2_normalize(a->nfkc, a->utf16, units, a->normalized16, a->normalized16_capacity, &status);
        if (status != U_BUFFER_OVERFLOW_ERROR) break;
    }
    if (U_FAILURE(status)) return -1;
    int32_t bytes = 0;
    if (!grow((void **)&a->normalized8, &a->normalized8_capacity, needed * 3 + 1, 1)) return -1;
    status = U_ZERO_ERROR;
    u_strToUTF8((char *)a->normalized8, a->normalized8_capacity, &bytes, a->normalized16, needed, &status);
    if (U_FAILURE(status)) return -1;
    *out = a->normalized8;
    return bytes;
}

// Letters by general category, with the CJK Unified Ideographs (all Lo) answered without a property
// lookup: in Chinese text they are nearly every character, and the lookup was 3% of quality scoring.
static inline int is_letter(UChar32 c) {
    if (c >= 0x4E00 && c <= 0x9FFF) return 1;
    return c >= 0 && u_isalpha(c);
}

static inline int is_white_space(UChar32 c) {
    if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
    if (c >= 0x4E00 && c <= 0x9FFF) return 0;
    return u_isUWhiteSpace(c);
}

// The break iterators read UTF-16: the text is converted here, with each UTF-16 index's byte offset in
// the UTF-8 input kept beside it, and the boundaries ICU returns are mapped back through that table.
// Measured on the dev corpus's 3,985 Chinese documents (11.9 MB): segmenting them through a UTF-8 UText
// took 1.43–1.53 s, through UTF-16 converted first 1.05 s, conversion included. Over UTF-8, every
// boundary ICU visits costs a native-index mapping, and the dictionary engine copies each Han run into a
// UnicodeString of its own; over one UTF-16 chunk it reads the text in place.
static int open_text(curate_icu_analyzer *a, UBreakIterator *iterator, const uint8_t *utf8, int32_t length) {
    if (!grow((void **)&a->utf16, &a->utf16_capacity, length + 1, sizeof(UChar))) return 0;
    if (!grow((void **)&a->offsets, &a->offsets_capacity, length + 1, sizeof(int32_t))) return 0;
    int32_t units = 0;
    for (int32_t i = 0; i < length;) {
        int32_t offset = i;
        UChar32 c;
        U8_NEXT(utf8, i, length, c);
        if (c < 0) c = 0xFFFD;  // an ill-formed sequence reads as one replacement character
        if (c <= 0xFFFF) {
            a->offsets[units] = offset;
            a->utf16[units++] = (UChar)c;
        } else {
            a->offsets[units] = offset;
            a->utf16[units++] = U16_LEAD(c);
            a->offsets[units] = offset;
            a->utf16[units++] = U16_TRAIL(c);
        }
    }
    a->offsets[units] = length;
    UErrorCode status = U_ZERO_ERROR;
    ubrk_setText(iterator, a->utf16, units, &status);
    return U_SUCCESS(status);
}

int32_t curate_icu_words(curate_icu_analyzer *a, const uint8_t *utf8, int32_t length, const curate_icu_word **words) {
    *words = a->found;
    if (length == 0) return 0;
    if (!open_text(a, a->words, utf8, length)) return -1;
    int32_t count = 0;
    const int32_t *at = a->offsets;
    int32_t start = at[ubrk_first(a->words)];
    for (int32_t next = ubrk_next(a->words), end; next != UBRK_DONE; start = end, next = ubrk_next(a->words)) {
        end = at[next];
        int32_t rule = ubrk_getRuleStatus(a->words);
        if (rule < UBRK_WORD_NONE_LIMIT) continue;
        if (!grow((void **)&a->found, &a->found_capacity, count + 1, sizeof(curate_icu_word))) return -1;
        curate_icu_word *w = &a->found[count++];
        w->start = start;
        w->end = end;
        w->status = rule;
        w->chars = 0;
        w->flags = CURATE_WORD_ASCII;
        for (int32_t i = start; i < end;) {
            UChar32 c;
            if (utf8[i] >= 0x80) w->flags &= ~CURATE_WORD_ASCII;
            U8_NEXT(utf8, i, end, c);
            w->chars++;
            if (is_letter(c)) w->flags |= CURATE_WORD_HAS_ALPHA;
        }
    }
    *words = a->found;
    return count;
}

int32_t curate_icu_tokens(curate_icu_analyzer *a, const uint8_t *utf8, int32_t length, const curate_icu_word **tokens) {
    *tokens = a->found;
    if (length == 0) return 0;
    if (!open_text(a, a->words, utf8, length)) return -1;
    int32_t count = 0;
    const int32_t *at = a->offsets;
    int32_t start = at[ubrk_first(a->words)];
    for (int32_t next = ubrk_next(a->words), end; next != UBRK_DONE; start = end, next = ubrk_next(a->words)) {
        end = at[next];
        // Skip segments made only of white space.
        int blank = 1;
        for (int32_t i = start; i < end;) {
            UChar32 c;
            U8_NEXT(utf8, i, end, c);
            if (c < 0 || !is_white_space(c)) { blank = 0; break; }
        }
        if (blank) continue;
        if (!grow((void **)&a->found, &a->found_capacity, count + 1, sizeof(curate_icu_word))) return -1;
        curate_icu_word *w = &a->found[count++];
        w->start = start;
        w->end = end;
        w->status = ubrk_getRuleStatus(a->words);
        w->chars = 0;
        w->flags = CURATE_WORD_ASCII;
        for (int32_t i = start; i < end;) {
            UChar32 c;
            if (utf8[i] >= 0x80) w->flags &= ~CURATE_WORD_ASCII;
            U8_NEXT(utf8, i, end, c);
            w->chars++;
            if (is_letter(c)) w->flags |= CURATE_WORD_HAS_ALPHA;
        }
    }
    *tokens = a->found;
    return count;
}

int32_t curate_icu_fold(const uint8_t *utf8, int32_t length, int lowercase, int fold_digits, uint8_t *out) {
    int32_t written = 0;
    for (int32_t i = 0; i < length;) {
        UChar32 c;
        U8_NEXT(utf8, i, length, c);
        if (c < 0) c = 0xFFFD;
        if (fold_digits && u_isdigit(c)) c = '0';
        else if (lowercase) c = u_tolower(c);
        UBool error = 0;
        U8_APPEND(out, written, length * 4 + 4, c, error);
    }
    return written;
}

// A line of only ASCII and CJK Unified Ideographs (U+4E00–9FFF: no decompositions, letters without
// case, not marks, spaces, punctuation or digits) normalises without ICU: the ASCII characters by the
// table ICU filled, the ideographs copied. Most lines of English and Chinese text are such lines; the
// rest take the general path. Both give the same bytes (Tests/TextTests check every ASCII character).
static int32_t normalize_simple_line(curate_icu_analyzer *a, const uint8_t *utf8, int32_t length, const uint8_t **out) {
    for (int32_t i = 0; i < length;) {
        if (utf8[i] < 0x80) { i++; continue; }
        UChar32 c;
        U8_NEXT(utf8, i, length, c);
        if (c < 0x4E00 || c > 0x9FFF) return -2;
    }
    if (!grow((void **)&a->normalized8, &a->normalized8_capacity, length + 4, 1)) return -1;
    int32_t written = 0;
    int pending_space = 0;
    for (int32_t i = 0; i < length;) {
        uint8_t byte = utf8[i];
        if (byte < 0x80) {
            int8_t class = a->ascii_class[byte];
            i++;
            if (class == LINE_DROP) continue;
            if (class == LINE_SPACE) { pending_space = written > 0; continue; }
            if (pending_space) { a->normalized8[written++] = ' '; pending_space = 0; }
            a->normalized8[written++] = (uint8_t)class;
        } else {
            if (pending_space) { a->normalized8[written++] = ' '; pending_space = 0; }
            a->normalized8[written++] = utf8[i++];
            a->normalized8[written++] = utf8[i++];
            a->normalized8[written++] = utf8[i++];
        }
    }
    *out = a->normalized8;
    return written;
}

int32_t curate_icu_normalize_line(curate_icu_analyzer *a, const uint8_t *utf8, int32_t length, const uint8_t **out) {
    int32_t simple = normalize_simple_line(a, utf8, length, out);
    if (simple != -2) return simple;
    return curate_icu_normalize_line_general(a, utf8, length, out);
}

int32_t curate_icu_normalize_line_general(curate_icu_analyzer *a, const uint8_t *utf8, int32_t length, const uint8_t **out) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t units = 0;
    if (!grow((void **)&a->utf16, &a->utf16_capacity, length + 1, sizeof(UChar))) return -1;
    u_strFromUTF8(a->utf16, a->utf16_capacity, &units, (const char *)utf8, length, &status);
    if (U_FAILURE(status)) return -1;
    int32_t needed = units * 3 + 16;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!grow((void **)&a->normalized16, &a->normalized16_capacity, needed, sizeof(UChar))) return -1;
        status = U_ZERO_ERROR;
        needed = unorm2_normalize(a->nfd, a->utf16, units, a->normalized16, a->normalized16_capacity, &status);
        if (status != U_BUFFER_OVERFLOW_ERROR) break;
    }
    if (U_FAILURE(status)) return -1;
    if (!grow((void **)&a->normalized8, &a->normalized8_capacity, needed * 4 + 4, 1)) return -1;
    int32_t written = 0;
    int pending_space = 0;
    for (int32_t i = 0; i < needed;) {
        UChar32 c;
        U16_NEXT(a->normalized16, i, needed, c);
        if (u_charType(c) == U_NON_SPACING_MARK) continue;          // accents
        if (u_isUWhiteSpace(c)) { pending_space = written > 0; continue; }
        if (u_ispunct(c)) continue;                                 // punctuation
        if (u_isdigit(c)) c = '0';
        else c = u_tolower(c);
        if (pending_space) { a->normalized8[written++] = ' '; pending_space = 0; }
        UBool error = 0;
        U8_APPEND(a->normalized8, written, a->normalized8_capacity, c, error);
        if (error) return -1;
    }
    *out = a->normalized8;
    return written;
}

int32_t curate_icu_sentence_count(curate_icu_analyzer *a, const uint8_t *utf8, int32_t length) {
    if (length == 0) return 0;
    if (!open_text(a, a->sentences, utf8, length)) return -1;
    int32_t count = 0;
    const int32_t *at = a->offsets;
    int32_t start = at[ubrk_first(a->sentences)];
    for (int32_t next = ubrk_next(a->sentences), end; next != UBRK_DONE; start = end, next = ubrk_next(a->sentences)) {
        end = at[next];
        for (int32_t i = start; i < end;) {
            UChar32 c;
            U8_NEXT(utf8, i, end, c);
            if (c >= 0 && (u_isalpha(c) || u_isdigit(c))) { count++; break; }
        }
    }
    return count;
}

void curate_icu_script_counts(const uint8_t *utf8, int32_t length, int32_t *counts) {
    for (int32_t i = 0; i < length;) {
        UChar32 c;
        if (utf8[i] < 0x80) {  // ASCII fast path
            uint8_t b = utf8[i++];
            if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') counts[CURATE_SCRIPT_LATIN]++;
            continue;
        }
        U8_NEXT(utf8, i, length, c);
        if (c >= 0x4E00 && c <= 0x9FFF) { counts[CURATE_SCRIPT_HAN]++; continue; }  // all Han, all letters
        if (c < 0 || !u_isalpha(c)) continue;
        UErrorCode status = U_ZERO_ERROR;
        switch (uscript_getScript(c, &status)) {
            case USCRIPT_LATIN: counts[CURATE_SCRIPT_LATIN]++; break;
            case USCRIPT_HAN: counts[CURATE_SCRIPT_HAN]++; break;
            case USCRIPT_HIRAGANA: counts[CURATE_SCRIPT_HIRAGANA]++; break;
            case USCRIPT_KATAKANA: counts[CURATE_SCRIPT_KATAKANA]++; break;
            case USCRIPT_HANGUL: counts[CURATE_SCRIPT_HANGUL]++; break;
            case USCRIPT_CYRILLIC: counts[CURATE_SCRIPT_CYRILLIC]++; break;
            case USCRIPT_ARABIC: counts[CURATE_SCRIPT_ARABIC]++; break;
            case USCRIPT_GREEK: counts[CURATE_SCRIPT_GREEK]++; break;
            case USCRIPT_THAI: counts[CURATE_SCRIPT_THAI]++; break;
            case USCRIPT_DEVANAGARI: counts[CURATE_SCRIPT_DEVANAGARI]++; break;
            case USCRIPT_HEBREW: counts[CURATE_SCRIPT_HEBREW]++; break;
            default: counts[CURATE_SCRIPT_OTHER]++; break;
        }
    }
}

int curate_icu_is_sentence_terminal(uint32_t codepoint) {
    return u_hasBinaryProperty((UChar32)codepoint, UCHAR_S_TERM);
}

int curate_icu_is_alpha(uint32_t codepoint) {
    return u_isalpha((UChar32)codepoint);
}

int curate_icu_is_white_space(uint32_t codepoint) {
    return u_isUWhiteSpace((UChar32)codepoint);
}

const char *curate_icu_version(void) {
    static char text[U_MAX_VERSION_STRING_LENGTH];
    UVersionInfo version;
    u_getVersion(version);
    u_versionToString(version, text);
    return text;
}
