"""What kind of claim a sentence makes, read from its wording, and which predicate says it.

Each category has a list of cue patterns, each strong (weight 2) or weak (weight 1). A sentence's categories are
the best-scoring one and any other with a strong cue and at least a third of the best score. Each category then
picks its subjects and objects by entity type, and a predicate for each object from an ordered list of rules:
the first rule whose pattern occurs in the sentence and whose object types fit gives the predicate. Only
predicates of the ontology (``cekg:ClaimPredicate``) are used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..vocab import Category, EntityType

__all__ = [
    "CATEGORY_CUES",
    "FRAMES",
    "OBJECT_TYPES",
    "PREDICATE_RULES",
    "PRIORITY",
    "ROLE_CATEGORIES",
    "ROLE_PATTERN",
    "SUBJECT_TYPES",
    "CategoryScore",
    "PredicateRule",
    "chosen_categories",
    "frame_spans",
    "score_categories",
]

E = EntityType
INTERVENTIONS = frozenset({E.DRUG, E.CHEMICAL, E.PROCEDURE})
CONDITIONS = frozenset({E.DISEASE, E.PHENOTYPE})

#: Cue patterns of each category, with their weights (2 strong, 1 weak).
CATEGORY_CUES: dict[Category, tuple[tuple[str, int], ...]] = {
    Category.PREVALENCE: (
        (r"\bprevalen(?:ce|t)\b", 2), (r"\bincidence\b", 2), (r"\b(?:affects?|affected|affecting)\b", 1),
        (r"\b(?:million|billion|thousand)\b", 2), (r"%|\bper ?cent\b", 1), (r"\b(?:one|1) in \d+\b", 2),
        (r"\bsuffer(?:s|ing)? from\b", 1), (r"\bexperiences?\b", 1), (r"\blive with\b", 1),
        (r"\bworldwide\b", 1), (r"\bdiagnosed (?:each|every) year\b", 2),
    ),
    Category.PRESENTATION: (
        (r"\bsymptoms?\b", 2), (r"\bsigns? (?:of|and)\b", 2), (r"\bcharacteri[sz]ed by\b", 2),
        (r"\bpresents? with\b", 2), (r"\bmanifest", 2), (r"\bcauses?\b", 1), (r"\brecurring\b", 1),
        (r"\bpersist(?:s|ent)?\b", 1), (r"\bsuffer(?:s|ing)? from\b", 1), (r"\brequire\b", 1),
        (r"\battacks?\b", 1), (r"\blasts? (?:for )?(?:hours|days)\b", 2),
        (r"\b(?:the|this) (?:condition|disease|disorder|illness|syndrome) (?:causes|leads to|results in)\b", 2),
        (r"\bis an? (?:\w+ ){0,3}(?:disease|disorder|condition|syndrome)\b", 2),
        (r"\b(?:a|the) (?:leading|major|common|main) cause of\b", 2),
    ),
    Category.MECHANISM: (
        (r"\bmechanisms?\b", 2), (r"\breceptors?\b", 2), (r"\bantagonis", 2), (r"\bagonis", 2),
        (r"\bblock(?:s|ed|ing|ade)?\b", 2), (r"\binhibit", 2), (r"\bbinds?\b", 2), (r"\bpathways?\b", 2),
        (r"\bneurotransmit", 2), (r"\bworks? by\b", 2), (r"\bby doing so\b", 2), (r"\bthereby\b", 2),
        (r"\bacts? on\b", 2), (r"\bmodulat", 2), (r"\binflammat", 1), (r"\bability to\b", 1),
        (r"\bin the brain\b", 1), (r"\b(?:glutamate|serotonin|dopamine|gaba)\b", 1),
        (r"\bmimic(?:s|king)?\b", 2), (r"\bsignal(?:l)?ing\b", 2), (r"\bproduction (?:of|by)\b", 2),
        (r"\binduc(?:e|es|ed|ing)\b", 2), (r"\bhormones?\b", 1), (r"\bsensitivity\b", 1), (r"\bappetite\b", 1),
    ),
    Category.EFFICACY: (
        (r"\beffective(?:ness)?\b", 2), (r"\befficacy\b", 2), (r"\befficacious\b", 2),
        (r"\bimprov(?:e|es|ed|ement|ing)\b", 2), (r"\b(?:reduce[sd]?|reducing|reduction)\b", 2),
        (r"\brelie(?:f|ve|ves|ved)\b", 2), (r"\bbenefi(?:t|ts|cial)\b", 2), (r"\boutcomes?\b", 2),
        (r"\bfailed\b", 2), (r"\brespon(?:se|ded|d)\b", 1), (r"\bremission\b", 2), (r"\bpromising\b", 1),
        (r"\bshown to\b", 1), (r"\bfrequency\b", 1), (r"\bseverity\b", 1), (r"\bprevent(?:ion|s|ed)?\b", 1),
        (r"\bquality of life\b", 1), (r"\bsupport\b", 1),
        (r"\bimprovements\b", 2), (r"\bfewer\b", 2),
        (r"\b(?:lost|losing|loss of)\b[^.;]{0,40}\bweight\b|\bweight loss\b", 2),
        (r"\bresponders?\b", 2), (r"\bp ?[<=] ?0?\.\d+", 2),
        (r"\bend ?points?\b", 1), (r"\bno longer\b", 1), (r"\bsignificantly\b", 1), (r"\blost\b", 1),
        (r"\beas(?:e|es|ed)\b", 2), (r"\bfreedom\b", 1), (r"\bhelps?\b", 1), (r"\bresults?\b", 1),
        (r"\baverage\b", 1), (r"\bno longer (?:met|meets?|had|has|have|needed|needs?|required|requires?)\b", 2),
        (r"\bshown to (?:treat|improve|reduce|relieve|prevent|work|be effective)\b", 2),
        (r"\b(?:reached|met|achieved|missed) (?:the|its|their) (?:primary|secondary|main) end ?points?\b", 2),
        (r"\bslow(?:s|ed|ing)? (?:the )?(?:decline|progression|worsening)\b|\bmore slowly\b", 2),
        (r"\b(?:lower(?:ed|s)?|reduc(?:ed|es|e)|cut|decreas(?:ed|es|e)) (?:the )?risks?\b", 2),
    ),
    Category.ADVERSE_EFFECT: (
        (r"\bside[- ]effects?\b", 2), (r"\badverse (?:reactions?|events?|effects?)\b", 2),
        (r"\btoxicit", 2), (r"\binteractions?\b", 2), (r"\bco-?administ", 2), (r"\bconcomitant\b", 2),
        (r"\bcontraindicat", 2), (r"\bwarnings?\b", 1), (r"\boverdose\b", 2), (r"\bdependence\b", 2),
        (r"\babuse\b", 2), (r"\brisks? of\b", 2), (r"\bcan cause\b", 1),
        (r"\bwell[- ]tolerated\b|\btolerab", 2), (r"\bnot recommended\b", 2), (r"\brisks?\b", 1),
        (r"\bassociated with\b", 1), (r"\bconcern\b", 1), (r"\bmore frequent\b", 2), (r"\bserious\b", 1),
        (r"\brecreational\b|\billicit\b|\bmisuse\b", 2),
        (r"\bserious (?:adverse \w+|infections?|reactions?|events?|harms?|complications?)\b", 2),
        (r"\bassociation with\b", 1), (r"\bdeaths?\b", 1),
    ),
    Category.REGULATORY_STATUS: (
        (r"\bFDA\b|\bFood and Drug Administration\b", 2), (r"\bapprov(?:al|ed)\b", 2), (r"\boff-label\b", 2),
        (r"\bschedule (?-i:I|II|III|IV|V)\b|(?-i:\bC(?:II|III|IV|V)\b)", 2), (r"\bcontrolled substance\b", 2),
        (r"\bguidelines?\b", 1), (r"\bregulatory\b", 2), (r"\bprescription[- ]only\b", 2),
        (r"\bshould be administered\b", 2), (r"\bunder the (?:direction|supervision)\b", 2),
        (r"\bmust be (?:\w+ )?available\b", 2), (r"\bmonitor\b", 2), (r"\bupheld\b", 2), (r"\boverturned\b", 2),
        (r"\bdetermination\b", 1), (r"\bfor (?:intravenous|intramuscular|oral|subcutaneous)\b", 1),
        (r"\bessential medicines\b", 2), (r"\bbrand names?\b", 1),
        (r"\b(?:introduced|launched|marketed) (?:as an? (?:medication|medicine|drug)|in (?:the )?[A-Z])", 2),
        (r"\brestricted (?:program|programme|distribution)\b|\bREMS\b", 2),
    ),
    Category.ACCESS_AND_COST: (
        (r"\bcosts?\b|\bcostly\b", 2), (r"\bexpensive\b", 2), (r"\bafford", 2), (r"\bprices?\b", 2),
        (r"\binsurance\b", 2), (r"\binsurer\b", 1), (r"\bcover(?:ed|age|s)?\b", 2), (r"\breimburs", 2),
        (r"\bout-of-pocket\b", 2), (r"\baccess\b", 2), (r"\bavailability\b", 1), (r"\blimited\b", 1),
        (r"\bmedically necessary\b|\bmedical necessity\b", 2), (r"\bdenied\b|\bdenial\b", 2),
        (r"\bprior authori[sz]ation\b", 2),
        (r"\bgeneric\b", 2), (r"\binexpensive\b|\bcheap\b|\blow-cost\b", 2), (r"\$\s?\d", 2),
        (r"\bper month\b", 1),
    ),
    Category.INDICATION: (
        (r"\bindicated\b", 2), (r"\bindications?\b", 2), (r"\bused to treat\b", 2),
        (r"\btreat(?:s|ing|ed)?\b", 1), (r"\btreatment\b", 1), (r"\btreatment options?\b", 2),
        (r"\boption for\b", 2), (r"\bprescribed for\b", 2), (r"\buse has expanded\b", 2),
        (r"\bused (?:for|in the treatment)\b", 2),
        (r"\b(?:offers?|provides?)\b", 1), (r"\b(?:therap(?:y|ies)|treatments?|infusions?) for\b", 1),
        (r"\bfirst-line\b", 2), (r"\bby mouth\b|\borally\b", 2),
    ),
    Category.HISTORY: (
        (r"\bhistorically\b", 2), (r"\bhistory\b", 2), (r"\boriginally\b", 2), (r"\btraditionally\b", 2),
        (r"\bfirst (?:synthesi[sz]ed|developed|introduced|used)\b", 2), (r"\bin the (?:19|20)\d0s\b", 2),
        (r"\bfor decades\b", 2),
        (r"\bdiscovered\b", 2), (r"\bfirst (?:described|gained|marketed)\b", 2), (r"\bintroduced\b", 1),
        (r"\bpatented\b", 2),
    ),
    Category.RESEARCH_STATUS: (
        (r"\bresearch\b", 2),
        (r"\bresearchers\b(?! (?:reported|report|said|say|says|found|noted|concluded|wrote|estimate|estimated)\b)", 2),
        (r"\bunderway\b|\bunder way\b|\bongoing\b", 2),
        (r"\bfurther (?:studies|study|research)\b", 2), (r"\bmore (?:studies|research)\b", 2),
        (r"\bclinical trials?\b", 2), (r"\bcontrolled trials?\b", 2), (r"\binvestigat", 2), (r"\bexploring\b", 2),
        (r"\bpreliminary\b", 2), (r"\bearly results\b", 2), (r"\bcalled for\b|\bcalls for\b", 2),
        (r"\bliterature\b", 2), (r"\bpeer-reviewed\b", 2), (r"\bpaucity\b", 2), (r"\bneeds? (?:more|further)\b", 2),
        (r"\bstud(?:y|ies)\b", 1),
        (r"\benrolled\b", 2), (r"\brandomi[sz]ed\b|\brandomly assigned\b", 2),
        (r"\bphase (?:[1-4]|I{1,3}V?)\b", 2),
        (r"\bdouble-blind\b", 2), (r"\bprimary end ?point\b", 2), (r"\bfunded by\b|\bsponsored by\b", 2),
        (r"\bfollow-up\b|\bfollowed up\b", 1), (r"\b(?:median|mean) follow-up\b", 2),
        (r"\bparticipants\b", 1), (r"\bn ?= ?\d+", 2),
        (r"\bneeded\b", 1), (r"\bplacebo\b", 1),
    ),
}

#: Wordings that frame the rest of their clause as research or as a mechanism: the cues of other categories
#: inside them describe what is studied ("exploring the possibility of using X as a treatment option") or what
#: follows from the mechanism ("by doing so, X reduces pain"), not a claim of their own.
FRAMES: dict[Category, tuple[str, ...]] = {
    Category.RESEARCH_STATUS: (
        r"\bexploring\b", r"\binvestigat\w*\b", r"\bunder ?way\b", r"\bongoing\b", r"\bare studying\b",
        r"\bbeing studied\b", r"\btrials? (?:of|testing)\b",
    ),
    Category.PRESENTATION: (
        r"\b(?:the|this) (?:condition|disease|disorder|illness|syndrome) (?:causes|leads to|results in)\b",
    ),
    Category.EFFICACY: (
        r"\b(?:improv(?:ed|es|e)|reduc(?:ed|es|e)|reliev(?:ed|es|e)|alleviat(?:ed|es|e)) (?:the )?signs\b",
        r"\b(?:lower(?:ed|s)?|reduc(?:ed|es|e)|cut|decreas(?:ed|es|e)) (?:the )?risks?\b",
    ),
    Category.MECHANISM: (
        r"\bby doing so\b", r"\bthereby\b", r"\bworks? by\b", r"\bby (?:blocking|inhibiting|binding)\b",
        r"\bthis leads to\b",
    ),
}

#: Which category wins a tie, most specific first.
PRIORITY: tuple[Category, ...] = (
    Category.PREVALENCE, Category.ADVERSE_EFFECT, Category.MECHANISM, Category.REGULATORY_STATUS,
    Category.ACCESS_AND_COST, Category.RESEARCH_STATUS, Category.EFFICACY, Category.PRESENTATION,
    Category.HISTORY, Category.INDICATION,
)

#: The entity types a category's claims are about (their subjects).
SUBJECT_TYPES: dict[Category, frozenset[EntityType]] = {
    category: INTERVENTIONS for category in Category
} | {Category.PREVALENCE: CONDITIONS, Category.PRESENTATION: CONDITIONS}


@dataclass(frozen=True)
class PredicateRule:
    """A way a category's claim is worded: if ``pattern`` occurs, an object of ``objects`` takes ``predicate``.

    ``pattern`` ``None`` always applies. ``negative`` marks wordings that deny (a paucity of literature).
    """

    predicate: str
    objects: frozenset[EntityType]
    pattern: str | None = None
    negative: bool = False


def _rule(predicate: str, objects: frozenset[EntityType] | set[EntityType], pattern: str | None = None, *,
          negative: bool = False) -> PredicateRule:
    return PredicateRule(f"cekg:{predicate}", frozenset(objects), pattern, negative)


CONCEPT = frozenset({E.CONCEPT})
ANY_OBJECT = frozenset({E.DISEASE, E.PHENOTYPE, E.CONCEPT, E.PROCEDURE, E.MOLECULAR_ENTITY})

#: The predicate rules of each category, tried in order for each object. Quantities are handled apart
#: (``hasPrevalence``, ``hasStrength``, ``firstApprovedIn``).
PREDICATE_RULES: dict[Category, tuple[PredicateRule, ...]] = {
    Category.PRESENTATION: (
        _rule("requires", {E.CONCEPT, E.PROCEDURE}, r"\brequires?\b|\bneeds?\b"),
        _rule("causes", {E.PHENOTYPE, E.DISEASE}),
    ),
    Category.MECHANISM: (
        _rule("mechanismUnderstoodFor", {E.DISEASE},
              r"\bmechanism\b.*\b(?:understood|known|unknown|unclear|elucidated)\b"),
        _rule("blocks", {E.MOLECULAR_ENTITY, E.PHENOTYPE}, r"\bblock|\bantagoni|\binhibit"),
        _rule("reduces", {E.PHENOTYPE, E.CONCEPT}, r"\breduc|\bdecreas|\blower|\balleviat"),
    ),
    Category.EFFICACY: (
        _rule("hasEvidenceOfEfficacyFor", CONDITIONS,
              r"\b(?:evidence|data|studies|literature)\b.*\b(?:lack|lacking|insufficient|support|show|demonstrat)"),
        _rule("reducesFrequencyOf", CONDITIONS, r"\bfrequency\b"),
        _rule("reducesSeverityOf", CONDITIONS, r"\bseverity\b|\bintensity\b"),
        _rule("prevents", CONDITIONS, r"\bprevent"),
        _rule("improves", {E.CONCEPT, E.PHENOTYPE}, r"\bimprov"),
        _rule("reduces", {E.CONCEPT, E.PHENOTYPE}, r"\breduc|\bdecreas|\blower|\brelie"),
        _rule("treats", CONDITIONS, r"\bbenefi|\beffective\b|\befficac|\bworks?\b|\bhelps?\b"),
        _rule("treats", CONDITIONS),
    ),
    Category.ADVERSE_EFFECT: (
        _rule("interactsWith", {E.DRUG, E.CHEMICAL}, r"\binteract|\bco-?administ|\bconcomitant|\bcombined with"),
        _rule("hasAdverseEffect", CONDITIONS),
    ),
    Category.REGULATORY_STATUS: (
        _rule("indicatedFor", CONDITIONS, r"\bapprov"),
        _rule("requires", {E.CONCEPT, E.PROCEDURE},
              r"\brequire|\bmust\b|\bshould be\b|\bmonitor|\bunder the (?:direction|supervision)"),
        _rule("hasRegulatoryStatus", CONCEPT),
    ),
    Category.ACCESS_AND_COST: (
        _rule("medicallyNecessaryFor", {E.DISEASE}, r"\bmedically necessary\b|\bmedical necessity\b"),
        _rule("coveredBy", {E.CONCEPT, E.ORGANIZATION}, r"\bcover(?:ed|age|s)?\b|\bdenied\b|\breimburs"),
        _rule("hasAccessBarrier", CONCEPT),
    ),
    Category.INDICATION: (
        _rule("standardTreatmentFor", CONDITIONS, r"\bstandard\b"),
        _rule("treatmentOptionFor", CONDITIONS, r"\boptions?\b|\balternative"),
        _rule("indicatedFor", {E.DISEASE, E.PHENOTYPE, E.PROCEDURE, E.CONCEPT}, r"\bindicated\b|\bindications?\b"),
        _rule("usedToTreat", CONDITIONS),
    ),
    Category.HISTORY: (
        _rule("usedIn", {E.PROCEDURE}),
        _rule("usedToTreat", CONDITIONS),
    ),
    Category.RESEARCH_STATUS: (
        _rule("standardTreatmentFor", CONDITIONS, r"\bstandard\b"),
        _rule("investigatedForPreventionOf", CONDITIONS, r"\bprevent"),
        _rule("wellStudiedFor", CONDITIONS, r"\bpaucity\b|\black of\b|\bfew\b|\blittle\b|\bnot (?:been )?well studied",
              negative=True),
        _rule("investigatedFor", CONDITIONS, r"\bunderway\b|\bunder way\b|\bongoing\b|\bexploring\b|\binvestigat"),
        _rule("needsFurtherStudyFor", CONDITIONS,
              r"\bfurther\b|\bmore (?:research|studies)\b|\bcall(?:ed|s)? for\b|\bneeded\b|\bto confirm\b"),
        _rule("treatmentOptionFor", CONDITIONS, r"\bnew class\b|\bnew option\b|\brepresent"),
        _rule("investigatedFor", CONDITIONS),
    ),
}

#: Categories whose claims may say what the subject is ("a dissociative anesthetic", "is a general
#: anesthetic"): an entity of a concept type so placed is the object of ``hasRole`` (see :data:`ROLE_PATTERN`).
ROLE_CATEGORIES = frozenset({Category.HISTORY, Category.INDICATION})
#: The entity types that can be a category's objects at all.
OBJECT_TYPES: dict[Category, frozenset[EntityType]] = {
    category: frozenset().union(*(rule.objects for rule in rules), CONCEPT if category in ROLE_CATEGORIES else ())
    for category, rules in PREDICATE_RULES.items()
}
#: What precedes a concept that names the subject's role: "Ketamine, a ...", "is a ...", "as an ...".
ROLE_PATTERN = re.compile(r"(?:^|[,(]\s*|\b(?:is|was|as)\s+)an?\s+(?:\w+\s+){0,2}$", re.IGNORECASE)

_COMPILED = {category: tuple((re.compile(p, re.IGNORECASE), w) for p, w in cues)
             for category, cues in CATEGORY_CUES.items()}
_FRAMES = {category: tuple(re.compile(p, re.IGNORECASE) for p in patterns) for category, patterns in FRAMES.items()}


@dataclass(frozen=True)
class CategoryScore:
    """How strongly a sentence's wording points at a category, and the words that do."""

    category: Category
    score: int
    strong: bool
    cues: tuple[tuple[int, int], ...]


def score_categories(
    text: str,
    *,
    ignore: Sequence[tuple[int, int]] = (),
    frames: Sequence[tuple[Category, int, int]] = (),
    extra: Mapping[Category, Sequence[tuple[int, int]]] | None = None,
) -> list[CategoryScore]:
    """Return the categories a sentence's wording points at, best first.

    Args:
        text: the sentence.
        ignore: spans (relative to ``text``) whose words are not cues, such as the name of a drug
            ("ketamine treatment" is not a cue of an indication).
        frames: spans framed by a category (see :data:`FRAMES`), where other categories' cues do not count.
        extra: strong cues found otherwise, by category (a product strength is a cue of regulatory status).
    """
    scores = []
    for category, patterns in _COMPILED.items():
        spans: dict[tuple[int, int], int] = {span: 2 for span in (extra or {}).get(category, ())}
        for pattern, weight in patterns:
            for match in pattern.finditer(text):
                span = match.span()
                if any(s <= span[0] and span[1] <= e for s, e in ignore) or any(
                        c is not category and s <= span[0] and span[1] <= e for c, s, e in frames):
                    continue
                # Overlapping cues ("treatment" inside "treatment options") count once, at the higher weight.
                overlapping = [s for s in spans if s[0] < span[1] and span[0] < s[1]]
                best = max([weight, *(spans.pop(s) for s in overlapping)])
                low = min([span[0], *(s[0] for s in overlapping)])
                high = max([span[1], *(s[1] for s in overlapping)])
                spans[(low, high)] = best
        if spans:
            scores.append(CategoryScore(category, sum(spans.values()), max(spans.values()) >= 2,
                                        tuple(sorted(spans))))
    return sorted(scores, key=lambda s: (-s.score, PRIORITY.index(s.category)))


def chosen_categories(scores: Sequence[CategoryScore]) -> list[CategoryScore]:
    """Return the categories a sentence is read as: the best, and others with a strong cue and a third of its score."""
    if not scores:
        return []
    best = scores[0]
    return [best, *(s for s in scores[1:] if s.strong and 3 * s.score >= best.score)]


def frame_spans(text: str) -> list[tuple[Category, int, int]]:
    """Return where each framing wording of :data:`FRAMES` starts in a sentence, by category."""
    return sorted((category, m.start(), m.end()) for category, patterns in _FRAMES.items()
                  for pattern in patterns for m in pattern.finditer(text))
