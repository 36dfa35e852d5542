/**
 * "Northwind tracker": a multi-tenant MCP server on the official SDK (`McpServer` and the stateful
 * `StreamableHTTPServerTransport` over node:http), with no mcify in it. API tokens are looked up in the
 * server's token map; a request without a valid token is refused with 401 and `WWW-Authenticate:
 * Bearer`, a tool call without the tool's scope with 403 `insufficient_scope`. Each session gets its
 * own `McpServer`, whose tools act as the user who opened the session.
 *
 * Planted (see README.md and planted.json): `tasks_get` reads any organisation's task by id,
 * `tasks_rename` renames any organisation's task by id, and a known `Mcp-Session-Id` is taken as proof
 * of identity: a later request on that session runs as the user who opened it, whatever token it
 * carries, or none.
 */
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import process from 'node:process';
import { URL } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { createStore, users } from './store.mjs';

/** The scope each tool needs; checked before the call reaches the session's server. */
export const requiredScopes = {
  profile_get: 'tasks:read',
  projects_list: 'tasks:read',
  projects_get: 'tasks:read',
  projects_export: 'projects:export',
  tasks_list: 'tasks:read',
  tasks_get: 'tasks:read',
  tasks_create: 'tasks:write',
  tasks_rename: 'tasks:write',
};

const maxBodyBytes = 1024 * 1024;

const answer = (data) => ({ content: [{ type: 'text', text: JSON.stringify(data) }] });
const failure = (message) => ({ isError: true, content: [{ type: 'text', text: message }] });
const presentTask = (task) => ({ id: task.id, projectId: task.projectId, title: task.title, status: task.status, assigneeEmail: task.assigneeEmail });
const presentProject = (project) => ({ id: project.id, name: project.name, budgetCode: project.budgetCode });

/**
 * The MCP server of one session: its tools act as `user`, the user who opened the session.
 * `fixed` adds the missing tenant filters to `tasks_get` and `tasks_rename`.
 */
function sessionServer(store, user, fixed) {
  const { tenant } = users[user];
  /** The task by id: in any organisation (the planted flaw), or in the caller's (fixed). */
  const findTask = (taskId) => store.tasks.find((candidate) => candidate.id === taskId && (!fixed || candidate.tenant === tenant));
  const server = new McpServer({ name: 'northwind-tracker', version: '1.0.0' });
  const read = { readOnlyHint: true, openWorldHint: false };
  const write = { readOnlyHint: false, destructiveHint: false, openWorldHint: false };

  server.registerTool('profile_get', { description: 'The signed-in user: name, email and organisation.', annotations: read }, () => {
    const profile = users[user];
    return answer({ user, displayName: profile.displayName, email: profile.email, organisation: tenant });
  });

  server.registerTool('projects_list', { description: "Lists the projects of the caller's organisation.", annotations: read }, () =>
    answer({ projects: store.projects.filter((project) => project.tenant === tenant).map(presentProject) }),
  );

  server.registerTool(
    'projects_get',
    { description: "Shows one of the caller's organisation's projects by its id, with its tasks.", inputSchema: { projectId: z.string().min(1) }, annotations: read },
    ({ projectId }) => {
      const project = store.projects.find((candidate) => candidate.id === projectId && candidate.tenant === tenant);
      if (project === undefined) return failure('project not found');
      return answer({ ...presentProject(project), tasks: store.tasks.filter((task) => task.tenant === tenant && task.projectId === project.id).map(presentTask) });
    },
  );

  server.registerTool('tasks_list', { description: "Lists the tasks of the caller's organisation.", annotations: read }, () =>
    answer({ tasks: store.tasks.filter((task) => task.tenant === tenant).map(presentTask) }),
  );

  server.registerTool('tasks_get', { description: 'Shows one task by its id.', inputSchema: { taskId: z.string().min(1) }, annotations: read }, ({ taskId }) => {
    // PLANTED harness/cross-tenant-read: looked up by id alone, not by the caller's organisation.
    const task = findTask(taskId);
    return task === undefined ? failure('task not found') : answer(presentTask(task));
  });

  server.registerTool(
    'tasks_create',
    { description: "Adds a task to one of the caller's organisation's projects.", inputSchema: { projectId: z.string().min(1), title: z.string().min(1).max(120) }, annotations: write },
    ({ projectId, title }) => {
      const project = store.projects.find((candidate) => candidate.id === projectId && candidate.tenant === tenant);
      if (project === undefined) return failure('project not found');
      const task = { id: store.nextTaskId(tenant), tenant, projectId, title, status: 'open', assigneeEmail: users[user].email };
      store.tasks.push(task);
      return answer(presentTask(task));
    },
  );

  server.registerTool(
    'tasks_rename',
    { description: 'Changes the title of a task.', inputSchema: { taskId: z.string().min(1), title: z.string().min(1).max(120) }, annotations: { ...write, idempotentHint: true } },
    ({ taskId, title }) => {
      // PLANTED harness/cross-tenant-write: updated by id alone; the answer shows nothing of the task.
      const task = findTask(taskId);
      if (task === undefined) return failure('task not found');
      task.title = title;
      return answer({ taskId, renamed: true });
    },
  );

  server.registerTool(
    'projects_export',
    { description: "Exports every project of the caller's organisation with its tasks (needs projects:export).", annotations: read },
    () =>
      answer({
        organisation: tenant,
        projects: store.projects.filter((project) => project.tenant === tenant).map((project) => ({ ...presentProject(project), tasks: store.tasks.filter((task) => task.tenant === tenant && task.projectId === project.id).map(presentTask) })),
      }),
  );
  return server;
}

function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const rpcError = (code, message, id = null) => ({ jsonrpc: '2.0', error: { code, message }, id });

/** The user a request's `Authorization` header names, or why there is none. One header, RFC 6750 syntax. */
function authenticate(store, req) {
  const values = req.headersDistinct.authorization ?? [];
  if (values.length === 0) return { refusal: 'missing' };
  const match = values.length === 1 ? /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(values[0] ?? '') : null;
  const user = match === null ? undefined : store.tokenOwners.get(match[1]);
  return user === undefined ? { refusal: 'invalid' } : { user };
}

function challenge(res, refusal) {
  const header = refusal === 'missing' ? 'Bearer' : 'Bearer error="invalid_token"';
  sendJson(res, 401, rpcError(-32001, refusal === 'missing' ? 'Unauthorized: a bearer token is required' : 'Unauthorized: invalid token'), { 'www-authenticate': header });
}

/** The first `tools/call` of the body whose tool needs a scope the user lacks: the scope and the call's id. */
function missingScope(body, user) {
  for (const message of Array.isArray(body) ? body : [body]) {
    if (message === null || typeof message !== 'object' || message.method !== 'tools/call') continue;
    const scope = requiredScopes[message.params?.name];
    if (scope !== undefined && !users[user].scopes.includes(scope)) return { scope, id: Array.isArray(body) ? null : (message.id ?? null) };
  }
  return undefined;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    const collect = (chunk) => {
      size += chunk.length;
      if (size <= maxBodyBytes) {
        chunks.push(chunk);
        return;
      }
      // Refuse at once; the rest of the body is read and dropped, so the 413 reaches the client.
      req.off('data', collect);
      req.resume();
      reject(Object.assign(new Error('body too large'), { status: 413 }));
    };
    req.on('data', collect);
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/**
 * Starts the server on node:http with a fresh store. Resolves with the MCP endpoint, each user's
 * token, the principals and `close()`. `variant: 'fixed'` removes the three planted flaws: tenant
 * filters in `tasks_get` and `tasks_rename`, and every request authenticated, on a session only by the
 * user who opened it (anyone else gets 404, as for an unknown session).
 */
export async function startServer({ port = 0, hostname = '127.0.0.1', variant = 'planted' } = {}) {
  const fixed = variant === 'fixed';
  const store = createStore();
  /** session id → { transport, server, owner } */
  const sessions = new Map();

  async function openSession(req, res, body, owner) {
    const server = sessionServer(store, owner, fixed);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, owner });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async function handle(req, res) {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/mcp') {
      sendJson(res, 404, rpcError(-32601, 'Not found'));
      return;
    }
    const sessionId = req.headers['mcp-session-id'];
    const known = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    let session = known;
    let user;
    if (known !== undefined && !fixed) {
      // PLANTED session flaw: the session id alone authenticates; the request runs as the session's owner.
      user = known.owner;
    } else {
      const auth = authenticate(store, req);
      if (auth.user === undefined) {
        challenge(res, auth.refusal);
        return;
      }
      user = auth.user;
      // Fixed: a session is only its owner's; to anyone else it does not exist.
      if (known !== undefined && known.owner !== user) session = undefined;
    }
    let body;
    if (req.method === 'POST') {
      try {
        body = JSON.parse(await readBody(req));
      } catch (error) {
        if (error instanceof Error && 'status' in error) sendJson(res, 413, rpcError(-32600, 'Request body too large'), { connection: 'close' });
        else sendJson(res, 400, rpcError(-32700, 'Parse error: the body is not JSON'));
        return;
      }
      const missing = missingScope(body, user);
      if (missing !== undefined) {
        sendJson(res, 403, rpcError(-32003, `Forbidden: insufficient_scope (${missing.scope} is required)`, missing.id), { 'www-authenticate': `Bearer error="insufficient_scope", scope="${missing.scope}"` });
        return;
      }
    }
    if (session !== undefined) {
      await session.transport.handleRequest(req, res, body);
      return;
    }
    if (sessionId !== undefined) {
      sendJson(res, 404, rpcError(-32001, 'Session not found'));
      return;
    }
    if (req.method === 'POST' && isInitializeRequest(body)) {
      await openSession(req, res, body, user);
      return;
    }
    sendJson(res, 400, rpcError(-32000, 'Bad Request: no valid session id'));
  }

  const http = createServer((req, res) => {
    handle(req, res).catch((error) => {
      process.stderr.write(`request failed: ${error instanceof Error ? error.message : String(error)}\n`);
      if (!res.headersSent) sendJson(res, 500, rpcError(-32603, 'Internal error'));
      else res.end();
    });
  });
  await new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, hostname, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address();
  const principals = Object.fromEntries(Object.entries(users).map(([name, user]) => [name, { tenant: user.tenant, scopes: [...user.scopes] }]));
  let closing;
  return {
    url: `http://${hostname}:${String(address.port)}/mcp`,
    tokens: { ...store.tokens },
    principals,
    close: () => {
      closing ??= (async () => {
        await Promise.allSettled([...sessions.values()].map((open) => open.server.close()));
        sessions.clear();
        const closed = new Promise((resolve) => http.close(() => resolve()));
        http.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
