import uuid

import pytest

from governance import services as gov
from tests.factories import append_completion


@pytest.fixture
def append():
    """append(org, input=..., output=..., client=..., agent=None, tool=...) -> LedgerEntry id."""

    def add(organisation, *, input=None, output=None, client=None, agent=None, tool="email.send"):
        trace_id = uuid.uuid4()
        append_completion(
            organisation,
            agent,
            tool=tool,
            trace_id=trace_id,
            input=input,
            output=output,
            client=client or {"status": "ok"},
        )
        return trace_id

    return add


@pytest.fixture
def file_request(org, owner):
    """file_request(kind, identifiers=[...] or subject=...) -> a verified DataSubjectRequest."""
    from privacy import services as privacy

    def make(kind="erasure", *, verified=True, jurisdiction="gdpr", **kwargs):
        request = gov.data_subject_request_create(
            organisation=org, kind=kind, actor=owner, jurisdiction=jurisdiction, **kwargs
        )
        if verified:
            request = privacy.dsr_verify_identity(
                request=request, actor=owner, how="Replied from the address on file."
            )
        return request

    return make
