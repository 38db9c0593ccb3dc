// A cache prefetch hint, for the n-gram model's lookups (LM/NGramModel.swift): a sentence's hashes are
// known before its lookups, so the slots of the next word's n-grams can be on their way from memory
// while the current word's are read. Swift has no prefetch instruction of its own and no library on
// this machine wraps one, hence this one-line header.
#ifndef CURATE_PREFETCH_H
#define CURATE_PREFETCH_H

static inline void curate_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 1);
}

#endif
