#!/usr/bin/env python3
"""The official A2A SDK (a2a-sdk 1.3.0) against Switchboard's A2A front door: the public and the
extended agent card, a blocking message invoking a skill, a streamed one with progress, a task
read back, a task cancelled (its MCP call with it), an elicitation answered through
input-required, an unknown skill, and the same call through the SDK's A2A 0.3 transport.

  a2a_client.py --base http://HOST:PORT [--agent /a2a] [--key KEY] [--prefix alpha__]

Prints one JSON line with what each step saw. Exit 0 when every step ran.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from typing import Any

import anyio
import httpx
from a2a.client import ClientConfig, ClientFactory
from a2a.client.card_resolver import A2ACardResolver
from a2a.compat.v0_3.jsonrpc_transport import CompatJsonRpcTransport
from a2a.types.a2a_pb2 import (
    CancelTaskRequest,
    GetExtendedAgentCardRequest,
    GetTaskRequest,
    Message,
    Part,
    Role,
    SendMessageRequest,
    TaskState,
)
from google.protobuf import json_format
from google.protobuf.struct_pb2 import Value


def data_part(value: dict) -> Part:
    part = Part()
    json_format.ParseDict(value, part.data)
    return part


def message(data: dict, task_id: str = "") -> SendMessageRequest:
    msg = Message(message_id=str(uuid.uuid4()), role=Role.ROLE_USER, parts=[data_part(data)], task_id=task_id)
    return SendMessageRequest(message=msg)


def state(task: Any) -> str:
    return TaskState.Name(task.status.state)


def texts(parts: Any) -> list[str]:
    return [p.text for p in parts if p.HasField("text")]


def artifact_text(task: Any) -> str:
    return "".join(t for a in task.artifacts for t in texts(a.parts))


async def run(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    agent = args.base + args.agent
    headers = {"Authorization": f"Bearer {args.key}"} if args.key else {}
    async with httpx.AsyncClient(timeout=60) as anonymous:
        public = await A2ACardResolver(anonymous, agent).get_agent_card()
        out["public_skills"] = len(public.skills)
        out["public_interfaces"] = [(i.protocol_binding, i.protocol_version) for i in public.supported_interfaces]
    async with httpx.AsyncClient(timeout=60, headers=headers) as http:
        card = await A2ACardResolver(http, agent).get_agent_card()
        out["card_skills"] = len(card.skills)
        blocking = await ClientFactory(ClientConfig(streaming=False, httpx_client=http)).create_from_url(agent)
        streaming = await ClientFactory(ClientConfig(streaming=True, httpx_client=http)).create_from_url(agent)
        polling = await ClientFactory(ClientConfig(streaming=False, polling=True, httpx_client=http)).create_from_url(agent)

        extended = await blocking.get_extended_agent_card(GetExtendedAgentCardRequest())
        out["extended_skills"] = sorted(s.id for s in extended.skills)

        # A blocking message: the task comes back ended, the result as its artifact.
        events = [e async for e in blocking.send_message(message({"skill": args.prefix + "echo", "arguments": {"text": "hello"}}))]
        task = events[-1].task
        out["echo"] = {"state": state(task), "text": artifact_text(task)}
        read = await blocking.get_task(GetTaskRequest(id=task.id))
        out["get"] = {"state": state(read), "history": len(read.history)}

        # A streamed message: the task, progress as working updates, the artifact, the end.
        kinds = []
        progress = []
        async for event in streaming.send_message(message({"skill": args.prefix + "slow", "arguments": {"seconds": 0.6, "steps": 3}})):
            kind = event.WhichOneof("payload")
            kinds.append(kind)
            if kind == "status_update" and event.status_update.status.state == TaskState.TASK_STATE_WORKING:
                progress.extend(texts(event.status_update.status.message.parts))
            if kind == "status_update":
                out["stream_end"] = state(event.status_update)
        out["stream_kinds"] = kinds
        out["progress"] = progress

        # Returned at once, then cancelled: the MCP call is cancelled with it.
        events = [e async for e in polling.send_message(message({"skill": args.prefix + "slow", "arguments": {"seconds": 30, "steps": 30}}))]
        started = events[-1].task
        out["polled_state"] = state(started)
        await anyio.sleep(0.5)
        cancelled = await polling.cancel_task(CancelTaskRequest(id=started.id))
        out["cancelled"] = state(cancelled)
        try:
            await polling.cancel_task(CancelTaskRequest(id=started.id))
            out["cancel_again"] = "accepted"
        except Exception as error:  # TaskNotCancelableError
            out["cancel_again"] = type(error).__name__

        # The server saw its call cancelled (its own counter, read through the gateway).
        for _ in range(50):
            events = [e async for e in blocking.send_message(message({"skill": args.prefix + "status", "arguments": {}}))]
            counters = json.loads(artifact_text(events[-1].task).splitlines()[0])
            if counters.get("slow_cancelled", 0) >= 1:
                break
            await anyio.sleep(0.1)
        out["server_cancelled"] = counters.get("slow_cancelled", 0)

        # An elicitation: input-required with the question, then the answer resumes the call.
        events = [e async for e in blocking.send_message(message({"skill": args.prefix + "ask_user", "arguments": {"question": "Your name?"}}))]
        asking = events[-1].task
        out["asked"] = {"state": state(asking), "question": texts(asking.status.message.parts)}
        events = [e async for e in blocking.send_message(message({"answer": "Ada"}, task_id=asking.id))]
        answered = events[-1].task
        out["answered"] = {"state": state(answered), "text": artifact_text(answered)}

        # A skill the agent does not have.
        events = [e async for e in blocking.send_message(message({"skill": "no__such_tool", "arguments": {}}))]
        out["unknown"] = {"state": state(events[-1].task), "said": texts(events[-1].task.status.message.parts)}

        try:
            await blocking.get_task(GetTaskRequest(id="not-a-task"))
            out["missing_task"] = "found"
        except Exception as error:  # TaskNotFoundError
            out["missing_task"] = type(error).__name__

        # The same call with A2A 0.3's method names and shapes.
        legacy = CompatJsonRpcTransport(http, card, agent)
        sent = await legacy.send_message(message({"skill": args.prefix + "echo", "arguments": {"text": "from 0.3"}}))
        legacy_task = sent.task
        out["v03"] = {"state": state(legacy_task), "text": artifact_text(legacy_task)}
        again = await legacy.get_task(GetTaskRequest(id=legacy_task.id))
        out["v03_get"] = state(again)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--agent", default="/a2a")
    parser.add_argument("--key")
    parser.add_argument("--prefix", default="alpha__")
    out = anyio.run(run, parser.parse_args())
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
