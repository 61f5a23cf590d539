"""The speed-ups keep every result: each fast path is checked here against the plain way.

- the tokenizer (built directly, exceptions loaded on demand, cache primed) against
  spacy.blank("en") with the same infix change;
- alias patterns split on spaces (words_of) against the tokenizer;
- typo matching with its length and short-word pruning (the n-grams pruned before their keys
  are cut, the small score calls batched, the scores of keys met before remembered) against
  scoring every n-gram, its key made from its own text, against every alias; the text's key and
  its counts per offset (one array pass) against fuzzy_key of each stretch;
- the scan for gapped aliases against spaCy's Matcher on their token patterns, and the exact
  candidates read from make_doc's DocInfo against the same read through Spans; the tokens looked
  up by their ORTH against each token's text worked out;
- Document.section_at's bisection against a scan of every section;
- the cue tests' substring pre-check against the cue regexes alone;
- case-insensitive patterns run on the lower-cased text (lowercase.py) against IGNORECASE;
- a clause's start found in a short look back against the whole reach, and the setting test's
  text cut from the lower-cased document against the clause's own, its cues in a trie against
  their plain alternation;
- the cheap bounds before pdfium (readers/pdfquick.py) against what pdfminer's exact check reads.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from cv_matcher.lexicon import cached_lexicon
from cv_matcher.matching import fuzzy, phrases
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
    nlp.tokenizer.infix_finditer = compile_infix_regex(phrases._without_hyphen_infix(nlp.Defaults.infixes)).finditer
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
        assert tokens(phrases.tokenizer()(text)) == tokens(reference_tokenizer(text)), text[:80]


def test_the_lexical_attributes_patterns_test_are_spacy_blank_ones(texts: list[str], reference_tokenizer) -> None:
    names = [name.lower() for name in phrases.LEXICAL_ATTRIBUTES]
    for text in texts[:10] + exception_heavy_texts(20):
        ours = [[getattr(t, n) for n in names] for t in phrases.tokenizer()(text)]
        assert ours == [[getattr(t, n) for n in names] for t in reference_tokenizer(text)]


def test_a_pattern_testing_an_attribute_not_computed_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from cv_matcher.lexicon import load_lexicon

    monkeypatch.setattr(phrases, "gapped_pattern", lambda alias: [{"SHAPE": "xxxx"}])
    with pytest.raises(ValueError, match="SHAPE"):
        phrases.compile_matchers.__wrapped__(load_lexicon())


def test_a_fresh_tokenizer_loads_the_exceptions_a_text_needs(reference_tokenizer) -> None:
    for text in exception_heavy_texts(20):
        assert tokens(phrases.EnglishTokenizer()(text)) == tokens(reference_tokenizer(text)), text[:80]


def test_pattern_words_are_the_tokenizer_tokens(reference_tokenizer) -> None:
    lexicon = cached_lexicon()
    for term in lexicon.terms.values():
        variants = [v for a in term.aliases if phrases.GAP not in a for v in phrases.alias_variants(a, verb_phrase=term.kind == "duty")]
        for text in variants + list(term.cased):
            assert phrases.words_of(text) == [t.text for t in reference_tokenizer(text)], (term.id, text)


def plain_words(doc) -> list[tuple[int, int, int]]:
    """(token index, start, end) of each token's word (stripped of punctuation, with a letter or
    digit), read from spaCy's Tokens."""
    from cv_matcher.matching.normalise import WORD_STRIP

    out = []
    for t in doc:
        stripped = t.text.strip(WORD_STRIP)
        if any(c.isalnum() for c in stripped):
            start = t.idx + t.text.index(stripped)
            out.append((t.i, start, start + len(stripped)))
    return out


def plain_ngrams(text: str, words: list[tuple[int, int, int]], n: int) -> list[tuple[int, int]]:
    """(start, end) of the n-grams of n words that are phrases: words not far apart, and no
    phrase break between the first word's start and the last word's start."""
    out = []
    for i in range(len(words) - n + 1):
        first, last = words[i], words[i + n - 1]
        if last[0] - first[0] > 2 * n or any(ch in fuzzy.PHRASE_BREAKS for ch in text[first[1]:last[1]]):
            continue
        out.append((first[1], last[2]))
    return out


def full_matrix_hits(doc, index: fuzzy.FuzzyIndex, text: str) -> list[fuzzy.FuzzyHit]:
    """fuzzy_hits the plain way: every n-gram (key from its own text) against every alias."""
    from rapidfuzz import fuzz, process

    words = plain_words(doc)
    hits = []
    for n, (keys, meta) in index.by_words.items():
        spans = [span for size in fuzzy.sizes_for(n) for span in plain_ngrams(text, words, size)]
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


def odd_texts(n: int) -> list[str]:
    """Texts where words touch, short words pile up and keys hold odd characters."""
    rng = random.Random(5)
    pieces = ["PRINCE2®", "Prince 2", "Practioner", "MSP/MoP", "P3O(R)", "APM-PMQ", "AgilePM", "of", "the", "and", "PMO",
              "İstanbul", "ΣIGMA", "K-level", "C++", "3-5", "MS-Projet", "Sharepiont", "(PRINCE2)", "Scrum.Master", "ITIL4", "a",
              "Certifed", "Scrum", "Mastr", "PMP", "CAPM", "\n", ":", ";", "•", ",", "x", "Foundaton", "Project", "Managment"]
    return [rng.choice([" ", "", "  ", "/"]).join(rng.choice(pieces) for _ in range(60)) for _ in range(n)]


def test_fuzzy_pruning_finds_what_the_full_matrix_finds(texts: list[str]) -> None:
    index = fuzzy.build_index(cached_lexicon())
    typos = "Prince 2 Practioner, PRINCE II Foundaton, MS-Projet, Sharepiont, Certifed Scrum Mastr, P3O Fondation\n"
    found = 0
    for text in texts + [typos * 3] + odd_texts(60) + exception_heavy_texts(20):
        doc = phrases.make_doc(text)
        hits = fuzzy.fuzzy_hits(doc, index, text)
        assert hits == full_matrix_hits(doc, index, text), text[:80]
        found += len(hits)
    assert found > 300


def test_a_fresh_fuzzy_index_finds_the_same() -> None:
    """The index's tables are built as n-grams need them: a fresh index, met by the texts in
    another order, gives the same hits."""
    index = fuzzy.build_index.__wrapped__(cached_lexicon())
    for text in odd_texts(20)[::-1]:
        doc = phrases.make_doc(text)
        assert fuzzy.fuzzy_hits(doc, index, text) == full_matrix_hits(doc, index, text)


@pytest.mark.parametrize("memory", [fuzzy.MAX_REMEMBERED, 30])
def test_remembered_fuzzy_scores_give_the_same_hits(texts: list[str], memory: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index remembers the hits of the n-grams it scored: texts met again (and keys met
    twice in one text), with a memory that keeps everything or is cleared every few n-grams,
    give the full matrix's hits."""
    monkeypatch.setattr(fuzzy, "MAX_REMEMBERED", memory)
    index = fuzzy.build_index.__wrapped__(cached_lexicon())
    typos = "Prince 2 Practioner, PRINCE II Foundaton, MS-Projet, Sharepiont, Certifed Scrum Mastr, P3O Fondation\n"
    chosen = texts[:10] + [typos * 3] + odd_texts(10)
    remembered = 0
    for text in chosen + chosen[::-1]:
        doc = phrases.make_doc(text)
        assert fuzzy.fuzzy_hits(doc, index, text) == full_matrix_hits(doc, index, text), text[:80]
        held = sum(len(keys) for keys in index._memo.values())
        assert held == index._remembered[0] and (held <= memory or memory < 1000)
        remembered = max(remembered, held)
    assert remembered > (0 if memory < 1000 else 1000)


def test_candidate_grams_are_phrases_with_the_keys_and_short_words_of_their_text(texts: list[str]) -> None:
    index = fuzzy.build_index(cached_lexicon())
    for text in texts[:8] + odd_texts(20):
        doc = phrases.make_doc(text)
        words = plain_words(doc)
        ngrams = {(size, span) for size in range(1, fuzzy.MAX_NGRAM + 2) for span in plain_ngrams(text, words, size)}
        words = phrases.doc_info(doc).words
        for grams in fuzzy._candidate_grams(text, words, index):
            size = grams.size
            for first, key, number in zip(grams.firsts, grams.keys, grams.shorts):
                start, end = words.starts[first], words.ends[first + size - 1]
                assert (size, (start, end)) in ngrams
                assert key == fuzzy.fuzzy_key(text[start:end])
                shorts = index.short_set(number)
                assert shorts == fuzzy.short_words(text[start:end])
                buckets = index.tables(shorts)[size][len(key)]  # it meets some bucket
                assert buckets and all(size in fuzzy.sizes_for(list(index.by_words)[b.group]) for b in buckets)


def test_doc_info_words_are_the_tokens_words(texts: list[str]) -> None:
    for text in texts[:10] + odd_texts(20) + exception_heavy_texts(10):
        doc = phrases.make_doc(text)
        words = phrases.doc_info(doc).words
        assert list(zip(words.tokens, words.starts, words.ends)) == plain_words(doc)
        assert words.shorts == [fuzzy.short_words(text[a:b]) for _, a, b in plain_words(doc)]


def spacy_gapped_matcher(lexicon):
    """The gapped aliases the plain way: spaCy's Matcher on gapped_pattern."""
    from spacy.matcher import Matcher

    matcher = Matcher(phrases.tokenizer().vocab)
    for term in lexicon.terms.values():
        patterns = [phrases.gapped_pattern(a) for a in term.aliases if phrases.GAP in a]
        if patterns:
            matcher.add(term.id, patterns)
    return matcher


def gapped_texts(lexicon, n: int) -> list[str]:
    """Texts made of the gapped aliases' parts with 0-5 fillers between them: words, punctuation,
    spaces and line breaks, a part repeated, a part inflected."""
    rng = random.Random(11)
    aliases = sorted(a for t in lexicon.terms.values() for a in t.aliases if phrases.GAP in a)
    fillers = ["the", "weekly", "all", "and", "board", ",", ".", "-", "—", "\n", "  ", "(", "2024", "co-ordinated", "minutes", "it's"]
    out = []
    for _ in range(n):
        pieces = []
        for alias in rng.sample(aliases, 6):
            parts = alias.split(phrases.GAP)
            words = [parts[0]]
            for part in parts[1:]:
                words += [rng.choice(fillers) for _ in range(rng.randint(0, 5))]
                words.append(part if rng.random() < 0.8 else part + "s")
                if rng.random() < 0.2:
                    words.append(part)
            pieces.append(" ".join(words))
        out.append(rng.choice([". ", "\n", " ", " and "]).join(pieces))
    return out


def test_gapped_scan_finds_what_spacys_matcher_finds(texts: list[str]) -> None:
    lexicon = cached_lexicon()
    matcher = spacy_gapped_matcher(lexicon)
    compiled = phrases.compile_matchers(lexicon)
    assert compiled.gapped.others is None  # every gapped alias of the shipped lexicon goes through the scan
    hits = 0
    for text in texts + gapped_texts(lexicon, 200):
        sdoc = phrases.make_doc(text)
        strings = sdoc.vocab.strings
        expected = [(strings[match_id], s, e) for match_id, s, e in matcher(sdoc)]
        assert sorted(compiled.gapped.find(sdoc, phrases.doc_info(sdoc))) == sorted(expected), text[:80]
        hits += len(expected)
    assert hits > 200


def test_a_gapped_alias_of_another_form_goes_to_spacys_matcher() -> None:
    from cv_matcher.lexicon import load_lexicon

    lexicon = load_lexicon()
    term = next(t for t in lexicon.terms.values() if any(phrases.GAP in a for a in t.aliases))
    odd = phrases.gapped_pattern(next(a for a in term.aliases if phrases.GAP in a))[:-1]  # ends in its gap
    original = phrases.gapped_pattern
    try:
        phrases.gapped_pattern = lambda alias: odd if alias == next(a for a in term.aliases if phrases.GAP in a) else original(alias)
        compiled = phrases.compile_matchers.__wrapped__(lexicon)
    finally:
        phrases.gapped_pattern = original
    assert compiled.gapped.others is not None and len(compiled.gapped.others) == 1


def plain_exact_candidates(sdoc, lexicon, gapped) -> list:
    """The exact candidates the plain way: a Span per match, spaCy's Matcher for gapped aliases."""
    from cv_matcher.matching import Candidate

    compiled = phrases.compile_matchers(lexicon)
    vocab = sdoc.vocab.strings
    out = []
    for match_id, s, e in compiled.norm(sdoc):
        term_id = vocab[match_id]
        span = sdoc[s:e]
        alias = compiled.alias_of.get((term_id, " ".join(t.norm_ for t in span)), lexicon.terms[term_id].label)
        method = "exact" if span.text.lower() == lexicon.terms[term_id].label.lower() else "alias"
        out.append(Candidate(term_id, span.start_char, span.end_char, method, alias))
    gapped_out = []
    for match_id, s, e in gapped(sdoc):
        span = sdoc[s:e]
        gapped_out.append(Candidate(vocab[match_id], span.start_char, span.end_char, "alias", lexicon.terms[vocab[match_id]].label))
    cased = []
    for match_id, s, e in compiled.cased(sdoc):
        span = sdoc[s:e]
        cased.append(Candidate(vocab[match_id], span.start_char, span.end_char, "exact", span.text))
    return out, gapped_out, cased


def test_exact_candidates_are_those_read_through_spans(texts: list[str]) -> None:
    lexicon = cached_lexicon()
    gapped = spacy_gapped_matcher(lexicon)
    for text in texts + gapped_texts(lexicon, 30) + exception_heavy_texts(20):
        sdoc = phrases.make_doc(text)
        norm, gapped_found, cased = plain_exact_candidates(sdoc, lexicon, gapped)
        got = phrases.exact_candidates(sdoc, lexicon)
        # the phrase matches first, then the gapped ones (in any order: they are distinct), then the cased
        assert got[:len(norm)] == norm and got[len(got) - len(cased):] == cased
        assert sorted(got[len(norm):len(got) - len(cased)], key=repr) == sorted(gapped_found, key=repr)


def test_doc_info_is_what_the_doc_says(texts: list[str]) -> None:
    for text in texts[:10] + exception_heavy_texts(20):
        sdoc = phrases.make_doc(text)
        info = phrases.doc_info(sdoc)
        plain = phrases.doc_info(phrases.tokenizer()(text))  # a Doc not from make_doc: computed
        assert (plain.text, plain.spans, plain.words) == (info.text, info.spans, info.words)
        assert info.text == sdoc.text
        assert info.spans == [(t.idx, t.idx + len(t)) for t in sdoc]
        assert info.norms == [t.norm_ for t in sdoc]


def test_section_at_finds_what_a_scan_finds() -> None:
    for path in SAMPLES:
        doc = read_document(path)
        for offset in range(-1, len(doc.text) + 2):
            scanned = None
            for sec in doc.sections:
                if sec.start <= offset < max(sec.body_end, sec.end):
                    scanned = sec
            assert doc.section_at(offset) is scanned



# --- the cheap bounds before pdfium (readers/pdfquick.py) against pdfminer's exact check ----------

SHARED_PDFS = sorted((ROOT.parent / "shared" / "corpus").rglob("*.pdf"))


def _pdfium_pages(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


@pytest.mark.parametrize("path", [p for p in SAMPLES if p.suffix == ".pdf"] + SHARED_PDFS, ids=lambda p: p.name)
def test_quick_pdf_bounds_hold_for_pdfminers_exact_check(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Real PDFs get the cheap proof (so the fast path is the one taken), and what it proves
    holds for what pdfminer's exact check reads: each stream decodes to at most the size the
    proof gave it, and the check passes with the content limit set to the drawing cost proven."""
    import math

    from pdfminer import pdftypes

    from cv_matcher.readers import pdfguard, pdfquick
    from cv_matcher.readers.base import ReadLimits

    data = path.read_bytes()
    facts = pdfquick.decoding_within(data, ReadLimits())
    assert facts is not None
    cost = pdfquick.drawing_cost(facts, _pdfium_pages(data))
    assert cost <= ReadLimits().max_pdf_content_bytes
    pdfguard.install()
    decoded: list[tuple[int, int]] = []
    counted = pdftypes.PDFStream.decode

    def decode(self: pdftypes.PDFStream) -> None:
        counted(self)
        if self.objid is not None:  # (pdfminer reads the cross-reference streams once more, unnamed)
            decoded.append((self.objid, len(self.data or b"")))

    monkeypatch.setattr(pdftypes.PDFStream, "decode", decode)
    pdfguard.check_before_pdfium(data, path.name, ReadLimits(max_pdf_content_bytes=math.ceil(cost)))
    proven = {s.objid: s.size for s in facts.streams}
    assert decoded and all(size <= proven[objid] for objid, size in decoded), (decoded, proven)
    assert pdfquick.decoding_within(data, ReadLimits(max_pdf_decoded_bytes=facts.decoded - 1)) is None


def test_hostile_pdfs_get_the_exact_check() -> None:
    """Bombs, nested forms and encrypted files are never proven: pdfminer's check judges them."""
    from bad_inputs import (
        encrypted_pdf,
        flate_bomb_pdf,
        form_laughs_pdf,
        recursive_form_pdf,
    )

    from cv_matcher.readers import pdfquick
    from cv_matcher.readers.base import ReadLimits

    limits = ReadLimits()
    for data in (flate_bomb_pdf(), encrypted_pdf("user-secret"), encrypted_pdf("")):
        assert pdfquick.decoding_within(data, limits) is None
    for data in (form_laughs_pdf(), recursive_form_pdf()):
        facts = pdfquick.decoding_within(data, limits)
        assert facts is not None and not pdfquick.drawing_within(facts, 1, limits)


def test_a_stream_drawn_many_times_counts_each_time() -> None:
    """A page listing one content stream 300 times interprets it 300 times (and two pages twice
    that); a font program named by /FontFile2 is never drawn; a stream named by nothing is not
    drawn either."""
    from bad_inputs import raw_pdf, stream

    from cv_matcher.readers import pdfquick
    from cv_matcher.readers.base import ReadLimits

    def pdf(contents: bytes) -> bytes:
        return raw_pdf([
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %s >>" % contents,
            stream(b"BT ET " * 5000),  # 30 KB
            b"<< /Type /FontDescriptor /FontFile2 6 0 R >>",
            stream(b"\0" * 50_000),
            stream(b"q Q " * 10_000),  # 40 KB, not referenced
        ])

    limits = ReadLimits()
    once = pdfquick.decoding_within(pdf(b"4 0 R"), limits)
    many = pdfquick.decoding_within(pdf(b"[" + b"4 0 R " * 300 + b"]"), limits)
    assert once is not None and many is not None
    assert 30_000 <= pdfquick.drawing_cost(once, 1) < 31_000
    assert pdfquick.drawing_cost(many, 1) == 300 * pdfquick.drawing_cost(once, 1)
    assert pdfquick.drawing_cost(many, 2) == 2 * pdfquick.drawing_cost(many, 1)
    assert not pdfquick.drawing_within(many, 1, limits)  # 9 MB: over the 8 MB limit, pdfminer's check decides


def test_cue_pre_check_finds_what_the_regexes_find(texts: list[str]) -> None:
    """has_cue and a certification's status read the same with the substring pre-check as with
    each cue's regex alone, on every sample's lines and lower-cased text, for every cue list of
    the lexicon."""
    from cv_matcher.matching import context

    lexicon = cached_lexicon()
    cues, advert = lexicon.context, lexicon.context.advert_status
    cue_lists = [cues.assisting, cues.setting, cues.setting_near, *cues.cv_status.values(),
                 advert.essential, advert.desirable, advert.not_required]
    cue_lists += [cue for t in lexicon.terms.values() for cue in (t.reject_document, t.requires_context, t.reject_context) if cue]
    assert len(cue_lists) > 10
    windows = [line.lower() for text in texts for line in text.splitlines()] + [text.lower() for text in texts]
    hits = 0
    for window in windows:
        for cues in cue_lists:
            plain = any(context._cue_regex(c).search(window) for c in cues)
            assert context.has_cue(window, cues) == plain
            hits += plain
    assert hits > 100


def test_date_range_lookahead_finds_what_the_plain_pattern_finds(texts: list[str]) -> None:
    """The date-range pattern's first-character lookahead changes no match: the same spans and
    groups as the pattern without it, on the samples and on texts made of its own pieces."""
    import re

    from cv_matcher import experience

    lookahead = "(?=[jfmasond0-9])"
    assert experience.RANGE_RE.pattern.startswith(lookahead)
    plain = re.compile(experience.RANGE_RE.pattern[len(lookahead):], re.IGNORECASE)
    rng = random.Random(3)
    pieces = ["Jan", "SEPT.", "september", "ſep", "03/", "12.", "2019", "1998", "20", "-", "–", " to ", "until", "Present",
              "now", " ", ",", "x", "May", "Ｍay", "٢٠١٩", "2024", "\n"]
    made = ["".join(rng.choice(pieces) for _ in range(40)) for _ in range(300)]
    found = 0
    for text in texts + made:
        expected = [(m.span(), m.groupdict()) for m in plain.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in experience.RANGE_RE.plain.finditer(text)] == expected
        found += len(expected)
    assert found > 150


def test_references_read_backwards_are_those_read_forwards() -> None:
    """pdfquick.references (its pattern run on the reversed text) finds the references the
    forward pattern finds, on every sample and shared-corpus PDF and on texts made of their pieces
    (comments, signs, delimiters)."""
    from cv_matcher.readers import pdfquick

    def forwards(text: bytes) -> list[int]:
        return sorted(int(m.group(1)) for m in pdfquick._REF.finditer(text))

    files = [p.read_bytes() for p in SAMPLES if p.suffix == ".pdf"] + [p.read_bytes() for p in SHARED_PDFS]
    rng = random.Random(1)
    pieces = [b"1", b"12", b"0", b" ", b"\n", b"\r", b"R", b"%", b"%c", b"-", b".", b"/", b"(", b"x", b"\t", b"\r\n", b"R/",
              b"<<", b"99 0 R"]
    made = [b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(5000)]
    found = 0
    for text in files + made:
        expected = forwards(text)
        assert sorted(pdfquick.references(text)) == expected, text[:80]
        found += len(expected)
    assert found > 3000


def test_fuzzy_hits_on_the_shared_corpus_are_the_full_matrix_hits(corpus: Path) -> None:
    """Real CVs and adverts (../shared/corpus): the n-grams pruned by the reachable array, looked
    up in the memory per (short words, size, key) and scored per bucket give the hits of the full
    matrix, met once and met again."""
    paths = sorted(p for folder in ("cvs-pmo", "resume-dataset", "unlabelled", "adverts-pmo", "files")
                   for p in (corpus / folder).glob("*") if p.suffix in (".txt", ".docx"))
    index = fuzzy.build_index.__wrapped__(cached_lexicon())
    docs = [(phrases.make_doc(text), text) for text in (read_document(p).text for p in paths)]
    found = 0
    for doc, text in docs + docs[:20]:
        hits = fuzzy.fuzzy_hits(doc, index, text)
        assert hits == full_matrix_hits(doc, index, text), text[:80]
        found += len(hits)
    assert len(docs) > 100 and found > 100


def test_token_spans_are_the_tokens_lengths_and_spaces(corpus: Path, texts: list[str]) -> None:
    """token_spans reads IDX and LENGTH: the same offsets as adding up each token's length and
    trailing space from the start (what a Doc's text is made of), on real texts."""
    from spacy.attrs import LENGTH, SPACY

    paths = sorted(p for p in corpus.glob("*/*.txt"))
    for text in texts + [p.read_text(encoding="utf-8", errors="replace") for p in paths] + exception_heavy_texts(10) + [""]:
        doc = phrases.tokenizer()(text)
        spans, start = [], 0
        for length, space in doc.to_array([LENGTH, SPACY]).tolist():
            spans.append((start, start + length))
            start += length + space
        assert phrases.token_spans(doc) == spans
    assert len(paths) > 100


# --- patterns on the lower-cased text (lowercase.py), clauses, the setting test -------------------

def _lower_case_patterns():
    from cv_matcher import experience, pay
    from cv_matcher.lowercase import LowerCasePattern

    found = [p for module in (experience, pay) for p in vars(module).values() if isinstance(p, LowerCasePattern)]
    assert len(found) >= 7
    return found


def odd_case_texts(n: int) -> list[str]:
    """Mixed-case pay, contract and date pieces with the characters lower-casing treats apart from
    IGNORECASE (İ, ı, ſ) or by their context (Σ), the Kelvin sign and other cased letters."""
    rng = random.Random(13)
    pieces = ["Salary", "SALARY", "per Annum", "P.A.", "pa", "£30,000", "Band 6", "GRADE 7", "g7", "HEO", "Contract", "PERM",
              "Fixed-Term", "Inside IR35", "outside of ir35", "Job Type:", "Jan 2019 - Present", "SEPT. 2020 to now", "03/2018 – 2021",
              "5+ Years of Experience", "over 10 YEARS", "K", "σας", "É", "ß", " ", "\n", ",", "-", "x", "2024"]
    odd = ["İ", "ı", "ſep", "ſalary", "ınside IR35", "ΣΑΣ"]  # in half the texts
    return ["".join(rng.choice(pieces + odd * (i % 2)) for _ in range(30)) for i in range(n)]


def _matches(found) -> list:
    return [(m.span(), tuple(g.lower() if g else g for g in m.groups())) for m in found]


def test_lower_case_patterns_find_what_ignorecase_finds(texts: list[str]) -> None:
    """Each LowerCasePattern gives the spans and (lower-cased) groups of its IGNORECASE pattern,
    on the samples and on texts holding the characters that make it search the plain way, over
    the whole text and line by line (pos and endpos, as find_pay asks)."""
    import re

    from cv_matcher.lowercase import lowered

    made = odd_case_texts(300)
    assert sum(lowered(t) is None for t in made) > 50 and sum(lowered(t) is not None for t in made) > 50
    for pattern in _lower_case_patterns():
        for text in texts + made:
            assert _matches(pattern.finditer(text)) == _matches(pattern.plain.finditer(text)), (pattern.pattern, text[:80])
            for line in re.finditer(r"[^\n]+", text):
                got = pattern.search(text, line.start(), line.end())
                assert _matches([got] if got else []) == _matches(filter(None, [pattern.plain.search(text, line.start(), line.end())]))


def test_lower_casing_equates_what_ignorecase_equates() -> None:
    """Over every code point but İ, ı, ſ and Σ: a character lower-cases to one character, on its
    own (the text's lower case is its characters' lower cases), which is a given character of a
    lower-case pattern exactly when IGNORECASE matches the two; and \\w, \\d, \\s and word
    boundaries see a character and its lower case alike. What lowercase.py rests on."""
    import re
    import string
    import sys

    from cv_matcher.lowercase import _ODD

    chars = "".join(chr(i) for i in range(sys.maxunicode + 1) if chr(i) not in _ODD and not 0xD800 <= i <= 0xDFFF)
    low = chars.lower()
    assert len(low) == len(chars) and low == "".join(c.lower() for c in chars)
    for x in string.ascii_lowercase + string.digits + "£$€–—-/.,+'’:&%_ ":
        ignorecase = {m.start() for m in re.finditer(re.escape(x), chars, re.IGNORECASE)}
        assert ignorecase == {m.start() for m in re.finditer(re.escape(x), low)}, x
    for cls in (r"\w", r"\d", r"\s", r"[a-z]", r"[^0-9]"):
        assert [m.start() for m in re.finditer(cls, chars, re.IGNORECASE)] == [m.start() for m in re.finditer(cls, low)], cls


def break_heavy_texts(n: int) -> list[str]:
    rng = random.Random(17)
    pieces = [".", ". ", ".\n", ",", ", ", ",\n", ", A", ",\nB", ";", "|", "•", "\n", " ", "word", "Word", "x", "PMO"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(5, 400))) for _ in range(n)]


def test_clause_start_short_look_finds_the_last_break_of_the_whole_reach(texts: list[str]) -> None:
    from cv_matcher.matching import context

    def plain(text: str, start: int) -> int:
        left = 0
        for m in context.CLAUSE_BREAK.finditer(text, max(0, start - 200), start):
            left = m.end()
        return max(left, start - 200)

    old_break = __import__("re").compile(r"[;|•\n]|\.\s|,\s(?=[A-Z])")
    for text in texts[:12] + break_heavy_texts(200):
        for start in range(len(text) + 1):
            assert context.clause_start(text, start) == plain(text, start), (text[max(0, start - 60):start], start)
        assert [m.span() for m in context.CLAUSE_BREAK.finditer(text)] == [m.span() for m in old_break.finditer(text)]


def test_substring_trie_finds_what_the_plain_alternation_finds() -> None:
    import re

    from cv_matcher.scoring import _substring_regex

    rng = random.Random(19)
    lists = [cached_lexicon().context.setting, ("ab", "aba", "b a", "a", "ab.", "(x", "a+b"), ("",), ("report to", "report")]
    for cues in lists:
        plain = re.compile("|".join(re.escape(c) for c in cues))
        trie = _substring_regex(tuple(cues))
        for _ in range(400):
            text = "".join(rng.choice(["a", "b", " ", ".", "(x", "+", "report", " to", "join the", "within", "ed by"]) for _ in range(rng.randint(0, 12)))
            assert bool(trie.search(text)) == bool(plain.search(text)), (cues, text)


def _fast_and_plain(make: Any, text: str, lexicon: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """A scoring test made from `text` with the document's shared lower case, and made the plain way
    (each clause lower-cased on its own)."""
    from cv_matcher import scoring

    fast = make(text, lexicon)
    with monkeypatch.context() as patched:
        patched.setattr(scoring, "lowered", lambda text: None)
        plain = make(text, lexicon)
    return fast, plain



def test_setting_test_from_the_lowered_text_is_the_plain_one(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The setting test cuts the clause before a finding from the document's lower-cased text: the
    same answers as from the clause's own text, for a finding at every few words of the samples
    and of texts made of setting cues."""
    import re

    from cv_matcher import scoring
    from cv_matcher.models import Evidence

    lexicon = cached_lexicon()
    rng = random.Random(23)
    cues = list(lexicon.context.setting + lexicon.context.setting_near)
    made = [" ".join(rng.choice(cues + ["the PMO", "Head of PMO", ",", ".", "\n", "team", "Reporting To", "(x)"]) for _ in range(40))
            for _ in range(60)]
    answered = 0
    for text in texts + made:
        findings = [Evidence("t", "duty", "t", m.group(0), m.start(), m.end(), None, "exact", 1.0, "")
                    for i, m in enumerate(re.finditer(r"\S+", text)) if i % 3 == 0]
        fast, plain = _fast_and_plain(scoring._setting_test, text, lexicon, monkeypatch)
        got = [fast(ev) for ev in findings]
        assert got == [plain(ev) for ev in findings], text[:80]
        answered += sum(got)
    assert answered > 50


def test_text_key_counts_what_fuzzy_key_keeps(texts: list[str]) -> None:
    """_text_key's table gives each code point what fuzzy_key keeps of it; and the whole text's key
    with its counts before each offset give the key of every stretch (what _candidate_grams cuts)."""
    import sys

    import numpy

    table = fuzzy._CHAR_CLASS
    for code in range(sys.maxunicode + 1):
        kept = table[min(code, len(table) - 1)]
        assert fuzzy.fuzzy_key(chr(code)) == (chr(kept) if kept > fuzzy._BREAK else ""), hex(code)
        assert (kept == fuzzy._BREAK) == (chr(code) in fuzzy.PHRASE_BREAKS), hex(code)
    rng = random.Random(29)
    odd = ["İstanbul", "K", "\udcff", "ΣΑΣ x", "ß", "PRINCE2®", "+", "£", "\n", " ", "Ǆ", "ﬁ"]
    for text in texts[:10] + ["".join(rng.choice(odd) for _ in range(30)) for _ in range(100)]:
        codes = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
        key, before = fuzzy._text_key(table.take(codes, mode="clip"))
        assert key == fuzzy.fuzzy_key(text)
        for _ in range(50):
            a, b = sorted(rng.randint(0, len(text)) for _ in range(2))
            assert key[before[a]:before[b]] == fuzzy.fuzzy_key(text[a:b])


@pytest.mark.parametrize("memory", [phrases.MAX_KNOWN, 50])
def test_tokens_looked_up_by_orth_give_what_their_text_gives(texts: list[str], memory: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """make_doc looks each token up by its ORTH: met for the first time, met again, and with a
    memory forgotten every few tokens, its words are those worked out from each token's text
    (doc_info of a Doc not made by make_doc), and its norms and the Doc's NORMs are norm_word's."""
    monkeypatch.setattr(phrases, "MAX_KNOWN", memory)
    monkeypatch.setattr(phrases, "_KNOWN", {})
    chosen = texts[:12] + odd_texts(10) + exception_heavy_texts(10) + [""]
    for text in chosen + chosen[::-1]:
        sdoc = phrases.make_doc(text)
        info = phrases.doc_info(sdoc)
        plain = phrases.doc_info(phrases.tokenizer()(text))
        assert (info.text, info.spans, info.words) == (plain.text, plain.spans, plain.words), text[:80]
        assert info.norms == [t.norm_ for t in sdoc] == [phrases.norm_word(t.text) for t in sdoc]
        assert len(phrases._KNOWN) <= memory + 1 + len(sdoc)


def test_project_words_stops_at_the_count_a_full_count_reaches(texts: list[str]) -> None:
    from cv_matcher import scoring

    lexicon = cached_lexicon()
    pattern = scoring._any_word_regex(lexicon.context.project_title_words)
    for text in texts + odd_case_texts(20) + ["", "project", "Projects and PMO", "İ project"]:
        count = len(pattern.findall(text.lower()))
        for times in range(5):
            assert scoring._project_words(text, lexicon, times) == min(count, times), (text[:60], times)


def test_gap_profile_is_the_plain_pass_over_the_lexicon() -> None:
    from cv_matcher import gaps

    lexicon = cached_lexicon()
    for target in lexicon.ranks:
        plain = [(t.id, t.weight(target)) for t in lexicon.terms.values()
                 if t.kind in ("duty", "skill", "tool", "experience") and t.family == "pmo" and t.weight(target) >= gaps.CORE_WEIGHT]
        assert [(t.id, w) for t, w, _ in gaps._profile(lexicon, target)] == plain and plain


def test_assisting_test_skipping_texts_without_a_cue_is_the_plain_one(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A text with no assisting cue anywhere answers without reading clauses: the same answers as
    reading each mention's clause, for every few words of the samples and of texts with cues
    (written in any case)."""
    import re

    from cv_matcher import scoring
    from cv_matcher.models import Evidence

    lexicon = cached_lexicon()
    rng = random.Random(31)
    cues = list(lexicon.context.assisting)
    made = [" ".join(rng.choice(cues + [c.upper() for c in cues] + ["the PMO", "report", ",", ".", "\n", "minutes"]) for _ in range(30))
            for _ in range(40)]
    assisted = 0
    for text in texts + made + ["", "nothing here"]:
        words = [m for m in re.finditer(r"\S+", text)]
        groups = [[Evidence("t", "duty", "t", m.group(0), m.start(), m.end(), None, "exact", 1.0, "") for m in words[i:i + 2]]
                  for i in range(0, len(words), 3)] + [[]]
        fast, plain = _fast_and_plain(scoring._assisting_test, text, lexicon, monkeypatch)
        got = [fast(mentions) for mentions in groups]
        assert got == [plain(mentions) for mentions in groups], text[:80]
        assisted += sum(got)
    assert assisted > 20


def test_ing_form_check_reading_the_ending_first_is_the_plain_one() -> None:
    from cv_matcher.matching import _ing_for_other_form

    def plain(said: str, alias: str, other_endings: tuple[str, ...] = ("ing",)) -> bool:
        last_said, last_meant = said.split()[-1:], alias.split()[-1:]
        return bool(last_said and last_meant) and last_said[0].lower().endswith("ing") and not last_meant[0].lower().endswith(other_endings)

    rng = random.Random(37)
    pieces = ["ing", "ING", "Ing", "İng", "ıng", "x", "engineer", "engineering", "supported", " ", "\n", "ng", "i", "-", "managing"]
    for _ in range(3000):
        said = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 5)))
        alias = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 4)))
        for endings in (("ing",), ("ing", "ed")):
            assert _ing_for_other_form(said, alias, endings) == plain(said, alias, endings), (said, alias)


def test_chunks_met_before_are_looked_up_once_and_stay_primed(texts: list[str], reference_tokenizer) -> None:
    """A fresh tokenizer met by texts again and again, phrases (not primed) between them and
    exceptions loaded on the way (each empties spaCy's cache): the tokens are spaCy's, and a chunk
    it counts as done is searched for exceptions and primed since the cache was last emptied."""
    tok = phrases.EnglishTokenizer()
    rng = random.Random(41)
    chosen = texts[:6] + exception_heavy_texts(12)
    for text in chosen + chosen[::-1] + rng.sample(chosen, len(chosen)):
        assert tokens(tok(text)) == tokens(reference_tokenizer(text)), text[:80]
        phrase = " ".join(rng.sample(text.split(), min(3, len(text.split()))))
        assert tokens(tok(phrase, prime=False)) == tokens(reference_tokenizer(phrase))
        assert tok._done <= tok._primed and tok._done <= tok._looked_through | set(tok.rules)


def test_years_found_as_digit_runs_and_the_years_phrase_lookahead_are_the_plain_patterns(texts: list[str]) -> None:
    import re

    from cv_matcher import experience

    plain_year = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
    source = experience.YEARS_PHRASE_RE.pattern
    assert source.startswith("(?=[\\deom])(?:") and source.endswith(")")
    plain_phrase = re.compile(source[len("(?=[\\deom])(?:"):-1], re.IGNORECASE)
    rng = random.Random(43)
    pieces = ["19", "20", "2019", "1998", "12345", "٢٠١٩", "20٢٤", "0", " ", "-", "5", "+", " years", " Years of ", "experience", "EXP",
              "over ", "More than ", "Experience of ", "yrs", "x", "\n", "plus"]
    made = ["".join(rng.choice(pieces) for _ in range(30)) for _ in range(400)]
    for text in texts + made:
        assert experience._years_named(text) == [int(y) for y in plain_year.findall(text)], text[:80]
        expected = [(m.span(), m.groupdict()) for m in plain_phrase.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in experience.YEARS_PHRASE_RE.plain.finditer(text)] == expected, text[:80]


def test_contract_kind_of_the_opening_read_in_place_is_that_of_its_slice(texts: list[str]) -> None:
    from cv_matcher import pay

    rng = random.Random(47)
    words = ["permanent", "Perm", "contract", "contractor", "fixed-term", "temporary", "temp", "x", " ", "\n", "ı", "İ"]
    made = ["".join(rng.choice(words) for _ in range(rng.randint(50, 200))) for _ in range(300)]
    for text in texts + made:
        for end in (0, 7, 400, len(text)):
            assert pay._kind_of(text, end) == pay._kind_of(text[:end]), (text[max(0, end - 30):end + 30], end)


def test_short_word_unions_without_their_table_give_the_same_hits(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A lexicon with too many sets of short words for the union table works unions out pair by
    pair: the same hits as the full matrix."""
    monkeypatch.setattr(fuzzy, "MAX_UNION_TABLE", 10)
    index = fuzzy.build_index.__wrapped__(cached_lexicon())
    for text in texts[:8] + odd_texts(20):
        doc = phrases.make_doc(text)
        assert fuzzy.fuzzy_hits(doc, index, text) == full_matrix_hits(doc, index, text), text[:80]
    assert index._union_table == [None]
