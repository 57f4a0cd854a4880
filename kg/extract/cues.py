"""The cue lists the extractor reads a sentence with: plain data, general to the language of health documents.

Negation follows NegEx (Chapman et al., 2001) and its successor ConText: a trigger negates what follows it,
up to a window of words or a word that ends the clause; pseudo-triggers look like negation but are not
("not only", "no doubt"). Hedges and speculation cues follow the same forward reading. Nothing here names a
particular document, drug or disease.
"""

from __future__ import annotations

__all__ = [
    "AGENT_NOUNS",
    "ANAPHORS",
    "ATTRIBUTION_AFTER",
    "ATTRIBUTION_BEFORE",
    "AUXILIARIES",
    "CLAUSE_AFTER_COMMA",
    "CONDITION_NOUNS",
    "EVIDENCE_NEGATIONS",
    "HEDGES",
    "NEGATIONS",
    "NEGATION_WINDOW",
    "PSEUDO_NEGATIONS",
    "READER_DIRECTIVES",
    "REPORTING_WORDS",
    "SOURCE_DOCUMENTS",
    "SPECULATION",
    "STUDY_ANAPHORS",
    "TERMINATORS",
]

#: Negation triggers whose scope runs forward over at most NEGATION_WINDOW words.
NEGATIONS = (
    "no", "not", "never", "without", "cannot", "can't", "don't", "doesn't", "didn't", "isn't", "aren't",
    "wasn't", "weren't", "won't", "neither", "nor", "none", "failed", "fails", "fail to", "failed to",
    "tried and failed", "denied", "denies", "deny", "unable to", "absence of", "free of", "ruled out",
    "rules out", "no longer",
)
#: Triggers that deny the evidence for what follows; their scope runs to the end of the clause.
EVIDENCE_NEGATIONS = (
    "lack of", "lacks", "lacking", "is lacking", "are lacking", "paucity of", "insufficient", "no evidence",
    "little evidence", "no data", "not well studied", "not been studied",
)
#: Phrases that contain a negation word but negate nothing; directives ("do not co-administer") state a
#: warning, which is affirmed.
PSEUDO_NEGATIONS = (
    "not only", "not just", "not without", "no doubt", "not necessarily", "whether or not", "if not",
    "not to mention", "not limited to", "no change", "do not co-administer", "do not administer", "do not use",
    "should not be used", "should not be administered", "must not be used", "not recommended",
)
NEGATION_WINDOW = 8

#: Cues of a hedged claim: the document signals uncertainty.
HEDGES = (
    "may", "might", "can", "suggest", "suggests", "suggested", "indicate", "indicates", "potential",
    "potentially", "preliminary", "possibly", "probably", "perhaps", "likely", "appears to", "appear to",
    "seems to", "seem to", "reportedly", "some evidence", "limited evidence",
)
#: Cues of a speculative claim: conjecture, belief or prospect.
SPECULATION = (
    "could", "would", "believe", "believes", "believed", "researchers believe", "scientists believe",
    "experts believe", "it is possible", "is possible", "is thought to", "are thought to", "thought to",
    "promising", "promise", "hope", "hopes", "hoped", "hopeful", "speculate", "speculated", "one day",
    "in the future",
)

#: Words that end the scope of a negation or hedge: a new clause starts after them.
TERMINATORS = (
    "but", "however", "although", "though", "whereas", "while", "which", "who", "whom", "whose", "unless",
    "except", "nevertheless", "aside from", "apart from", ";", ":",
)
#: Words that start a new clause when they follow a comma.
CLAUSE_AFTER_COMMA = ("as", "because", "since", "so", "when", "if", "where", "researchers", "it", "they")
#: After "and", these words start a new verb phrase, which ends the scope ("not covered and can be costly").
AUXILIARIES = (
    "can", "could", "may", "might", "will", "would", "should", "must", "is", "are", "was", "were", "has",
    "have", "had", "did", "does", "do", "found", "called", "concluded", "reported", "showed", "suggested",
)
#: Words after which "that" introduces what was said rather than a relative clause.
REPORTING_WORDS = (
    "suggest", "suggests", "suggested", "believe", "believes", "believed", "found", "find", "finds", "show",
    "shows", "showed", "shown", "indicate", "indicates", "indicated", "report", "reports", "reported",
    "conclude", "concludes", "concluded", "state", "states", "stated", "say", "says", "said", "think", "thinks",
    "thought", "note", "notes", "noted", "estimate", "estimates", "estimated", "claim", "claims", "claimed",
    "demonstrate", "demonstrates", "demonstrated", "confirm", "confirms", "confirmed", "hope", "hopes",
    "possible", "likely", "unlikely", "clear", "evident", "known", "is", "was", "so", "ensure",
)

#: Phrases after which the agent a claim is attributed to is named ("according to the Foundation").
ATTRIBUTION_AFTER = (
    "according to", "conducted by", "carried out by", "published by", "led by", "funded by", "reported by",
    "as stated by", "per",
)
#: Verbs before which the agent a claim is attributed to is named ("researchers believe", "a study found").
ATTRIBUTION_BEFORE = (
    "cautioned", "cautions", "caution", "warned",
    "suggest", "suggests", "suggested", "found", "finds", "find", "report", "reports", "reported", "show",
    "shows", "showed", "conclude", "concludes", "concluded", "state", "states", "stated", "believe",
    "believes", "say", "says", "said", "estimate", "estimates", "estimated", "recommend", "recommends",
    "warn", "warns", "claim", "claims", "note", "notes", "noted", "argue", "argues", "demonstrated",
    "demonstrates", "are exploring", "is exploring", "are investigating", "is investigating", "are studying",
    "is studying", "have found", "has found", "have shown", "has shown", "have reported", "has reported",
    "denied", "denies", "determined", "decided", "ruled",
)
#: Unnamed agents a document may cite ("researchers believe"); matched to a vocabulary agent by this noun.
AGENT_NOUNS = ("researchers", "scientists", "experts", "investigators", "clinicians", "doctors", "authors")
#: Named sources that are documents of an agent rather than the agent ("under current FDA guidelines").
SOURCE_DOCUMENTS = ("guidelines", "guideline", "guidance", "recommendations", "labeling", "labelling", "label")

#: Words that refer back to the treatment last named.
ANAPHORS = (
    "it", "its", "this drug", "the drug", "this medication", "the medication", "this treatment",
    "the treatment", "this therapy", "the therapy", "this agent", "the agent", "this medicine", "the medicine",
    "they", "these drugs", "these treatments",
)
#: Nouns that, after "this", "these" or "the" (and at most one adjective), refer back to the condition last
#: named ("this neurological condition", "the patient").
CONDITION_NOUNS = ("condition", "conditions", "disease", "disorder", "illness", "syndrome", "patient")
#: Words that refer back to the study last named.
STUDY_ANAPHORS = ("this study", "the study", "this trial", "the trial", "this review", "these studies",
                  "this case series", "the case series", "this research")
#: Sentences that tell the reader what to do next make no claim ("consult your doctor", "see section 17").
READER_DIRECTIVES = (
    "consult", "contact", "see", "check out", "visit", "call", "click", "learn more", "read more",
    "find more", "to report", "sign up", "book", "subscribe", "talk to your", "ask your",
)
