"""The spaCy side: a blank English tokenizer that keeps hyphenated words whole, a normalising
step, and PhraseMatchers compiled from the lexicon. Built once per process and lexicon."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

from .normalise import norm_word

if TYPE_CHECKING:  # spaCy is imported lazily: `--help` and text reading must not pay for it
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc

    from ..lexicon import Lexicon

# Determiners and possessives that CVs put inside duty phrases ("set up a PMO", "set up the PMO").
DETERMINERS = ("a", "an", "the", "our", "their", "his", "her", "its", "my")


@lru_cache(maxsize=1)
def blank_nlp() -> "Language":
    import spacy
    from spacy.util import compile_infix_regex

    nlp = spacy.blank("en")
    # Drop the infix rule that splits letters-hyphen-letters: "co-ordinator" stays one token
    # (normalised to "coordinator"), so both spellings meet.
    nlp.tokenizer.infix_finditer = compile_infix_regex(_without_hyphen_infix(nlp)).finditer
    return nlp


def _without_hyphen_infix(nlp: "Language") -> list[str]:
    from spacy.lang.char_classes import ALPHA, HYPHENS

    hyphen_rule = r"(?<=[{a}0-9])(?:{h})(?=[{a}])".format(a=ALPHA, h=HYPHENS)
    return [p for p in nlp.Defaults.infixes if p != hyphen_rule]


def make_doc(text: str) -> "Doc":
    """Tokenise and set each token's NORM to the normalised word form."""
    doc = blank_nlp().make_doc(text)
    for token in doc:
        token.norm_ = norm_word(token.text)
    return doc


def alias_variants(alias: str) -> set[str]:
    """Spellings of one alias worth matching: as written, hyphens as spaces, two words joined,
    and with a determiner swapped or dropped ("set up a PMO" -> "set up the PMO", "set up PMO")."""
    out = {alias}
    if "-" in alias:
        out.add(alias.replace("-", " "))
    words = alias.split()
    if len(words) == 2 and len(alias) <= 16:
        out.add("".join(words))
    for i, w in enumerate(words):
        if 0 < i < len(words) - 1 and w.lower() in DETERMINERS:  # inside the phrase only ("IPMA Level A" keeps its A)
            for det in DETERMINERS + ("",):
                variant = " ".join(x for x in words[:i] + [det] + words[i + 1:] if x)
                if len(variant.split()) >= 2:  # never shrink a phrase to one bare word
                    out.add(variant)
    return out


@dataclass(frozen=True)
class CompiledMatchers:
    norm: "PhraseMatcher"  # aliases on normalised word forms
    cased: "PhraseMatcher"  # acronyms that must keep their exact spelling ("PMP", "MSP")
    alias_of: dict[tuple[str, str], str]  # (term id, normalised alias key) -> the alias as written


def _norm_key(doc: "Doc") -> str:
    return " ".join(t.norm_ for t in doc)


def _add(matcher: "PhraseMatcher", key: str, docs: Iterable["Doc"]) -> None:
    docs = list(docs)
    if docs:
        matcher.add(key, docs)


@lru_cache(maxsize=8)
def compile_matchers(lexicon: "Lexicon") -> CompiledMatchers:
    from spacy.matcher import PhraseMatcher

    nlp = blank_nlp()
    norm_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
    cased_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    alias_of: dict[tuple[str, str], str] = {}
    for term in lexicon.terms.values():
        docs = []
        for alias in term.aliases:
            for variant in alias_variants(alias):
                doc = make_doc(variant)
                alias_of.setdefault((term.id, _norm_key(doc)), alias)
                docs.append(doc)
        _add(norm_matcher, term.id, docs)
        _add(cased_matcher, term.id, (nlp.make_doc(a) for a in term.cased))
    return CompiledMatchers(norm=norm_matcher, cased=cased_matcher, alias_of=alias_of)
