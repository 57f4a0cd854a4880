"""The visual encoding of every view, defined once: colours, line styles, shapes, and the legend built from them.

Colour says the claim's category, the line style its modality, the width how many independent documents make the
same claim, the node shape the entity's type. A negated claim is drawn so that it cannot pass for an affirmed one:
a red band under the line, a bar (not an arrow) at its end, and the word NOT.
"""

from __future__ import annotations

from typing import Any

from ..vocab import Category, EntityType, Modality, Polarity

__all__ = ["CATEGORY_COLOURS", "ENTITY_STYLES", "KIND_STYLES", "MODALITY_DASHES", "NEGATED_COLOUR", "PLAIN_COLOUR",
           "edge_width", "legend", "node_style"]

#: One colour per claim category. Red is kept for negation alone.
CATEGORY_COLOURS: dict[Category, str] = {
    Category.PREVALENCE: "#4e79a7",
    Category.PRESENTATION: "#9c755f",
    Category.MECHANISM: "#b07aa1",
    Category.EFFICACY: "#59a14f",
    Category.ADVERSE_EFFECT: "#f28e2b",
    Category.REGULATORY_STATUS: "#76b7b2",
    Category.ACCESS_AND_COST: "#c9a227",
    Category.INDICATION: "#2f4b7c",
    Category.HISTORY: "#8c8c8c",
    Category.RESEARCH_STATUS: "#d37295",
}
#: Lines with no category (relations of a query's graph).
PLAIN_COLOUR = "#5f6b7a"
NEGATED_COLOUR = "#d62728"

#: vis-network dash patterns: solid when asserted, long dashes when hedged, dots when speculative.
MODALITY_DASHES: dict[Modality, bool | list[int]] = {
    Modality.ASSERTED: False,
    Modality.HEDGED: [12, 6],
    Modality.SPECULATIVE: [2, 6],
}

# Shape and fill by entity type: the fill groups related types, the shape tells them apart.
_SUBSTANCE, _CONDITION, _PROCEDURE, _SOURCE, _CONTEXT = "#9ec5fe", "#f5b7b1", "#a3e4d7", "#f9d67a", "#d5d8dc"
ENTITY_STYLES: dict[EntityType, tuple[str, str, str]] = {
    EntityType.DRUG: ("diamond", _SUBSTANCE, "◆"),
    EntityType.CHEMICAL: ("hexagon", _SUBSTANCE, "⬢"),
    EntityType.MOLECULAR_ENTITY: ("triangle", _SUBSTANCE, "▲"),
    EntityType.DISEASE: ("dot", _CONDITION, "●"),
    EntityType.PHENOTYPE: ("triangleDown", _CONDITION, "▼"),
    EntityType.PROCEDURE: ("square", _PROCEDURE, "■"),
    EntityType.ORGANIZATION: ("star", _SOURCE, "★"),
    EntityType.AGENT: ("star", _SOURCE, "★"),
    EntityType.STUDY: ("triangle", _SOURCE, "▲"),
    EntityType.PLACE: ("square", _CONTEXT, "■"),
    EntityType.POPULATION: ("triangleDown", _CONTEXT, "▼"),
    EntityType.CONCEPT: ("dot", _CONTEXT, "●"),
}
#: Nodes that are not entities: claim nodes (filled with their category's colour), documents, quantities, and any
#: other resource of a query's graph. Shapes that hold their label get a drawn swatch in the legend, not a glyph.
KIND_STYLES: dict[str, tuple[str, str, str]] = {
    "claim": ("ellipse", "#ffffff", ""),
    "document": ("box", "#fbeecf", ""),
    "quantity": ("box", "#ffffff", ""),
    "resource": ("dot", "#c8ccd2", "●"),
}
_CATEGORY_VALUES = {c.value for c in Category}
_KIND_LABELS = {"claim": "claim (filled with its category colour)", "document": "document", "quantity": "quantity",
                "resource": "other resource"}


def node_style(kind: str, category: str | None = None) -> dict[str, Any]:
    """Return the vis-network shape and colour of a node of ``kind`` (an entity type or another node kind)."""
    try:
        shape, fill, _ = ENTITY_STYLES[EntityType(kind)]
    except ValueError:
        shape, fill, _ = KIND_STYLES.get(kind, KIND_STYLES["resource"])
    if kind == "claim" and category in _CATEGORY_VALUES:
        fill = CATEGORY_COLOURS[Category(category)]
    return {"shape": shape, "color": {"background": fill, "border": "#3d4652",
                                      "highlight": {"background": fill, "border": "#000000"}}}



def edge_width(sources: int) -> float:
    """Return the line width for a claim made by ``sources`` independent documents."""
    return min(1.5 + 2.5 * (max(sources, 1) - 1), 9.0)


def legend(*, kinds: set[str], categories: set[str], modalities: set[str], negated: bool, max_sources: int
           ) -> dict[str, Any]:
    """Return the legend of a page: only what the graph shows, in the order of the vocabulary's enums."""
    shapes: list[dict[str, str]] = []
    for entity_type, (shape, fill, glyph) in ENTITY_STYLES.items():
        if entity_type.value in kinds:
            shapes.append({"shape": shape, "glyph": glyph, "colour": fill,
                           "label": entity_type.value.replace("-", " ")})
    for kind, (shape, fill, glyph) in KIND_STYLES.items():
        if kind in kinds:
            shapes.append({"shape": shape, "glyph": glyph, "colour": fill, "label": _KIND_LABELS[kind]})
    return {
        "categories": [{"value": c.value, "label": c.value.replace("-", " "), "colour": CATEGORY_COLOURS[c]}
                       for c in Category if c.value in categories],
        "modalities": [{"value": m.value, "label": m.value, "dashes": MODALITY_DASHES[m]}
                       for m in Modality if m.value in modalities],
        "polarities": [{"value": p.value, "label": p.value} for p in Polarity] if negated else [],
        "negatedColour": NEGATED_COLOUR,
        "shapes": shapes,
        "widths": [{"sources": n, "width": edge_width(n)} for n in range(1, min(max_sources, 4) + 1)],
    }
