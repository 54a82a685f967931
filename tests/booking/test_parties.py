"""Parties of a shipment: shipper and consignee required, countries as ISO 3166 codes."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from karvan.booking.parties import Parties

SHIPPER = {"name": "Xi'an Electronics Co.", "country": "CN"}
CONSIGNEE = {"name": "Duisburg Trading GmbH", "country": "DE", "tax_id": "DE123456789012345"}


def test_shipper_and_consignee_suffice() -> None:
    parties = Parties.model_validate({"shipper": SHIPPER, "consignee": CONSIGNEE})
    assert parties.notify_party is None and parties.importer_of_record is None


def test_all_five_parties_are_kept() -> None:
    parties = Parties.model_validate({"shipper": SHIPPER, "consignee": CONSIGNEE, "notify_party": CONSIGNEE,
                                      "importer_of_record": CONSIGNEE, "exporter_of_record": SHIPPER})
    assert parties.exporter_of_record is not None and parties.exporter_of_record.country == "CN"


def test_consignee_is_required() -> None:
    with pytest.raises(ValidationError) as caught:
        Parties.model_validate({"shipper": SHIPPER})
    assert caught.value.errors()[0]["loc"] == ("consignee",)


@pytest.mark.parametrize("country", ["de", "DEU", "Germany", ""])
def test_country_must_be_an_alpha2_code(country: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Parties.model_validate({"shipper": SHIPPER, "consignee": {**CONSIGNEE, "country": country}})
    assert caught.value.errors()[0]["loc"] == ("consignee", "country")
