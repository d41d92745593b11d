#!/usr/bin/env python3
"""Switchboard's REST and OpenAI front doors, driven with httpx (httpx2, as the mcp SDK ships it)
and checked against the official packages' types (no network beyond the gateway): the catalogue
as MCP `Tool`s (mcp_types) and as OpenAI function tools (openai), a call as an MCP
`CallToolResult`, an assistant message built with openai's types run through
/api/v1/openai/tool_calls into `tool` messages, and an unknown tool as problem+json 404.

  rest_client.py --url http://HOST:PORT --tool NAME --arguments JSON [--key KEY] [--virtual-server NAME]

Prints one JSON line: {"tools": N, "openai_tools": N, "strict_tools": N, "call": TEXT,
"tool_messages": [CONTENT, …], "unknown": STATUS}. Exit 0 when every shape validated.
"""

from __future__ import annotations

import argparse
import json
import sys

import httpx2 as httpx
import mcp_types as types
from openai.types.chat import ChatCompletionFunctionTool, ChatCompletionMessage, ChatCompletionMessageFunctionToolCall, ChatCompletionToolMessageParam
from openai.types.chat.chat_completion_message_function_tool_call import Function
from pydantic import TypeAdapter


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--tool", required=True)
    parser.add_argument("--arguments", default="{}")
    parser.add_argument("--key")
    parser.add_argument("--virtual-server")
    args = parser.parse_args()
    headers = {"Authorization": f"Bearer {args.key}"} if args.key else {}
    query = {"virtual_server": args.virtual_server} if args.virtual_server else {}
    out: dict = {}
    with httpx.Client(base_url=args.url, headers=headers, timeout=30) as http:
        listed = http.get("/api/v1/tools", params=query)
        listed.raise_for_status()
        tools = [types.Tool.model_validate(t) for t in listed.json()["tools"]]
        out["tools"] = len(tools)

        openai = http.get("/api/v1/tools", params={**query, "format": "openai"})
        openai.raise_for_status()
        functions = [ChatCompletionFunctionTool.model_validate(t) for t in openai.json()["tools"]]
        assert [f.function.name for f in functions] == [t.name for t in tools], "the two formats list the same tools"
        out["openai_tools"] = len(functions)

        strict = http.get("/api/v1/tools", params={**query, "format": "openai", "strict": "true"})
        strict.raise_for_status()
        strict_tools = [ChatCompletionFunctionTool.model_validate(t) for t in strict.json()["tools"]]
        left_out = {entry["name"] for entry in strict.json()["not_strict"]}
        assert all(t.function.strict or t.function.name in left_out for t in strict_tools), "each tool is strict or said why not"
        out["strict_tools"] = sum(1 for t in strict_tools if t.function.strict)

        called = http.post(f"/api/v1/tools/{args.tool}/call", params=query, json=json.loads(args.arguments))
        called.raise_for_status()
        result = types.CallToolResult.model_validate(called.json())
        out["call"] = "".join(getattr(block, "text", "") for block in result.content)

        message = ChatCompletionMessage(
            role="assistant",
            tool_calls=[
                ChatCompletionMessageFunctionToolCall(id="call_1", type="function", function=Function(name=args.tool, arguments=args.arguments)),
                ChatCompletionMessageFunctionToolCall(id="call_2", type="function", function=Function(name="no__such_tool", arguments="{}")),
            ],
        )
        ran = http.post("/api/v1/openai/tool_calls", params=query, json=message.model_dump(exclude_none=True))
        ran.raise_for_status()
        adapter = TypeAdapter(ChatCompletionToolMessageParam)
        messages = [adapter.validate_python(m) for m in ran.json()["messages"]]
        assert [m["tool_call_id"] for m in messages] == ["call_1", "call_2"]
        out["tool_messages"] = [m["content"] for m in messages]

        unknown = http.post("/api/v1/tools/no__such_tool/call", params=query, json={})
        assert unknown.headers["content-type"] == "application/problem+json", unknown.headers
        problem = unknown.json()
        assert problem["status"] == unknown.status_code and "no__such_tool" in problem["detail"], problem
        out["unknown"] = unknown.status_code
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
