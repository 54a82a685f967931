"""The bundled standards' schemas are the published files, unchanged, and are what validation uses."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from karvan.tracking import schemas

BUNDLED = Path(str(resources.files("karvan") / "data" / "schemas"))
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "standards"
PUBLISHED = ("dcsa-tnt-3.0.0.yaml", "dcsa-tnt-2.2.0.yaml", "epcis-2.0-json-schema.json", "LICENSE-dcsa.txt",
             "LICENSE-gs1-epcis.txt")


@pytest.mark.parametrize("name", PUBLISHED)
def test_bundled_file_is_the_published_one(name: str) -> None:
    if not REFERENCE.is_dir():
        pytest.skip("the shared reference copies are not next to this checkout")
    assert (BUNDLED / name).read_bytes() == (REFERENCE / name).read_bytes()


def test_dcsa_event_schema_is_the_openapi_component_with_its_references() -> None:
    schema = schemas.load(schemas.DCSA_30_EVENT)
    assert schema["$ref"] == "#/components/schemas/Event"
    assert "eventClassification" in schema["components"]["schemas"]["Event"]["properties"]
    assert schemas.is_valid(schemas.DCSA_30_EVENT, {})  # 3.0.0 requires no field
    assert not schemas.is_valid(schemas.DCSA_30_EVENT, {"eventLocation": {"UNLocationCode": "KZAAUX"}})
    assert not schemas.is_valid(schemas.DCSA_22_EVENTS["EQUIPMENT"], {"eventType": "EQUIPMENT"})
