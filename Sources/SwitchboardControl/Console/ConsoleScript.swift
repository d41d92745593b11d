/// The console's script: sign-in, then seven pages drawn from the admin API. Text from the
/// gateway only ever goes into the page as text (`textContent`), never as markup. The
/// credentials live in this tab's `sessionStorage` and go out as a bearer token to
/// `/admin/v1` and `/metrics`, nowhere else.
enum ConsoleScript {
    static let source = #"""
"use strict";

const TOKEN_KEY = "switchboard.console.token";
// Where single sign-on brings the browser back to: the page asked for (an approval's link).
const RETURN_KEY = "switchboard.console.return";
const PAGES = [
  ["overview", "Overview"], ["catalogue", "Catalogue"], ["keys", "Keys"],
  ["policy", "Policy dry-run"], ["audit", "Audit"], ["connections", "Connections"], ["guards", "Guards"],
];
const state = { token: sessionStorage.getItem(TOKEN_KEY), me: null, timer: null, scrape: null, policy: null };

// ---- DOM -----------------------------------------------------------------------------------
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
const $ = (id) => document.getElementById(id);
function badge(text, tone) { return el("span", { class: "badge " + (tone || ""), text }); }
function alertBox(text, tone) { return el("div", { class: "alert " + (tone || "bad"), role: "alert", text }); }
function table(headers, rows, emptyText) {
  const body = rows.length ? rows : [el("tr", {}, el("td", { class: "empty", colspan: headers.length, text: emptyText || "Nothing to show." }))];
  return el("div", { class: "table-wrap" },
    el("table", {}, el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col", text: h })))), el("tbody", {}, body)));
}
function field(label, input) { return el("label", {}, label, input); }
function show(...nodes) { const main = $("main"); main.replaceChildren(...nodes); }

// ---- The admin API -------------------------------------------------------------------------
class APIError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}
async function request(path, options) {
  const headers = Object.assign({}, (options && options.headers) || {});
  if (state.token) headers["Authorization"] = "Bearer " + state.token;
  const response = await fetch(path, Object.assign({}, options, { headers, cache: "no-store" }));
  const text = await response.text();
  if (response.status === 401 && state.me) { signOut("Your session is no longer accepted; sign in again."); throw new APIError(401, "not signed in"); }
  if (!response.ok) {
    let message = text;
    try {
      const error = JSON.parse(text).error;
      message = typeof error === "string" ? error : (error && error.message) || text;
    } catch (_) { /* not JSON: the text itself */ }
    if (response.status === 403 && /origin/i.test(message)) {
      message = "The gateway refused this page's origin (" + location.origin + "). Add it to http.allowed_origins in switchboard.yaml.";
    }
    throw new APIError(response.status, message.trim() || response.statusText);
  }
  return text;
}
async function api(path, options) { return JSON.parse(await request("/admin/v1/" + path, options)); }
function send(method, path, body) {
  return api(path, { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

// ---- Formatting ----------------------------------------------------------------------------
function duration(seconds) {
  if (!isFinite(seconds)) return "–";
  if (seconds < 1e-3) return Math.round(seconds * 1e6) + " µs";
  if (seconds < 1) return (seconds * 1e3).toFixed(seconds < 0.01 ? 2 : 1) + " ms";
  return seconds.toFixed(2) + " s";
}
function micros(us) { return us === undefined || us === null ? "" : duration(us / 1e6); }
function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" });
}
function stateTone(label) { return label === "ready" ? "ok" : (label === "unavailable" || label === "stopped" ? "bad" : "warn"); }

// ---- /metrics: rates and quantiles ---------------------------------------------------------
// One histogram summed over its label sets: cumulative bucket counts by bound, the count, and
// the count of those with an error_type.
function histogram(text, name) {
  const buckets = new Map();
  let count = 0, errors = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const value = parseFloat(line.slice(line.lastIndexOf(" ") + 1));
    if (!isFinite(value)) continue;
    if (line.startsWith(name + "_bucket{")) {
      const bound = /le="([^"]+)"/.exec(line);
      if (bound) buckets.set(bound[1], (buckets.get(bound[1]) || 0) + value);
    } else if (line.startsWith(name + "_count")) {
      count += value;
      if (!/error_type=""/.test(line) && /error_type="/.test(line)) errors += value;
    }
  }
  return { buckets, count, errors, at: performance.now() };
}
function minus(now, before) {
  const buckets = new Map();
  for (const [bound, value] of now.buckets) buckets.set(bound, value - (before.buckets.get(bound) || 0));
  return { buckets, count: now.count - before.count, errors: now.errors - before.errors };
}
function quantile(h, q) {
  if (!h.count) return NaN;
  const bounds = [...h.buckets].map(([b, c]) => [b === "+Inf" ? Infinity : parseFloat(b), c]).sort((a, b) => a[0] - b[0]);
  const rank = q * h.count;
  let lower = 0, below = 0;
  for (const [bound, cumulative] of bounds) {
    if (cumulative >= rank) {
      if (bound === Infinity) return lower;
      const inBucket = cumulative - below;
      return lower + (bound - lower) * (inBucket > 0 ? (rank - below) / inBucket : 0);
    }
    lower = bound; below = cumulative;
  }
  return lower;
}

// ---- Shell, navigation, keyboard -----------------------------------------------------------
function currentPage() {
  const name = location.hash.replace(/^#\/?/, "").split("?")[0];
  return PAGES.some(([id]) => id === name) ? name : "overview";
}
function drawShell() {
  $("top").hidden = false; $("foot").hidden = false;
  $("nav").replaceChildren(...PAGES.map(([id, label], i) =>
    el("a", { href: "#/" + id, id: "nav-" + id, title: label + " (" + (i + 1) + ")", text: label })));
  // Without auth (a loopback gateway) everyone is an admin: there is nothing to sign out of.
  const open = state.me.kind === "anonymous";
  $("who").textContent = open ? "Open: this gateway checks no credentials (loopback only)" : "Signed in as " + state.me.id;
  $("sign-out").hidden = open;
}
async function route() {
  clearInterval(state.timer); state.timer = null;
  if (!state.me) return;
  const page = currentPage();
  for (const [id] of PAGES) {
    const link = $("nav-" + id);
    if (link) { if (id === page) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current"); }
  }
  document.title = PAGES.find(([id]) => id === page)[1] + " · Switchboard console";
  // The policy (its virtual servers) is read again on each page: a reload may change it.
  state.policy = null;
  if (page === "overview") {
    state.timer = setInterval(() => { if (currentPage() === "overview" && !document.hidden) drawOverview().catch(() => {}); }, 5000);
  }
  try {
    await DRAW[page]();
  } catch (error) {
    if (error.status !== 401) show(el("h1", { text: "Something went wrong" }), alertBox(error.message));
  }
}
document.addEventListener("keydown", (event) => {
  if (!state.me || event.ctrlKey || event.metaKey || event.altKey) return;
  const tag = (event.target.tagName || "").toLowerCase();
  if (["input", "textarea", "select"].includes(tag)) {
    if (event.key === "Escape") event.target.blur();
    return;
  }
  const index = parseInt(event.key, 10);
  if (index >= 1 && index <= PAGES.length) { location.hash = "#/" + PAGES[index - 1][0]; event.preventDefault(); }
  else if (event.key === "/") { const first = $("main").querySelector("input, select, textarea"); if (first) { first.focus(); event.preventDefault(); } }
  else if (event.key === "r") { route(); }
});
window.addEventListener("hashchange", () => { route(); $("main").focus({ preventScroll: true }); });

// ---- Sign-in -------------------------------------------------------------------------------
function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null; state.me = null; state.scrape = null;
  clearInterval(state.timer);
  drawSignIn(message);
}
async function drawSignIn(message) {
  $("top").hidden = true; $("foot").hidden = true;
  document.title = "Sign in · Switchboard console";
  const key = el("input", { id: "sign-in-key", type: "password", autocomplete: "off", required: true, "aria-describedby": "sign-in-help" });
  const form = el("form", { id: "sign-in-form" },
    field("Admin API key", key),
    el("button", { type: "submit", id: "sign-in-submit", text: "Sign in" }));
  const status = el("div", { id: "sign-in-status" }, message ? alertBox(message) : null);
  const card = el("div", { class: "panel sign-in" },
    el("h1", { text: "Switchboard console" }),
    status, form,
    el("p", { class: "muted", id: "sign-in-help",
      text: "A key with one of the gateway's admin roles (auth.admin_roles). It is kept in this browser tab only and sent to the admin API as a bearer token." }));
  show(card);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    state.token = key.value.trim();
    const outcome = await trySession();
    if (outcome === true) { sessionStorage.setItem(TOKEN_KEY, state.token); return; }
    state.token = null;
    status.replaceChildren(alertBox(outcome));
    key.select();
  });
  try {
    const options = JSON.parse(await request("/console/sign-in.json"));
    if (options.oidc) {
      card.insertBefore(el("div", {},
        el("p", { class: "or", text: "or" }),
        el("a", { href: "/console/oidc/start", id: "sign-in-oidc", class: "button", text: "Sign in with " + (options.oidc.name || "single sign-on"),
          onclick: () => sessionStorage.setItem(RETURN_KEY, location.hash) })), card.lastChild);
    }
  } catch (_) { /* no single sign-on configured */ }
  key.focus();
}
// True when the credentials (or none, on a loopback gateway without auth) are an admin's;
// otherwise why not, in words.
async function trySession() {
  try {
    state.me = await api("me");
  } catch (error) {
    state.me = null;
    if (error.status === 401) return "Those credentials were not accepted (unknown, revoked or expired).";
    if (error.status === 403) return "Signed in, but without an admin role: " + error.message;
    return "The gateway did not answer: " + error.message;
  }
  drawShell();
  if (!location.hash) history.replaceState(null, "", "#/overview");
  await route();
  $("main").focus({ preventScroll: true });
  return true;
}
$("sign-out") && $("sign-out").addEventListener("click", () => signOut("Signed out."));

// ---- Overview ------------------------------------------------------------------------------
async function drawOverview() {
  const [servers, metricsText] = await Promise.all([
    api("servers"),
    request("/metrics").catch((error) => { if (error.status === 404) return null; throw error; }),
  ]);
  const ready = servers.servers.filter((s) => s.state === "ready").length;
  let traffic = null, span = "since start";
  if (metricsText !== null) {
    const now = histogram(metricsText, "mcp_server_operation_duration_seconds");
    const before = state.scrape;
    state.scrape = now;
    traffic = now;
    if (before && now.count > before.count) {
      traffic = minus(now, before);
      span = "last " + Math.round((now.at - before.at) / 1000) + " s";
      traffic.rate = traffic.count / ((now.at - before.at) / 1000);
    } else if (before) {
      traffic = Object.assign(minus(now, before), { rate: 0 });
      span = "last " + Math.round((now.at - before.at) / 1000) + " s";
    }
  }
  const card = (label, value, note, id) => el("div", { class: "card", id },
    el("div", { class: "label", text: label }), el("div", { class: "value", text: value }), el("div", { class: "note", text: note || "" }));
  const cards = [
    card("Servers ready", ready + " / " + servers.servers.length, ready === servers.servers.length ? "all up" : "some are down", "card-servers"),
    card("Client sessions", String(servers.sessions), "held now", "card-sessions"),
  ];
  if (traffic) {
    const rate = traffic.rate === undefined ? "–" : traffic.rate.toFixed(traffic.rate < 10 ? 1 : 0);
    cards.push(card("Requests / s", rate, traffic.rate === undefined ? "measured from the next refresh" : span, "card-rate"),
      card("Error rate", traffic.count ? (100 * traffic.errors / traffic.count).toFixed(1) + " %" : "–", traffic.count + " requests, " + span, "card-errors"),
      card("p50 latency", duration(quantile(traffic, 0.5)), span, "card-p50"),
      card("p99 latency", duration(quantile(traffic, 0.99)), span, "card-p99"));
  } else {
    cards.push(card("Traffic", "–", "metrics.enabled is off"));
  }
  const rows = servers.servers.map((s) => el("tr", { "data-server": s.name },
    el("td", {}, el("strong", { text: s.name })),
    el("td", {}, badge(s.state, stateTone(s.state))),
    el("td", { text: s.transport }),
    el("td", { text: (s.protocolVersion || "–") + (s.era ? " (" + s.era + ")" : "") }),
    el("td", { class: "num", text: String(s.restarts) }),
    el("td", { class: "muted", text: s.lastError || s.warning || "" })));
  show(
    el("h1", { text: "Overview" }),
    el("p", { class: "sub", text: "Refreshes every 5 seconds. Latency is the gateway's answer time for MCP requests (mcp.server.operation.duration)." }),
    el("div", { class: "cards" }, cards),
    el("h2", { text: "Servers" }),
    table(["Server", "State", "Transport", "Protocol", "Restarts", "Last error"], rows, "No servers are configured."));
}

// ---- Catalogue -----------------------------------------------------------------------------
async function virtualServerSelect(id) {
  if (!state.policy) state.policy = await api("policy");
  return el("select", { id }, el("option", { value: "", text: "all (/mcp)" }),
    state.policy.virtualServers.map((name) => el("option", { value: name, text: name + " (/mcp/" + name + ")" })));
}
async function drawCatalogue() {
  const as = el("input", { id: "catalogue-as", placeholder: "key name or id" });
  const principal = el("input", { id: "catalogue-principal", placeholder: "anonymous or KIND:NAME" });
  const roles = el("input", { id: "catalogue-roles", placeholder: "dev, ops" });
  const vs = await virtualServerSelect("catalogue-vs");
  const result = el("div", { id: "catalogue-result" });
  const form = el("form", { class: "fields panel", id: "catalogue-form" },
    field("As API key", as), field("Or principal", principal), field("Roles", roles), field("Virtual server", vs),
    el("button", { type: "submit", text: "Show tools" }));
  async function load() {
    const query = new URLSearchParams();
    if (as.value.trim()) query.set("as", as.value.trim());
    else {
      if (principal.value.trim()) query.set("principal", principal.value.trim());
      if (roles.value.trim()) query.set("roles", roles.value.trim());
    }
    if (vs.value) query.set("virtualServer", vs.value);
    try {
      const answer = await api("catalogue?" + query);
      const rows = answer.tools.map((tool) => {
        const hints = tool.annotations || {};
        return el("tr", {},
          el("td", {}, el("code", { text: tool.name })),
          el("td", { text: (tool.description || "").split("\n")[0] }),
          el("td", {}, hints.readOnlyHint ? badge("read-only", "ok") : null, hints.destructiveHint ? badge("destructive", "bad") : null));
      });
      result.replaceChildren(
        el("p", { id: "catalogue-summary", text: answer.tools.length + " tools visible to " + answer.principal + " at " + (answer.virtualServer ? "/mcp/" + answer.virtualServer : "/mcp") }),
        table(["Tool", "Description", "Hints"], rows, "This caller sees no tools."));
    } catch (error) { result.replaceChildren(alertBox(error.message)); }
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  show(el("h1", { text: "Catalogue" }),
    el("p", { class: "sub", text: "The merged tool list as one caller sees it, after its virtual server and the policy's hiding. Empty fields: an anonymous caller." }),
    form, result);
  await load();
}

// ---- Keys ----------------------------------------------------------------------------------
async function drawKeys() {
  const name = el("input", { id: "key-name", required: true, placeholder: "ci-bot" });
  const roles = el("input", { id: "key-roles", placeholder: "dev, ops" });
  const tenant = el("input", { id: "key-tenant", placeholder: "optional" });
  const expires = el("input", { id: "key-expires", placeholder: "30d or 2027-01-31" });
  const created = el("div", { id: "key-created" });
  const list = el("div", { id: "key-list" });
  const form = el("form", { class: "fields panel", id: "key-form" },
    field("Name", name), field("Roles", roles), field("Tenant", tenant), field("Expires", expires),
    el("button", { type: "submit", text: "Create key" }));
  async function load() {
    try {
      const keys = await api("keys");
      list.replaceChildren(table(["Name", "Status", "Roles", "Tenant", "Created", "Expires", "Last used", ""], keys.map((key) => el("tr", { "data-key": key.name },
        el("td", {}, el("strong", { text: key.name }), el("div", { class: "muted mono", text: key.id })),
        el("td", {}, badge(key.status, key.status === "active" ? "ok" : "bad")),
        el("td", { text: (key.roles || []).join(", ") }),
        el("td", { text: key.tenant || "" }),
        el("td", { text: when(key.createdAt) }),
        el("td", { text: when(key.expiresAt) || "never" }),
        el("td", { text: when(key.lastUsedAt) || "never" }),
        el("td", {}, key.status === "active" ? el("button", { type: "button", class: "danger", "aria-label": "Revoke " + key.name, text: "Revoke",
          onclick: async () => {
            if (!confirm("Revoke the key " + key.name + "? Callers using it are refused at once.")) return;
            try { await api("keys/" + encodeURIComponent(key.id), { method: "DELETE" }); created.replaceChildren(alertBox("Revoked " + key.name + ".", "ok")); }
            catch (error) { created.replaceChildren(alertBox(error.message)); }
            load();
          } }) : null))), "No API keys yet."));
    } catch (error) { list.replaceChildren(alertBox(error.message)); }
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { name: name.value.trim(), roles: roles.value.split(",").map((r) => r.trim()).filter(Boolean) };
    if (tenant.value.trim()) body.tenant = tenant.value.trim();
    if (expires.value.trim()) body.expires = expires.value.trim();
    try {
      const key = await send("POST", "keys", body);
      created.replaceChildren(el("div", { class: "alert ok", role: "status" },
        el("div", { text: "Created " + key.name + ". Copy the key now: it is not shown again." }),
        el("div", { class: "secret" }, el("code", { id: "new-key", text: key.key }),
          el("button", { type: "button", class: "quiet", text: "Copy", onclick: () => navigator.clipboard && navigator.clipboard.writeText(key.key) }))));
      form.reset();
      load();
    } catch (error) { created.replaceChildren(alertBox(error.message)); }
  });
  show(el("h1", { text: "API keys" }),
    el("p", { class: "sub", text: "Keys callers present as X-API-Key or a bearer token. Only a digest is stored; revoking takes effect at once." }),
    form, created, list);
  await load();
}

// ---- Policy dry-run ------------------------------------------------------------------------
async function drawPolicy() {
  if (!state.policy) state.policy = await api("policy");
  const tool = el("input", { id: "dry-tool", required: true, placeholder: "server__tool", list: "dry-tools" });
  const tools = el("datalist", { id: "dry-tools" });
  const as = el("input", { id: "dry-as", placeholder: "key name or id" });
  const principal = el("input", { id: "dry-principal", placeholder: "anonymous or KIND:NAME" });
  const roles = el("input", { id: "dry-roles", placeholder: "dev, ops" });
  const vs = await virtualServerSelect("dry-vs");
  const args = el("textarea", { id: "dry-arguments", spellcheck: "false", "aria-label": "Arguments (JSON object)" });
  args.value = "{}";
  const result = el("div", { id: "dry-result", "aria-live": "polite" });
  const form = el("form", { class: "fields panel", id: "dry-form" },
    field("Tool", tool), field("As API key", as), field("Or principal", principal), field("Roles", roles), field("Virtual server", vs),
    field("Arguments (JSON)", args), el("button", { type: "submit", text: "Run dry-run" }), tools);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { tool: tool.value.trim() };
    if (as.value.trim()) body.as = as.value.trim();
    else {
      if (principal.value.trim()) body.principal = principal.value.trim();
      body.roles = roles.value.split(",").map((r) => r.trim()).filter(Boolean);
    }
    if (vs.value) body.virtualServer = vs.value;
    try { body.arguments = JSON.parse(args.value || "{}"); }
    catch (error) { result.replaceChildren(alertBox("Arguments are not JSON: " + error.message)); return; }
    try {
      const run = await send("POST", "policy/test", body);
      const allowed = run.effect === "allow";
      result.replaceChildren(el("div", { class: "panel" },
        el("div", { class: "decision", id: "dry-decision" }, badge(run.effect, allowed ? "ok" : "bad"), " ", run.outcome,
          el("span", { class: "muted", text: " · policy " + run.policyVersion })),
        el("p", { id: "dry-explanation", text: run.explanation }),
        el("p", { class: "muted", text: "Caller " + run.principal + (run.roles.length ? " (roles " + run.roles.join(", ") + ")" : "") +
          " · listed: " + run.listed + " · in virtual server: " + run.inVirtualServer + " · visible: " + run.visible +
          (run.quotaLimits && run.quotaLimits.length ? " · quotas: " + run.quotaLimits.join(", ") : "") }),
        table(["Rule", "Effect", "Matched", "Decided", "Checks"], run.rules.map((rule) => el("tr", {},
          el("td", {}, el("code", { text: rule.id })), el("td", { text: rule.effect }),
          el("td", { text: rule.matched ? "yes" : "no" }), el("td", {}, rule.decided ? badge("decided", "ok") : ""),
          el("td", {}, rule.checks.map((check) => el("div", { class: "mono" },
            (check.held ? "✓ " : "✗ ") + check.matcher + ": expected " + check.expected + ", was " + check.actual))))), "The policy has no rules.")));
    } catch (error) { result.replaceChildren(alertBox(error.message)); }
  });
  show(el("h1", { text: "Policy dry-run" }),
    el("p", { class: "sub", text: "Policy " + state.policy.version + ", default " + state.policy.default + ", " + state.policy.rules.length +
      " rules. A dry run decides a call as the gateway would, rule by rule, without calling anything." }),
    form, result);
  api("catalogue?principal=" + encodeURIComponent(state.me.kind === "anonymous" ? "anonymous" : state.me.id) + "&roles=" + encodeURIComponent(state.me.roles.join(",")))
    .then((answer) => tools.replaceChildren(...answer.tools.map((t) => el("option", { value: t.name })))).catch(() => {});
}

// ---- Audit ---------------------------------------------------------------------------------
async function drawAudit() {
  const choice = (id, options) => el("select", { id }, options.map(([value, label]) => el("option", { value, text: label })));
  const since = choice("audit-since", [["1h", "last hour"], ["15m", "last 15 minutes"], ["24h", "last day"], ["7d", "last week"], ["", "all"]]);
  const event = choice("audit-event", [["", "any"], ["call.end", "call.end"], ["call.begin", "call.begin"], ["request.refused", "request.refused"],
    ["session.start", "session.start"], ["session.end", "session.end"], ["admin.action", "admin.action"], ["key.created", "key.created"],
    ["key.revoked", "key.revoked"], ["upstream.ready", "upstream.ready"], ["upstream.failed", "upstream.failed"], ["config.reload", "config.reload"]]);
  const principal = el("input", { id: "audit-principal", placeholder: "key:ci-bot" });
  const server = el("input", { id: "audit-server" });
  const tool = el("input", { id: "audit-tool" });
  const decision = choice("audit-decision", [["", "any"], ["allow", "allow"], ["deny", "deny"]]);
  const outcome = choice("audit-outcome", [["", "any"], ["ok", "ok"], ["error", "any error"], ["tool_error", "tool_error"]]);
  const chain = el("div", { id: "audit-chain" }, el("span", { class: "muted", text: "Checking the chain…" }));
  const sinks = el("div", { id: "audit-sinks" });
  const result = el("div", { id: "audit-result" });
  const form = el("form", { class: "fields panel", id: "audit-form" },
    field("Since", since), field("Event", event), field("Principal", principal), field("Server", server), field("Tool", tool),
    field("Decision", decision), field("Outcome", outcome), el("button", { type: "submit", text: "Search" }));
  async function search() {
    const query = new URLSearchParams({ limit: "200" });
    for (const [name, input] of [["since", since], ["event", event], ["principal", principal], ["server", server], ["tool", tool], ["decision", decision], ["outcome", outcome]]) {
      if (input.value.trim()) query.set(name, input.value.trim());
    }
    try {
      const answer = await api("audit?" + query);
      const records = answer.records.slice().reverse();
      const rows = [];
      for (const record of records) {
        const details = el("tr", { class: "row-details", hidden: true }, el("td", { colspan: 8 }, el("pre", { text: JSON.stringify(record, null, 2) })));
        const toggle = el("button", { type: "button", class: "link", "aria-expanded": "false", text: String(record.seq ?? "") || "show",
          onclick: () => { details.hidden = !details.hidden; toggle.setAttribute("aria-expanded", String(!details.hidden)); } });
        rows.push(el("tr", { class: "audit-row" },
          el("td", {}, toggle), el("td", { text: when(record.time) }), el("td", {}, el("code", { text: record.event })),
          el("td", { text: record.principal || "" }), el("td", { text: record.tool || record.method || "" }),
          el("td", {}, record.decision ? badge(record.decision, record.decision === "allow" ? "ok" : "bad") : ""),
          el("td", {}, record.outcome ? badge(record.outcome, record.outcome === "ok" ? "ok" : "bad") : ""),
          el("td", { class: "num", text: micros(record.latency_us) })), details);
      }
      result.replaceChildren(el("p", { id: "audit-count", text: records.length + " records, newest first" + (records.length === 200 ? " (the newest 200)" : "") }),
        table(["#", "Time", "Event", "Principal", "Tool / method", "Decision", "Outcome", "Latency"], rows, "No record matches."));
    } catch (error) { result.replaceChildren(alertBox(error.message)); }
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); search(); });
  show(el("h1", { text: "Audit trail" }),
    el("p", { class: "sub", text: "Records from the store's index of the journal. Select a record's number to see all of it." }),
    el("div", { class: "split" }, el("div", { class: "panel" }, el("h2", { text: "Chain" }), chain), el("div", { class: "panel" }, el("h2", { text: "Sinks" }), sinks)),
    form, result);
  api("audit/verify").then((report) => {
    chain.replaceChildren(report.holds
      ? el("div", { class: "alert ok", id: "audit-chain-status", text: "The chain holds: " + report.records + " records in " + report.segments + " segments, " +
          report.checkpoints + " signed checkpoints (last signed at record " + report.lastSignedSeq + ")." })
      : el("div", { class: "alert bad", id: "audit-chain-status", text: "The chain is broken: " + report.problem }));
  }).catch((error) => chain.replaceChildren(alertBox(error.message)));
  api("audit/sinks").then((answer) => sinks.replaceChildren(table(["Sink", "Lag", "Delivered", "Failures", "Last error"], answer.sinks.map((sink) => el("tr", {},
    el("td", { text: sink.name }), el("td", { class: "num" }, badge(String(sink.lag), sink.lag > 1000 ? "warn" : "ok")),
    el("td", { class: "num", text: String(sink.delivered) }), el("td", { class: "num", text: String(sink.failures) }),
    el("td", { class: "muted", text: sink.lastError || "" }))), "No sinks.")))
    .catch((error) => sinks.replaceChildren(alertBox(error.message)));
  await search();
}

// ---- Connections ---------------------------------------------------------------------------
// A server's labels from the config, one badge each; a high or critical risk stands out.
function labelBadges(labels) {
  const entries = Object.entries(labels || {}).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return null;
  return el("div", { class: "labels" }, entries.map(([key, value]) =>
    badge(key + ": " + value, key === "risk" && (value === "high" || value === "critical") ? "warn" : "muted")));
}

async function drawConnections() {
  const answer = await api("servers");
  const rows = answer.servers.map((s) => el("tr", {},
    el("td", {}, el("strong", { text: s.name })),
    el("td", {}, badge(s.state, stateTone(s.state))),
    el("td", { text: s.transport }),
    el("td", { text: s.protocolVersion || "–" }),
    el("td", { text: s.era || "–" }),
    el("td", { class: "mono", text: s.serverInfo || "" }),
    el("td", {}, s.connection ? el("span", { class: "mono", text: s.connection }) : el("span", { class: "muted", text: "child process" }),
      s.warning ? el("div", {}, badge(s.warning, "bad")) : null),
    el("td", { text: s.oauth || "" }),
    el("td", { class: "num", text: String(s.restarts) }),
    el("td", { class: "muted", text: s.lastError || "" }),
    el("td", {}, labelBadges(s.labels))));
  show(el("h1", { text: "Upstream connections" }),
    el("p", { class: "sub", text: answer.sessions + " client sessions held now. How each server is reached: TLS checks and proxy, its protocol revision and era, and its OAuth connection." }),
    table(["Server", "State", "Transport", "Protocol", "Era", "Server", "Reached through", "OAuth", "Restarts", "Last error", "Labels"], rows, "No servers are configured."));
}

// ---- Guards --------------------------------------------------------------------------------
// Calls held for a human, and the pinned tool definitions: each decided here with a reason,
// recorded as admin:CALLER. The diff and the findings are the gateway's, shown as text.
async function drawGuards() {
  const reason = el("input", { id: "guards-reason", placeholder: "why (recorded in the audit trail)" });
  const status = el("div", { id: "guards-status" });
  const approvals = el("div", { id: "guards-approvals" });
  const focus = el("div", { id: "guards-approval" });
  const pins = el("div", { id: "guards-pins" });
  const detail = el("div", { id: "guards-detail" });
  function said() {
    const text = reason.value.trim();
    if (!text) status.replaceChildren(alertBox("Give a reason first: every decision is recorded with it."));
    return text;
  }
  async function act(what, path, body, done) {
    try {
      await send("POST", path, body);
      status.replaceChildren(alertBox(done, "ok"));
    } catch (error) { status.replaceChildren(alertBox(what + ": " + error.message)); }
    await load();
  }
  const decide = (label, tone, onclick) => el("button", { type: "button", class: tone, text: label, onclick });
  // `#/guards?approval=apr_…`: the page a held call's URL elicitation links to.
  const asked = new URLSearchParams(location.hash.split("?")[1] || "").get("approval");
  const approvers = (a) => a.approvers > 1 ? a.approvedBy.length + " of " + a.approvers + (a.approvedBy.length ? ": " + a.approvedBy.join(", ") : "") : "one";
  const buttons = (a) => a.state !== "pending" ? badge(a.state, a.state === "denied" ? "bad" : "ok") : el("span", {},
    decide("Approve", "quiet", () => { const why = said(); if (why) act("Approve", "approvals/" + encodeURIComponent(a.id) + "/approve", { reason: why }, "Approved " + a.tool + " for " + a.principal + "."); }),
    decide("Deny", "danger", () => { const why = said(); if (why) act("Deny", "approvals/" + encodeURIComponent(a.id) + "/deny", { reason: why }, "Denied " + a.tool + " for " + a.principal + "."); }));
  async function load() {
    try {
      const waiting = await api("approvals");
      const one = asked ? (waiting.find((a) => a.id === asked) || (await api("approvals?state=all")).find((a) => a.id === asked)) : null;
      focus.replaceChildren(!asked ? "" : !one ? alertBox("No approval " + asked + ": it expired and was cleared, or the link is wrong.") :
        el("div", { class: "panel", id: "guards-focus", "data-approval": one.id },
          el("h2", { text: "Approval " + one.id }),
          el("p", {}, el("strong", { text: one.tool }), " on server " + one.server + ", for " + one.principal + " (rule " + one.rule + ")"),
          el("p", { class: "muted", text: one.summary }),
          el("p", { text: "State: " + one.state + "; approvers: " + approvers(one) + "; expires " + when(one.expiresAt) }),
          buttons(one)));
      approvals.replaceChildren(table(["Tool", "Caller", "Rule", "Arguments", "Approvers", "Expires", ""], waiting.map((a) => el("tr", { "data-approval": a.id, class: a.id === asked ? "focus" : "" },
        el("td", {}, el("strong", { text: a.tool }), el("div", { class: "muted mono", text: a.id })),
        el("td", { text: a.principal }), el("td", { text: a.rule }), el("td", { class: "muted", text: a.summary }),
        el("td", { text: approvers(a) }), el("td", { text: when(a.expiresAt) }),
        el("td", {}, buttons(a)))),
        "No calls wait for approval."));
    } catch (error) { approvals.replaceChildren(alertBox(error.message)); }
    try {
      const listed = await api("pins");
      pins.replaceChildren(table(["Server", "Name", "State", "Verdict", "Findings", "Decided by", ""], listed.map((p) => {
        const path = "pins/" + encodeURIComponent(p.server) + "/" + encodeURIComponent(p.kind === "tool" ? p.name : "instructions");
        const label = p.server + "/" + (p.kind === "tool" ? p.name : "(instructions)");
        return el("tr", { "data-pin": label },
          el("td", { text: p.server }),
          el("td", {}, el("strong", { text: p.kind === "tool" ? p.name : "(instructions)" }), el("div", { class: "muted mono", text: p.pin.slice(0, 12) })),
          el("td", {}, badge(p.state + (p.removed ? " (removed)" : ""), p.state === "approved" ? "ok" : p.state === "rejected" ? "bad" : "warn")),
          el("td", {}, badge(p.verdict, p.verdict === "clean" ? "ok" : p.verdict === "block" ? "bad" : "warn")),
          el("td", { class: "muted", text: (p.findings || []).map((f) => f.rule).join(", ") }),
          el("td", { class: "muted", text: p.decided_by || "" }),
          el("td", {},
            decide("Diff", "quiet", async () => {
              try {
                const shown = await api(path);
                detail.replaceChildren(el("div", { class: "panel" }, el("h2", { text: label + ": what changed since it was approved" }),
                  el("pre", { id: "guards-diff", text: shown.diff }),
                  el("ul", {}, (shown.pin.findings || []).map((f) => el("li", { text: f.severity + " " + f.rule + " (" + f.family + ") at " + f.path + ": " + f.excerpt })))));
              } catch (error) { detail.replaceChildren(alertBox(error.message)); }
            }),
            p.state !== "approved" ? decide("Approve", "quiet", () => { const why = said(); if (why) act("Approve", path + "/approve", { reason: why, pin: p.pin.slice(0, 12) }, "Approved " + label + "."); }) : null,
            p.state !== "rejected" ? decide("Reject", "danger", () => { const why = said(); if (why) act("Reject", path + "/reject", { reason: why, pin: p.pin.slice(0, 12) }, "Rejected " + label + "."); }) : null));
      }), "The guards have pinned nothing yet."));
    } catch (error) { pins.replaceChildren(alertBox(error.message)); }
  }
  show(el("h1", { text: "Guards" }),
    el("p", { class: "sub", text: "Calls a policy holds for a human, and the tool definitions the guards pinned. A decision reaches every replica within about a second." }),
    el("form", { class: "fields panel", id: "guards-form", onsubmit: (event) => event.preventDefault() }, field("Reason", reason)), status, focus,
    el("h2", { text: "Waiting for approval" }), approvals,
    el("h2", { text: "Pinned definitions" }), pins, detail);
  await load();
}

const DRAW = { overview: drawOverview, catalogue: drawCatalogue, keys: drawKeys, policy: drawPolicy, audit: drawAudit, connections: drawConnections, guards: drawGuards };

// ---- Start ---------------------------------------------------------------------------------
(async function start() {
  // Back from single sign-on: the token comes in the fragment, which never reaches a server,
  // and leaves the address bar at once.
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
  if (fragment.get("token")) {
    state.token = fragment.get("token");
    sessionStorage.setItem(TOKEN_KEY, state.token);
    const back = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    history.replaceState(null, "", location.pathname + (back && back.startsWith("#/") ? back : "#/overview"));
  }
  const problem = fragment.get("sign-in-error");
  if (problem) history.replaceState(null, "", location.pathname);
  const outcome = problem ? problem : await trySession();
  if (outcome !== true) {
    const hadToken = Boolean(state.token);
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    drawSignIn(problem || (hadToken ? outcome : null));
  }
})();
"""#
}
