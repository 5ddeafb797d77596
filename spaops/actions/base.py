"""One action: what to do, where, on what evidence, and what it is worth."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Units in the order the list shows them; within a unit, the larger value first.
UNITS = ("USD/month", "paid hours a month", "bookings at risk", "minutes over cap",
         "clients to call")


@dataclass(frozen=True)
class Action:
    """A ranked finding ending in an instruction and its value."""

    kind: str
    location: str
    subject: str
    instruction: str
    value: float
    unit: str
    evidence: dict[str, Any]
    assumptions: list[str] = field(default_factory=list)
    page: str = "overview"

    def document(self) -> dict[str, Any]:
        """The action as one entry of the `actions --json` document."""
        return {"kind": self.kind, "location": self.location, "subject": self.subject,
                "instruction": self.instruction, "value": self.value, "unit": self.unit,
                "evidence": self.evidence, "assumptions": self.assumptions,
                "page": self.page}


def dollars(cents: float) -> float:
    """Integer or fractional cents as dollars rounded to cents."""
    return round(cents / 100 + 0.0, 2)
