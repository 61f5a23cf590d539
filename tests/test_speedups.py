"""The speed-ups keep every result: each fast path is checked here against the plain way.

- the tokenizer (built directly, exceptions loaded on demand, cache primed) against
  spacy.blank("en") with the same infix change;
- alias patterns split on spaces (words_of) against the tokenizer;
- typo matching with its length and short-word pruning against scoring every n-gram against
  every alias;
- Document.section_at's bisection against a scan of every section.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from cv_matcher.lexicon import cached_lexicon
from cv_matcher.matching import fuzzy, pipeline
from cv_matcher.readers import read_document

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(p for d in ("sample_cvs", "sample_ads") for p in (ROOT / d).iterdir() if p.suffix in (".txt", ".pdf", ".docx"))


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [read_document(p).text for p in SAMPLES]


@pytest.fixture(scope="module")
def reference_tokenizer():
    import spacy
    from spacy.util import compile_infix_regex

    nlp = spacy.blank("en")
    nlp.tokenizer.infix_finditer = compile_infix_regex(pipeline._without_hyphen_infix(nlp.Defaults.infixes)).finditer
    return nlp.tokenizer


def tokens(doc) -> list[tuple[str, int, str]]:
    return [(t.text, t.idx, t.whitespace_) for t in doc]


def exception_heavy_texts(n: int) -> list[str]:
    """Random texts made of tokenizer exceptions, bracketed and punctuated, with odd spacing."""
    from spacy.lang.en import English

    rng = random.Random(7)
    exceptions = sorted(English.Defaults.tokenizer_exceptions)
    out = []
    for _ in range(n):
        words = rng.sample(exceptions, 6) + [rng.choice("(\"'[") + rng.choice(exceptions) + rng.choice([")", ",", ".", "!", "'s"]) for _ in range(4)]
        words += ["I cannot", "dont", "C++.", "Mr. Smith", "e.g.", "a.m.", ":)", "co-ordinate", "—"]
        rng.shuffle(words)
        out.append(rng.choice([" ", "  ", "\n", "\t", " \n "]).join(words))
    return out


def test_tokenizer_gives_spacy_blank_tokens(texts: list[str], reference_tokenizer) -> None:
    for text in texts + exception_heavy_texts(150):
        assert tokens(pipeline.tokenizer()(text)) == tokens(reference_tokenizer(text)), text[:80]


def test_the_lexical_attributes_patterns_test_are_spacy_blank_ones(texts: list[str], reference_tokenizer) -> None:
    names = [name.lower() for name in pipeline.LEXICAL_ATTRIBUTES]
    for text in texts[:10] + exception_heavy_texts(20):
        ours = [[getattr(t, n) for n in names] for t in pipeline.tokenizer()(text)]
        assert ours == [[getattr(t, n) for n in names] for t in reference_tokenizer(text)]


def test_a_pattern_testing_an_attribute_not_computed_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from cv_matcher.lexicon import load_lexicon

    monkeypatch.setattr(pipeline, "gapped_pattern", lambda alias: [{"SHAPE": "xxxx"}])
    with pytest.raises(ValueError, match="SHAPE"):
        pipeline.compile_matchers.__wrapped__(load_lexicon())


def test_a_fresh_tokenizer_loads_the_exceptions_a_text_needs(reference_tokenizer) -> None:
    for text in exception_heavy_texts(20):
        assert tokens(pipeline.EnglishTokenizer()(text)) == tokens(reference_tokenizer(text)), text[:80]


def test_pattern_words_are_the_tokenizer_tokens(reference_tokenizer) -> None:
    lexicon = cached_lexicon()
    for term in lexicon.terms.values():
        variants = [v for a in term.aliases if pipeline.GAP not in a for v in pipeline.alias_variants(a, verb_phrase=term.kind == "duty")]
        for text in variants + list(term.cased):
            assert pipeline.words_of(text) == [t.text for t in reference_tokenizer(text)], (term.id, text)


def full_matrix_hits(doc, index: fuzzy.FuzzyIndex, text: str) -> list[fuzzy.FuzzyHit]:
    """fuzzy_hits the plain way: every n-gram (key from its own text) against every alias."""
    from rapidfuzz import fuzz, process

    words = fuzzy._words(doc, text)
    sizes = {n: sorted({max(1, n - 1), n, n + 1}) for n in index.by_words}
    grams = fuzzy._grams_by_size(text, words, {s for ss in sizes.values() for s in ss})
    hits = []
    for n, (keys, meta) in index.by_words.items():
        spans = [span for size in sizes[n] for span in grams[size].spans]
        if not spans:
            continue
        queries = [fuzzy.fuzzy_key(text[s:e]) for s, e in spans]
        scores = process.cdist(queries, keys, scorer=fuzz.ratio, score_cutoff=min(m[2] for m in meta), dtype="uint8")
        for qi, ai in zip(*scores.nonzero()):
            term_id, alias, cutoff = meta[ai]
            start, end = spans[qi]
            if scores[qi, ai] >= cutoff and fuzzy.short_words(text[start:end]) == fuzzy.short_words(alias):
                hits.append(fuzzy.FuzzyHit(term_id, alias, start, end, float(scores[qi, ai])))
    return hits


def test_fuzzy_pruning_finds_what_the_full_matrix_finds(texts: list[str]) -> None:
    index = fuzzy.build_index(cached_lexicon())
    typos = "Prince 2 Practioner, PRINCE II Foundaton, MS-Projet, Sharepiont, Certifed Scrum Mastr, P3O Fondation\n"
    for text in texts + [typos * 3]:
        doc = pipeline.make_doc(text)
        assert fuzzy.fuzzy_hits(doc, index, text) == full_matrix_hits(doc, index, text)


def test_grams_keys_are_the_keys_of_their_text(texts: list[str]) -> None:
    for text in texts[:8]:
        doc = pipeline.make_doc(text)
        for size, grams in fuzzy._grams_by_size(text, fuzzy._words(doc, text), {1, 2, 3, 4, 5, 6}).items():
            for length, by_shorts in grams.by_length.items():
                for shorts, by_key in by_shorts.items():
                    for key, indices in by_key.items():
                        for i in indices:
                            start, end = grams.spans[i]
                            assert key == fuzzy.fuzzy_key(text[start:end]) and len(key) == length
                            assert shorts is None or shorts == fuzzy.short_words(text[start:end])


def test_section_at_finds_what_a_scan_finds() -> None:
    for path in SAMPLES:
        doc = read_document(path)
        for offset in range(-1, len(doc.text) + 2):
            scanned = None
            for sec in doc.sections:
                if sec.start <= offset < max(sec.body_end, sec.end):
                    scanned = sec
            assert doc.section_at(offset) is scanned

