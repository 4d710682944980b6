"""The core SDK in one file: a decorated tool, an async tool, a governed block of code.

export EXECLAVE_API_KEY=exk_live_... EXECLAVE_BASE_URL=http://127.0.0.1:8000 EXECLAVE_AGENT=billing-bot
python sdk/python/examples/quickstart.py
"""

from __future__ import annotations

import asyncio
import logging

from execlave import ActionBlocked, ApprovalDenied, ApprovalExpired, Execlave, current_action

logging.basicConfig(level=logging.INFO)
execlave = Execlave()  # EXECLAVE_* from the environment


@execlave.tool("database.query")
def query(sql: str, limit: int = 100) -> list[dict]:
    current_action().record(cost=0.0004)  # attach cost/tokens to the trace if you know them
    return [{"id": 1, "total": 99.5}][:limit]


@execlave.tool("web.fetch")
async def fetch(url: str) -> str:
    await asyncio.sleep(0.01)
    return f"<html>{url}</html>"


def send_invoice(customer: str, amount: float) -> None:
    with execlave.action("email.send", input={"to": customer, "amount": amount}) as action:
        receipt = {"message_id": "m-1", "to": customer}  # your code here
        action.record(output=receipt, cost=0.001)


def main() -> None:
    try:
        print("query ->", query("select * from invoices"))
        print("fetch ->", asyncio.run(fetch("https://example.com")))
        send_invoice("ada@example.com", 120.0)
    except ActionBlocked as exc:
        print("blocked by policy:", exc.violations)
    except (ApprovalDenied, ApprovalExpired) as exc:
        print("not approved:", exc)
    finally:
        print("delivered:", execlave.flush(), execlave.stats())


if __name__ == "__main__":
    main()
