"""Tokenizer and phrase matchers (the spaCy side): English tokenisation that keeps hyphenated
words whole, a normalising step, and PhraseMatchers compiled from the lexicon. Built once per
process and lexicon.

Start-up matters (`cv-matcher score` on one CV is mostly start-up), so nothing here is heavier
than it needs to be:
- the tokenizer is spaCy's English tokenizer (same exceptions, prefixes, suffixes, infixes less
  the letter-hyphen-letter rule, token and URL matches, the same Vocab) built directly rather
  than through `spacy.blank("en")`, which also validates a config and then, when the infix rule
  is replaced, compiles the infixes and loads the 1,300 tokenizer exceptions a second time;
- patterns are added to the PhraseMatchers as sequences of attribute hashes, not Docs. An alias
  whose words are plain letters/digits that no tokenizer rule touches is split on spaces (exactly
  what the tokenizer would produce, decided by the tokenizer's own prefix/suffix/infix rules and
  exceptions); any other alias goes through the tokenizer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, NamedTuple

from .normalise import norm_word, short_words, word_in_token
from .resolve import Candidate

if TYPE_CHECKING:  # spaCy is imported lazily: `--help` and text reading must not pay for it
    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from ..lexicon import Lexicon

# Determiners and possessives that CVs put inside duty phrases ("set up a PMO", "set up the PMO").
DETERMINERS = ("a", "an", "the", "our", "their", "his", "her", "its", "my")


@lru_cache(maxsize=1)
def tokenizer() -> "EnglishTokenizer":
    """spaCy's English tokenizer with one change: the infix rule that splits letters-hyphen-letters
    is dropped, so "co-ordinator" stays one token (normalised to "coordinator") and both spellings
    meet. Tokens are what `spacy.blank("en")` with that infix change gives; of the lexical
    attributes, only those in PATTERN_ATTRIBUTES are computed (see LEXICAL_ATTRIBUTES)."""
    return EnglishTokenizer()


# The lexical attributes computed for each new word. spaCy's English vocabulary computes 23 (shape,
# prefix, suffix, stop word, ...) at about 10 microseconds a word, for every word of every new
# document; the matchers read ORTH, the NORM that make_doc sets, and what the token patterns of
# gapped aliases test. compile_matchers refuses a pattern that tests anything else (add it here).
LEXICAL_ATTRIBUTES = ("IS_ALPHA", "IS_DIGIT", "IS_PUNCT", "IS_SPACE", "LIKE_NUM")
PATTERN_ATTRIBUTES = frozenset(LEXICAL_ATTRIBUTES) | {"ORTH", "TEXT", "NORM", "LENGTH", "OP"}


def _lexical_getters() -> dict[int, Any]:
    from spacy import attrs
    from spacy.lang.en import English
    from spacy.lang.lex_attrs import LEX_ATTRS

    english = {**LEX_ATTRS, **English.Defaults.lex_attr_getters}  # as spacy.blank("en") has them
    return {getattr(attrs, name): english[getattr(attrs, name)] for name in LEXICAL_ATTRIBUTES}


class EnglishTokenizer:
    """The tokenizer of tokenizer(), called like a spaCy Tokenizer (its other attributes are the
    spaCy Tokenizer's), with two savings that leave every token as it was:

    - Its 1,350 exceptions ("don't", "Mr.", ":)") cost 40 ms to load. Those with a prefix, suffix,
      infix or whitespace are loaded at once: spaCy also matches them across tokens. The others
      ("cannot", "dont", "C++") only apply to a text that holds them (the whole of a chunk between
      spaces, or a part of one that a prefix, suffix or infix splits), so each is loaded when a
      text holds it and before that text is tokenised.
    - spaCy caches each chunk's tokens but stops saving to the cache for the rest of a text once a
      chunk hits an exception, and nearly every CV has one early (an em dash is one). The text's
      new chunks are first tokenised together, plain ones first, which fills the cache.

    Like spaCy's vocabulary it serves one thread at a time (the Dask executor locks around it).
    """

    def __init__(self) -> None:
        from spacy.lang.en import English
        from spacy.tokenizer import Tokenizer
        from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex
        from spacy.vocab import Vocab

        defaults = English.Defaults
        spacy_tokenizer = Tokenizer(
            Vocab(lex_attr_getters=_lexical_getters()),  # type: ignore[arg-type]  # keyed by attribute id, as spaCy's own
            rules=None,
            prefix_search=compile_prefix_regex(defaults.prefixes or ()).search,
            suffix_search=compile_suffix_regex(defaults.suffixes or ()).search,
            infix_finditer=compile_infix_regex(_without_hyphen_infix(defaults.infixes)).finditer,
            token_match=defaults.token_match,
            url_match=defaults.url_match,
        )
        self.rules: dict[str, list[dict[int, str]]] = dict(defaults.tokenizer_exceptions)  # all, as applied
        find = spacy_tokenizer
        self._pending = {}  # plain exceptions not loaded yet
        eager = {}
        for chunk, tokens in self.rules.items():
            # The test spaCy uses to send an exception to its cross-token pass, and whitespace.
            if find.find_prefix(chunk) or find.find_infix(chunk) or find.find_suffix(chunk) or any(c.isspace() for c in chunk):
                eager[chunk] = tokens
            else:
                self._pending[chunk] = tokens
        spacy_tokenizer.rules = eager
        self._spacy = spacy_tokenizer
        self._longest = max(map(len, self._pending), default=0)
        self._looked_through: set[str] = set()  # chunks already searched for pending exceptions
        self._primed: set[str] = set()  # chunks whose tokens are cached
        # chunks with nothing left to do: searched and primed (or the cache full), since it was last emptied
        self._done: set[str] = set()

    @property
    def vocab(self) -> "Vocab":
        vocab: Vocab = self._spacy.vocab
        return vocab

    def __getattr__(self, name: str) -> Any:
        return getattr(self._spacy, name)

    def __call__(self, text: str, *, prime: bool = True) -> "Doc":
        """Tokenise `text`; `prime`: fill the cache first (worth it for a document, not a phrase)."""
        chunks = set(text.split())
        new = chunks.difference(self._done)  # a text of chunks all met before: one look into one set
        if new:
            if self._load_exceptions(new):  # spaCy's cache was emptied: every chunk is to prime again
                self._done.clear()
                new = chunks
            if prime:
                self._prime_cache(new)
                if len(self._done) > 200_000:  # bounded memory, as _looked_through
                    self._done.clear()
                self._done.update(new)
        doc: Doc = self._spacy(text)
        return doc

    def _load_exceptions(self, chunks: set[str]) -> bool:
        """Load the pending exceptions the chunks may hold; whether any was (spaCy then empties its cache)."""
        pending = self._pending
        if not pending:
            return False
        new = chunks.difference(self._looked_through)
        if not new:
            return False
        if len(self._looked_through) > 200_000:  # bounded memory: looking again is harmless
            self._looked_through.clear()
        self._looked_through.update(new)
        longest = self._longest
        spacy_tokenizer = self._spacy
        found = {chunk for chunk in new if chunk in pending}
        for chunk in new:
            # spaCy looks up a chunk's parts only once a prefix, suffix or infix splits it.
            if spacy_tokenizer.find_prefix(chunk) or spacy_tokenizer.find_suffix(chunk) or spacy_tokenizer.find_infix(chunk):
                found.update(chunk[i:j] for i in range(len(chunk)) for j in range(i + 1, min(len(chunk), i + longest) + 1)
                             if chunk[i:j] in pending)
        for exception in sorted(found):
            self._spacy.add_special_case(exception, pending.pop(exception))
        if found:
            self._primed.clear()  # adding an exception empties spaCy's cache
        return bool(found)

    def _prime_cache(self, chunks: set[str]) -> None:
        if len(self._primed) >= self._spacy.max_cache_size:
            return
        new = chunks.difference(self._primed)
        if new:
            self._primed.update(new)
            rules = self.rules
            self._spacy(" ".join(sorted((c for c in new if c not in rules), key=lambda c: not c.isalnum())))


def _without_hyphen_infix(infixes: Iterable[str]) -> list[str]:
    from spacy.lang.char_classes import ALPHA, HYPHENS

    hyphen_rule = r"(?<=[{a}0-9])(?:{h})(?=[{a}])".format(a=ALPHA, h=HYPHENS)
    return [p for p in infixes if p != hyphen_rule]


def make_doc(text: str) -> "Doc":
    """Tokenise and set each token's NORM to the normalised word form (in one array write: a
    Token object per token costs more than the normalising). The text, the tokens' character
    offsets, their norms and the words typo matching reads are kept with the Doc (doc_info): the
    matchers read them there rather than through Token and Span objects.

    What a token gives (_token_of) is remembered by its ORTH, the hash of its text, which spaCy
    hands over for all tokens in one array: no token's text is cut from the document, and a
    token met before costs one dict lookup (a document is mostly words met before)."""
    import numpy

    from spacy.attrs import NORM, ORTH

    doc = tokenizer()(text)
    starts, ends = _token_bounds(doc)
    infos = _known_tokens(doc.to_array(ORTH).tolist(), text, starts, ends) if len(doc) else []
    if infos:
        doc.from_array([NORM], numpy.array([info[1] for info in infos], dtype="uint64"))  # type: ignore[arg-type]  # one attribute: 1-D
    doc.user_data[_DOC_INFO] = DocInfo(text, list(zip(starts, ends)), [info[0] for info in infos], _words_of(starts, infos))
    return doc


_DOC_INFO = "cv_matcher.doc_info"
_KNOWN: dict[int, "TokenInfo"] = {}  # ORTH -> _token_of(the token's text), for the tokens of recent documents
MAX_KNOWN = 65536


def _known_tokens(orths: list[int], text: str, starts: list[int], ends: list[int]) -> list["TokenInfo"]:
    """_token_of each token, looked up by its ORTH; the tokens not met before are worked out."""
    infos = list(map(_KNOWN.get, orths))
    if None in infos:
        if len(_KNOWN) > MAX_KNOWN:  # bounded memory: working a token out again is harmless
            _KNOWN.clear()
        for i, info in enumerate(infos):
            if info is None:
                infos[i] = _KNOWN[orths[i]] = _token_of(text[starts[i]:ends[i]])
    return infos  # type: ignore[return-value]  # no None is left


class Words(NamedTuple):
    """The words typo matching builds its n-grams of, column by column: each token's word (the
    token stripped of punctuation, normalise.word_in_token) that holds a letter or digit."""

    tokens: list[int]  # the token's index
    starts: list[int]  # character offsets of the word
    ends: list[int]
    shorts: list[frozenset[str]]  # its short words


@dataclass(frozen=True, slots=True)
class DocInfo:
    """What make_doc knows about a Doc: its text (a Doc rebuilds it on each access), each token's
    (start, end) character offsets and norm string, and its words for typo matching."""

    text: str
    spans: list[tuple[int, int]]
    norms: list[str]
    words: Words


def doc_info(doc: "Doc") -> DocInfo:
    """The DocInfo make_doc kept; computed from the Doc for one made otherwise."""
    info = doc.user_data.get(_DOC_INFO)
    if info is None:
        text = doc.text
        starts, ends = _token_bounds(doc)
        infos = [_token_of(text[a:b]) for a, b in zip(starts, ends)]
        info = DocInfo(text, list(zip(starts, ends)), [t.norm_ for t in doc], _words_of(starts, infos))
    return info


def _words_of(starts: list[int], infos: list["TokenInfo"]) -> Words:
    tokens = [i for i, info in enumerate(infos) if info[2] >= 0]
    return Words(tokens, [starts[i] + infos[i][2] for i in tokens], [starts[i] + infos[i][3] for i in tokens],
                 [infos[i][4] for i in tokens])


# A token's norm_word, its StringStore hash, and its word: (start, end) in the token ((-1, -1)
# when it has none) and the word's short words.
TokenInfo = tuple[str, int, int, int, frozenset[str]]
_NO_SHORTS: frozenset[str] = frozenset()


def _token_of(token: str) -> TokenInfo:
    """What a token gives: see TokenInfo (the norm is added to the tokenizer's vocab)."""
    norm = norm_word(token)
    found = word_in_token(token)
    if found is None:
        return norm, tokenizer().vocab.strings.add(norm), -1, -1, _NO_SHORTS
    return norm, tokenizer().vocab.strings.add(norm), found[0], found[1], short_words(token[found[0]:found[1]])


def _token_bounds(doc: "Doc") -> tuple[list[int], list[int]]:
    """The tokens' start and end character offsets (see token_spans)."""
    from spacy.attrs import IDX, LENGTH

    if not len(doc):
        return [], []
    starts = doc.to_array(IDX).astype("int64")
    return starts.tolist(), (starts + doc.to_array(LENGTH).astype("int64")).tolist()


def token_spans(doc: "Doc") -> list[tuple[int, int]]:
    """(start, end) character offsets of each token: its IDX and IDX + LENGTH, read as one array
    each (a list of attributes, or uint64 values to Python ints, costs several times more)."""
    return list(zip(*_token_bounds(doc)))


_PLAIN = re.compile(r"[^\W_]+")  # letters and digits only


@lru_cache(maxsize=None)
def _plain_word(word: str) -> bool:
    """True when the tokenizer keeps `word` whole and untouched: letters/digits only, no exception
    for it, and none of its prefix, suffix or infix rules applies."""
    tok = tokenizer()
    if word.isascii() and word.isalpha():
        # Every English prefix, suffix and infix rule needs a digit, a symbol or punctuation
        # (tests/test_speedups.py checks every lexicon phrase against the tokenizer).
        return word not in tok.rules
    find = tok._spacy
    return bool(_PLAIN.fullmatch(word)) and word not in tok.rules and not find.find_prefix(word) \
        and not find.find_suffix(word) and not find.find_infix(word)


def words_of(text: str) -> list[str]:
    """The token texts the tokenizer gives for `text`, cheaply: a split on single spaces when every
    word is plain (see _plain_word), else the tokenizer itself."""
    words = text.split(" ")
    if all(map(_plain_word, words)):
        return words
    return [t.text for t in tokenizer()(text, prime=False)]


INSERTED_DETERMINERS = ("the", "a", "all", "our")


def alias_variants(alias: str, *, verb_phrase: bool = False) -> set[str]:
    """Spellings of one alias worth matching: as written, hyphens as spaces, two words joined,
    and with a determiner swapped or dropped ("set up a PMO" -> "set up the PMO", "set up PMO").
    A two-word duty ("manage diaries") also matches with a determiner after its verb
    ("manage the diaries"), as CVs write it."""
    out = {alias}
    if "-" in alias:
        out.add(alias.replace("-", " "))
    words = alias.split()
    if len(words) == 2 and len(alias) <= 16:
        out.add("".join(words))
    if verb_phrase and len(words) == 2 and words[0].islower():
        out.update(f"{words[0]} {det} {words[1]}" for det in INSERTED_DETERMINERS)
    for i, w in enumerate(words):
        if 0 < i < len(words) - 1 and w.lower() in DETERMINERS:  # inside the phrase only ("IPMA Level A" keeps its A)
            for det in DETERMINERS + ("",):
                variant = " ".join(x for x in words[:i] + [det] + words[i + 1:] if x)
                if len(variant.split()) >= 2:  # never shrink a phrase to one bare word
                    out.add(variant)
    return out


GAP = " ... "  # in an alias: up to MAX_GAP words may stand here ("book ... crews" = "book survey and install crews")
MAX_GAP = 3


def gapped_pattern(alias: str) -> list[dict[str, Any]]:
    """A token pattern for an alias with gaps: each part's normalised words, then a few words."""
    pattern: list[dict[str, Any]] = []
    for i, part in enumerate(alias.split(GAP)):
        if i:
            pattern.append({"IS_PUNCT": False, "IS_SPACE": False, "OP": f"{{0,{MAX_GAP}}}"})
        pattern += [{"NORM": t.norm_} for t in make_doc(part.strip())]
    return pattern


class GappedAliases:
    """The aliases with gaps, found by a scan of the tokens' norms: a token where an alias's first
    word is met starts a search for its next part after 0 to MAX_GAP tokens that are neither
    punctuation nor space, and so on to its last part. The (term, start token, end token) triples
    are those spaCy's Matcher gives for gapped_pattern (tests/test_speedups.py compares them): the
    Matcher steps a state for every pattern at every token, about 2 ms a CV."""

    def __init__(self, aliases: list[tuple[str, list[list[str]]]], others: "Matcher | None" = None) -> None:
        # the first word of the first part -> (term id, each part's norms, all its words), in lexicon order
        self.by_first: dict[str, list[tuple[str, list[list[str]], frozenset[str]]]] = {}
        for term_id, parts in aliases:
            self.by_first.setdefault(parts[0][0], []).append((term_id, parts, frozenset(w for part in parts for w in part)))
        self.count = len(aliases) + (len(others) if others is not None else 0)
        self.others = others  # spaCy's Matcher for patterns of another form (a gap at an end), if any

    def __len__(self) -> int:
        return self.count

    def find(self, sdoc: "Doc", info: DocInfo) -> list[tuple[str, int, int]]:
        found = self._scan(info)
        if self.others is not None and len(self.others):
            strings = sdoc.vocab.strings
            found += [(strings[match_id], s, e) for match_id, s, e in self.others(sdoc)]
        return found

    def _live(self, norms: list[str]) -> dict[str, list[tuple[str, list[list[str]], frozenset[str]]]]:
        """by_first less the aliases some of whose words the text lacks: they cannot match, and the
        first words of most ("support", "manage") are in every CV while their other words are not."""
        present = set(norms)
        live = {}
        for first, entries in self.by_first.items():
            if first in present:
                kept = [entry for entry in entries if entry[2] <= present]
                if kept:
                    live[first] = kept
        return live

    def _scan(self, info: DocInfo) -> list[tuple[str, int, int]]:
        norms = info.norms
        by_first = self._live(norms)
        found: list[tuple[str, int, int]] = []
        seen: set[tuple[str, int, int]] = set()
        if not by_first:
            return found
        for i, norm in enumerate(norms):
            entries = by_first.get(norm)
            if entries is None:
                continue
            for term_id, parts, _ in entries:
                for end in self._ends(info, parts, 0, i):
                    match = (term_id, i, end)
                    if match not in seen:
                        seen.add(match)
                        found.append(match)
        return found

    def _ends(self, info: DocInfo, parts: list[list[str]], k: int, i: int) -> Iterable[int]:
        """The token ends of the matches of parts[k:] that start at token i."""
        part = parts[k]
        j = i + len(part)
        norms = info.norms
        if j > len(norms) or norms[i:j] != part:
            return
        if k == len(parts) - 1:
            yield j
            return
        if parts[k + 1][0] not in norms[j:j + MAX_GAP + 1]:
            return  # the next part starts nowhere within reach (its first word would be met there)
        text, spans = info.text, info.spans
        for gap in range(MAX_GAP + 1):
            if gap and not _gap_word(text[spans[j + gap - 1][0]:spans[j + gap - 1][1]]):
                break
            if j + gap >= len(norms):
                break
            yield from self._ends(info, parts, k + 1, j + gap)


@lru_cache(maxsize=65536)
def _gap_word(token: str) -> bool:
    """What a gap token of gapped_pattern must be: not IS_PUNCT and not IS_SPACE (lexical
    attributes: functions of the token's text)."""
    lexeme = tokenizer().vocab[token]
    return not lexeme.is_punct and not lexeme.is_space


_GAP_TOKEN = {"IS_PUNCT": False, "IS_SPACE": False, "OP": f"{{0,{MAX_GAP}}}"}


def _gapped_parts(pattern: list[dict[str, Any]]) -> list[list[str]] | None:
    """The norms of each part of a gapped_pattern, or None when it is not words and gaps in turn
    (a gap at an end, two in a row, a token testing something else)."""
    parts: list[list[str]] = [[]]
    for token in pattern:
        if token == _GAP_TOKEN:
            parts.append([])
        elif token.keys() == {"NORM"}:
            parts[-1].append(token["NORM"])
        else:
            return None
    return parts if len(parts) > 1 and all(parts) else None


@dataclass(frozen=True)
class CompiledMatchers:
    norm: "PhraseMatcher"  # aliases on normalised word forms
    cased: "PhraseMatcher"  # acronyms that must keep their exact spelling ("PMP", "MSP")
    gapped: GappedAliases  # aliases with gaps ("book ... crews")
    alias_of: dict[tuple[str, str], str]  # (term id, normalised alias key) -> the alias as written


def _norm_key(doc: "Doc") -> str:
    return " ".join(t.norm_ for t in doc)


@lru_cache(maxsize=8)
def compile_matchers(lexicon: "Lexicon") -> CompiledMatchers:
    from spacy.matcher import PhraseMatcher

    vocab = tokenizer().vocab
    hashes: dict[str, int] = {}

    def add_string(text: str) -> int:
        found = hashes.get(text)
        if found is None:
            found = hashes[text] = vocab.strings.add(text)
        return found

    norm_matcher = PhraseMatcher(vocab, attr="NORM")
    cased_matcher = PhraseMatcher(vocab, attr="ORTH")
    gapped: list[tuple[str, list[list[str]]]] = []
    others = None  # a spaCy Matcher for gapped patterns the scan does not take
    alias_of: dict[tuple[str, str], str] = {}
    for term in lexicon.terms.values():
        gaps = [gapped_pattern(a) for a in term.aliases if GAP in a]
        for key in {key for pattern in gaps for token in pattern for key in token} - PATTERN_ATTRIBUTES:
            raise ValueError(f"a token pattern of '{term.id}' tests {key}, which the tokenizer's vocabulary "
                             "does not compute: add it to phrases.LEXICAL_ATTRIBUTES")
        odd = []
        for pattern in gaps:
            parts = _gapped_parts(pattern)
            if parts is None:
                odd.append(pattern)
            else:
                gapped.append((term.id, parts))
        if odd:
            from spacy.matcher import Matcher

            others = Matcher(vocab) if others is None else others
            others.add(term.id, odd)
        # A pattern is the sequence of its tokens' attribute hashes (NORM or ORTH): what
        # PhraseMatcher.add makes of a Doc, without building one per alias variant.
        patterns: dict[str, list[int]] = {}
        for alias in term.aliases:
            if GAP in alias:
                continue
            for variant in alias_variants(alias, verb_phrase=term.kind == "duty"):
                norms = [norm_word(w) for w in words_of(variant)]
                key = " ".join(norms)
                alias_of.setdefault((term.id, key), alias)
                if norms and key not in patterns:
                    patterns[key] = [add_string(n) for n in norms]
        if patterns:
            norm_matcher.add(term.id, list(patterns.values()))  # type: ignore[arg-type]  # token-id lists, as PhraseMatcher keeps them (see above)
        cased = [[add_string(w) for w in words_of(a)] for a in term.cased]
        if any(cased):
            cased_matcher.add(term.id, [p for p in cased if p])  # type: ignore[misc]  # token-id lists, as PhraseMatcher keeps them (see above)
    return CompiledMatchers(norm=norm_matcher, cased=cased_matcher, gapped=GappedAliases(gapped, others), alias_of=alias_of)


def exact_candidates(sdoc: "Doc", lexicon: "Lexicon") -> list[Candidate]:
    """The phrase-matcher, gapped-alias and cased-acronym candidates of a Doc from make_doc, in
    that order; offsets, texts and norm keys come from its DocInfo (a Span per match cost more
    than the matching)."""
    compiled = compile_matchers(lexicon)
    info = doc_info(sdoc)
    text, spans, norms = info.text, info.spans, info.norms
    strings = sdoc.vocab.strings
    terms = lexicon.terms
    alias_of = compiled.alias_of
    out = []
    for match_id, s, e in compiled.norm(sdoc):
        term_id = strings[match_id]
        term = terms[term_id]
        start, end = spans[s][0], spans[e - 1][1]
        alias = alias_of.get((term_id, " ".join(norms[s:e])), term.label)
        method = "exact" if text[start:end].lower() == term.label.lower() else "alias"
        out.append(Candidate(term_id, start, end, method, alias))
    for term_id, s, e in compiled.gapped.find(sdoc, info) if len(compiled.gapped) else ():
        out.append(Candidate(term_id, spans[s][0], spans[e - 1][1], "alias", terms[term_id].label))
    for match_id, s, e in compiled.cased(sdoc):
        start, end = spans[s][0], spans[e - 1][1]
        out.append(Candidate(strings[match_id], start, end, "exact", text[start:end]))
    return out
