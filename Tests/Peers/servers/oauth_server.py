#!/usr/bin/env python3
"""An OAuth-protected MCP server with its own authorization server, built from the official
Python SDK's auth routes (RFC 8414 metadata, RFC 7591 registration, authorization code with
PKCE, refresh with rotation, RFC 7009 revocation, RFC 9728 protected-resource metadata).

  oauth_server.py [--port 0] [--token-ttl SECONDS] [--scope mcp] [--require-scope admin]
                  [--jwt] [--user-roles alice=switchboard:admin ...]

The provider below keeps everything in memory. Its /authorize step sends the browser to a
login page (GET /login shows a form, POST /login with `user` consents, and with `grant` only to
those of the asked scopes) so a scripted browser decides which user consents to what. Tool `whoami` answers the subject of the access token the call
came with, so a test sees which upstream identity a caller was given. POST /test/revoke?user=U
drops every refresh and access token of U (a user revoking the app). Prints `READY <port>` on
stderr once listening.

With --jwt, access tokens are RS256 JWTs (iss: this server, sub: the user, aud: the RFC 8707
resource asked for, `roles` from --user-roles) whose key is published at GET /jwks, as an
OpenID Connect provider's are: what a gateway checking bearer tokens with `auth.jwt` accepts.
"""

from __future__ import annotations

import argparse
import json
import secrets
import time

import anyio
import jwt as pyjwt
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import AnyHttpUrl
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    AuthorizeError,
    RefreshToken,
    TokenError,
    construct_redirect_uri,
)
from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions, RevocationOptions
from mcp.server.mcpserver import MCPServer
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken
from serving import bind, serve


class MemoryProvider:
    """OAuthAuthorizationServerProvider over dictionaries."""

    def __init__(self, base: str, token_ttl: int, signing: bool = False, user_roles: dict[str, list[str]] | None = None) -> None:
        self.base = base
        self.token_ttl = token_ttl
        self.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if signing else None
        self.user_roles = user_roles or {}
        self.clients: dict[str, OAuthClientInformationFull] = {}
        self.pending: dict[str, tuple[str, AuthorizationParams]] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.access: dict[str, AccessToken] = {}
        self.refresh: dict[str, RefreshToken] = {}

    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        return self.clients.get(client_id)

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        assert client_info.client_id
        self.clients[client_info.client_id] = client_info

    async def authorize(self, client: OAuthClientInformationFull, params: AuthorizationParams) -> str:
        request = secrets.token_urlsafe(16)
        assert client.client_id
        self.pending[request] = (client.client_id, params)
        return f"{self.base}/login?request={request}"

    def consent(self, request: str, user: str, grant: list[str] | None) -> str:
        client_id, params = self.pending.pop(request)
        code = secrets.token_urlsafe(24)
        scopes = params.scopes or ["mcp"]
        if grant is not None:
            scopes = [s for s in scopes if s in grant]
        self.codes[code] = AuthorizationCode(
            code=code, scopes=scopes, expires_at=time.time() + 300, client_id=client_id,
            code_challenge=params.code_challenge, redirect_uri=params.redirect_uri,
            redirect_uri_provided_explicitly=params.redirect_uri_provided_explicitly, resource=params.resource, subject=user,
        )
        return construct_redirect_uri(str(params.redirect_uri), code=code, state=params.state)

    async def load_authorization_code(self, client: OAuthClientInformationFull, authorization_code: str) -> AuthorizationCode | None:
        code = self.codes.get(authorization_code)
        return code if code and code.client_id == client.client_id else None

    def issue(self, client_id: str, scopes: list[str], resource: str | None, subject: str | None) -> OAuthToken:
        access, refresh = "at_" + secrets.token_urlsafe(24), "rt_" + secrets.token_urlsafe(24)
        expires = int(time.time()) + self.token_ttl
        if self.signing_key is not None:
            claims = {"iss": self.base, "sub": subject, "aud": resource or self.base + "/mcp", "iat": int(time.time()), "exp": expires,
                      "scope": " ".join(scopes), "client_id": client_id, "jti": secrets.token_urlsafe(8)}
            if subject in self.user_roles:
                claims["roles"] = self.user_roles[subject]
            access = pyjwt.encode(claims, self.signing_key, algorithm="RS256", headers={"kid": "test-key"})
        self.access[access] = AccessToken(token=access, client_id=client_id, scopes=scopes, expires_at=expires, resource=resource, subject=subject)
        self.refresh[refresh] = RefreshToken(token=refresh, client_id=client_id, scopes=scopes, resource=resource, subject=subject)
        return OAuthToken(access_token=access, token_type="Bearer", expires_in=self.token_ttl, refresh_token=refresh, scope=" ".join(scopes))

    async def exchange_authorization_code(self, client: OAuthClientInformationFull, authorization_code: AuthorizationCode) -> OAuthToken:
        if self.codes.pop(authorization_code.code, None) is None:
            raise TokenError("invalid_grant", "authorization code already used")
        assert client.client_id
        return self.issue(client.client_id, authorization_code.scopes, authorization_code.resource, authorization_code.subject)

    async def load_refresh_token(self, client: OAuthClientInformationFull, refresh_token: str) -> RefreshToken | None:
        token = self.refresh.get(refresh_token)
        return token if token and token.client_id == client.client_id else None

    async def exchange_refresh_token(self, client: OAuthClientInformationFull, refresh_token: RefreshToken, scopes: list[str]) -> OAuthToken:
        # Rotation: the refresh token is single-use.
        if self.refresh.pop(refresh_token.token, None) is None:
            raise TokenError("invalid_grant", "refresh token already used")
        assert client.client_id
        return self.issue(client.client_id, scopes or refresh_token.scopes, refresh_token.resource, refresh_token.subject)

    async def load_access_token(self, token: str) -> AccessToken | None:
        access = self.access.get(token)
        if access is None or (access.expires_at is not None and access.expires_at < time.time()):
            return None
        return access

    async def revoke_token(self, token: AccessToken | RefreshToken) -> None:
        self.access.pop(token.token, None)
        self.refresh.pop(token.token, None)

    def jwks(self) -> dict:
        assert self.signing_key is not None
        key = json.loads(pyjwt.algorithms.RSAAlgorithm.to_jwk(self.signing_key.public_key()))
        key.update({"kid": "test-key", "alg": "RS256", "use": "sig"})
        return {"keys": [key]}

    def revoke_user(self, user: str) -> int:
        gone = [t for t, v in self.access.items() if v.subject == user] + [t for t, v in self.refresh.items() if v.subject == user]
        for token in gone:
            self.access.pop(token, None)
            self.refresh.pop(token, None)
        return len(gone)


def build(base: str, token_ttl: int, scope: str, extra: list[str], signing: bool = False,
          user_roles: dict[str, list[str]] | None = None) -> tuple[MCPServer, MemoryProvider]:
    provider = MemoryProvider(base, token_ttl, signing, user_roles)
    auth = AuthSettings(
        issuer_url=AnyHttpUrl(base),
        resource_server_url=AnyHttpUrl(base + "/mcp"),
        client_registration_options=ClientRegistrationOptions(enabled=True, valid_scopes=[scope] + extra, default_scopes=[scope]),
        revocation_options=RevocationOptions(enabled=True),
        required_scopes=[scope] + extra,
    )
    mcp = MCPServer("oauth", auth=auth, auth_server_provider=provider)

    @mcp.tool()
    def whoami() -> str:
        """The subject of the access token this call came with."""
        token = get_access_token()
        return token.subject if token and token.subject else "?"

    @mcp.tool()
    def echo(text: str) -> str:
        """Echo the text back."""
        return text

    @mcp.custom_route("/login", methods=["GET", "POST"])
    async def login(request: Request) -> Response:
        if request.method == "GET":
            pending = request.query_params.get("request", "")
            return HTMLResponse(
                f'<form method="post" action="/login"><input type="hidden" name="request" value="{pending}">'
                '<input name="user"><button>Allow</button></form>'
            )
        form = await request.form()
        pending, user = str(form.get("request", "")), str(form.get("user", ""))
        grant = str(form["grant"]).split() if "grant" in form else None
        if pending not in provider.pending or not user:
            return HTMLResponse("unknown or used login request", status_code=400)
        return RedirectResponse(provider.consent(pending, user, grant), status_code=302)

    @mcp.custom_route("/jwks", methods=["GET"])
    async def jwks(request: Request) -> Response:
        if provider.signing_key is None:
            return JSONResponse({"error": "tokens are not JWTs (start with --jwt)"}, status_code=404)
        return JSONResponse(provider.jwks())

    @mcp.custom_route("/test/revoke", methods=["POST"])
    async def revoke(request: Request) -> Response:
        return JSONResponse({"revoked": provider.revoke_user(request.query_params.get("user", ""))})

    return mcp, provider


async def run(args: argparse.Namespace) -> None:
    sock, port = bind("127.0.0.1", args.port)
    roles = {}
    for entry in args.user_roles:
        user, _, names = entry.partition("=")
        roles[user] = [name for name in names.split(",") if name]
    mcp, _ = build(f"http://127.0.0.1:{port}", args.token_ttl, args.scope, args.require_scope, args.jwt, roles)
    await serve(mcp.streamable_http_app(host="127.0.0.1"), sock)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--token-ttl", type=int, default=3600, help="access token lifetime in seconds")
    p.add_argument("--scope", default="mcp")
    p.add_argument("--require-scope", action="append", default=[], help="a further scope every request's token must carry")
    p.add_argument("--jwt", action="store_true", help="issue RS256 JWT access tokens, with their key at /jwks")
    p.add_argument("--user-roles", action="append", default=[], help="USER=ROLE,ROLE: the roles claim of USER's tokens (with --jwt)")
    anyio.run(run, p.parse_args())


if __name__ == "__main__":
    main()
