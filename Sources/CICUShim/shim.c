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
#include <unicode/utext.h>
#include <unicode/utf8.h>
#include <unicode/uversion.h>

struct curate_icu_analyzer {
    UBreakIterator *words;
    UBreakIterator *sentences;
    UText *text;
    const UNormalizer2 *nfkc;
    const UNormalizer2 *nfd;
    UChar *utf16;            // scratch for normalization
    int32_t utf16_capacity;
    UChar *normalized16;
    int32_t normalized16_capacity;
    uint8_t *normalized8;
    int32_t normalized8_capacity;
    curate_icu_word *found;
    int32_t found_capacity;
};

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
    if (a->text) utext_close(a->text);
    free(a->utf16);
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

static int open_text(curate_icu_analyzer *a, UBreakIterator *iterator, const uint8_t *utf8, int32_t length) {
    UErrorCode status = U_ZERO_ERROR;
    a->text = utext_openUTF8(a->text, (const char *)utf8, length, &status);
    if (U_FAILURE(status)) return 0;
    ubrk_setUText(iterator, a->text, &status);
    return U_SUCCESS(status);
}

int32_t curate_icu_words(curate_icu_analyzer *a, const uint8_t *utf8, int32_t length, const curate_icu_word **words) {
    *words = a->found;
    if (length == 0) return 0;
    if (!open_text(a, a->words, utf8, length)) return -1;
    int32_t count = 0;
    int32_t start = ubrk_first(a->words);
    for (int32_t end = ubrk_next(a->words); end != UBRK_DONE; start = end, end = ubrk_next(a->words)) {
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
            if (c >= 0 && u_isalpha(c)) w->flags |= CURATE_WORD_HAS_ALPHA;
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
    int32_t start = ubrk_first(a->words);
    for (int32_t end = ubrk_next(a->words); end != UBRK_DONE; start = end, end = ubrk_next(a->words)) {
        // Skip segments made only of white space.
        int blank = 1;
        for (int32_t i = start; i < end;) {
            UChar32 c;
            U8_NEXT(utf8, i, end, c);
            if (c < 0 || !u_isUWhiteSpace(c)) { blank = 0; break; }
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
            if (c >= 0 && u_isalpha(c)) w->flags |= CURATE_WORD_HAS_ALPHA;
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

int32_t curate_icu_normalize_line(curate_icu_analyzer *a, const uint8_t *utf8, int32_t length, const uint8_t **out) {
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
    int32_t start = ubrk_first(a->sentences);
    for (int32_t end = ubrk_next(a->sentences); end != UBRK_DONE; start = end, end = ubrk_next(a->sentences)) {
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
