"""Words of the synthetic corpus: invented names for entities, and how each claim predicate is said in a sentence.

The names are made of syllables so that they read like drug, disease and organisation names without being any
real one; the identifiers that go with them are in the project's own ``ent:`` namespace (``ent:synth-drug-0001``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping

__all__ = ["BOUND_WORDS", "FILLERS", "HEDGES", "NOTES", "ROUTES", "SPECULATIONS", "VERBS", "Namer", "Verb"]

_ONSETS = ("b", "br", "c", "d", "dr", "f", "g", "k", "l", "m", "n", "p", "pr", "r", "s", "t", "tr", "v", "z")
_VOWELS = ("a", "e", "i", "o", "u", "a", "o", "e", "y")
_CODAS = ("", "", "n", "r", "l", "s", "x", "m")
# A few accented letters, so that character offsets are counted on text that is not all ASCII.
_ACCENTED = ("é", "ï", "ö")


def _word(rng: random.Random, syllables: int) -> str:
    parts = [rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)]
    word = "".join(parts)
    if rng.random() < 0.03:
        at = rng.randrange(len(word))
        word = word[:at] + rng.choice(_ACCENTED) + word[at + 1:]
    return word


def _drug(rng: random.Random) -> str:
    suffix = rng.choice(("mab", "tinib", "pril", "olol", "azepam", "vir", "amine", "oxetine", "afil", "statin",
                         "profen", "triptan", "gepant", "idone", "azole"))
    return _word(rng, rng.choice((1, 2))) + suffix


def _disease(rng: random.Random) -> str:
    root = _word(rng, 2)
    return rng.choice((f"chronic {root}ia", f"{root.capitalize()} syndrome", f"{root} disorder",
                       f"{root}itis", f"acute {root}osis", f"{root.capitalize()}'s disease"))


def _phenotype(rng: random.Random) -> str:
    quality = rng.choice(("persistent", "transient", "severe", "mild", "nocturnal", "recurrent", "sudden",
                          "episodic"))
    finding = rng.choice(("dizziness", "nausea", "fatigue", "headache", "tremor", "insomnia", "palpitations",
                          "confusion", "hallucinations", "dry mouth", "blurred vision", "muscle pain"))
    return f"{quality} {finding}" if rng.random() < 0.5 else f"{quality} {_word(rng, 2)}algia"


_NAMERS: Mapping[str, Callable[[random.Random], str]] = {
    "drug": _drug,
    "chemical": lambda rng: f"{_drug(rng)} {rng.choice(('hydrochloride', 'sulfate', 'sodium', 'citrate'))}",
    "disease": _disease,
    "phenotype": _phenotype,
    "molecular-entity": lambda rng: f"{_word(rng, 2).upper()[:4]}-{rng.randint(1, 9)} "
                                    f"{rng.choice(('receptor', 'channel', 'transporter'))}",
    "procedure": lambda rng: f"{_word(rng, 2)} {rng.choice(('infusion', 'nerve block', 'therapy', 'surgery'))}",
    "concept": lambda rng: f"{_word(rng, 2)} " + rng.choice(("coverage rule", "scheduling class", "access programme",
                                                            "dosing protocol", "prior-authorization rule",
                                                            "anesthetic class", "cost barrier")),
    "organization": lambda rng: f"{_word(rng, 2).capitalize()} "
                                + rng.choice(("Health Foundation", "Medical Board", "Health Plan",
                                              "Institute of Neurology", "Drug Agency")),
    "agent": lambda rng: f"researchers at {_word(rng, 2).capitalize()} University",
    "study": lambda rng: f"the {_word(rng, 2).upper()[:5]} {rng.choice(('trial', 'cohort study', 'registry'))}",
    "place": lambda rng: f"{_word(rng, 2).capitalize()} {rng.choice(('County', 'Region', 'Province'))}",
    "population": lambda rng: f"adults treated at {_word(rng, 2).capitalize()} clinics",
}


class Namer:
    """Invent distinct entity labels, type by type, from one random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def label(self, entity_type: str) -> str:
        """Return a new label for an entity of ``entity_type``, different from every label given so far."""
        for _ in range(20):
            label = _NAMERS[entity_type](self.rng)
            if label not in self.taken:
                break
        else:
            label = f"{label} {len(self.taken)}"
        self.taken.add(label)
        return label


class Verb:
    """How a predicate is said: after a singular subject, after a modal verb, and denied."""

    def __init__(self, third: str, base: str, denied: str) -> None:
        self.third = third
        self.base = base
        self.denied = denied


def _verbs(table: Mapping[str, str]) -> dict[str, Verb]:
    """Read ``third | base | denied`` phrasings."""
    return {name: Verb(*(part.strip() for part in forms.split("|"))) for name, forms in table.items()}


#: Object predicates; quantity predicates have sentences of their own.
VERBS: Mapping[str, Verb] = _verbs({
    "treats": "treats | treat | does not treat",
    "prevents": "prevents | prevent | does not prevent",
    "reducesSeverityOf": "reduces the severity of | reduce the severity of | does not reduce the severity of",
    "hasEvidenceOfEfficacyFor": "shows efficacy against | show efficacy against | shows no efficacy against",
    "reducesFrequencyOf": "reduces the frequency of | reduce the frequency of | does not reduce the frequency of",
    "improves": "improves | improve | does not improve",
    "indicatedFor": "is indicated for | be indicated for | is not indicated for",
    "usedToTreat": "is used to treat | be used to treat | is not used to treat",
    "treatmentOptionFor": "is a treatment option for | be a treatment option for | is not a treatment option for",
    "hasRole": "acts as a | act as a | does not act as a",
    "requires": "requires | require | does not require",
    "hasRegulatoryStatus": "falls under the | fall under the | does not fall under the",
    "coveredBy": "is covered by the | be covered by the | is not covered by the",
    "hasAdverseEffect": "is associated with | be associated with | is not associated with",
    "interactsWith": "interacts with | interact with | does not interact with",
    "hasAccessBarrier": "is limited by the | be limited by the | is not limited by the",
    "medicallyNecessaryFor": "is medically necessary for | be medically necessary for | "
                             "is not medically necessary for",
    "needsFurtherStudyFor": "needs further study for | need further study for | needs no further study for",
    "investigatedFor": "is being investigated for | be investigated for | is not being investigated for",
    "investigatedForPreventionOf": "is being investigated for the prevention of | be investigated for the "
                                   "prevention of | is not being investigated for the prevention of",
    "standardTreatmentFor": "is a standard treatment for | be a standard treatment for | "
                            "is not a standard treatment for",
    "wellStudiedFor": "is well studied for | be well studied for | is not well studied for",
    "reduces": "reduces | reduce | does not reduce",
    "mechanismUnderstoodFor": "has a well understood mechanism in | have a well understood mechanism in | "
                              "has no well understood mechanism in",
    "blocks": "blocks | block | does not block",
    "usedIn": "has been used in | be used in | has not been used in",
    "causes": "causes | cause | does not cause",
})

#: Hedged phrasings: a template over the subject ``{s}`` and the modal clause ``{v}``, and its cue words.
HEDGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("{s} may {v}", ("may",)),
    ("{s} can {v}", ("can",)),
    ("{s} might {v}", ("might",)),
    ("evidence suggests that {s} may {v}", ("suggests", "may")),
    ("{s} has the potential to {v}", ("potential",)),
)
SPECULATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("researchers believe that {s} could {v}", ("researchers believe", "could")),
    ("preliminary findings suggest that {s} could {v}", ("preliminary", "suggest", "could")),
    ("it is possible that {s} could {v}", ("it is possible", "could")),
    ("{s} shows promising potential to {v}", ("promising potential",)),
)

BOUND_WORDS: Mapping[str, str] = {"over": "over", "about": "about", "under": "fewer than", "at-least": "at least",
                                  "at-most": "at most", "exactly": "exactly"}
ROUTES = ("intravenous infusion", "intramuscular injection", "oral tablet", "intranasal spray",
          "subcutaneous injection")
NOTES = ("the figure is rounded in the text", "the sentence lists several effects", "an approved strength",
         "the claim is repeated in the summary", "the text names no dose")
#: Sentences that make no claim: headings, advice and boilerplate, as in the curated documents.
FILLERS = (
    "Talk to your healthcare provider before starting any new treatment.",
    "This page is for information only and does not replace medical advice.",
    "What to expect during treatment",
    "Frequently asked questions",
    "Results differ from one person to another.",
    "Keep all medicines out of the reach of children.",
    "The information below was last reviewed by our editorial team \u2013 see the notes at the end.",
)
