import type { FastifyInstance, RouteOptions } from 'fastify';

interface Documented {
  method: string;
  url: string;
  body?: unknown;
  querystring?: unknown;
}

/** `/admin/api/apps/:appid` → `/admin/api/apps/{appid}`, and the path parameters it names. */
function openapiPath(url: string): { path: string; params: string[] } {
  const params: string[] = [];
  const path = url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path, params };
}

/** A query schema's properties as OpenAPI parameters. */
function queryParameters(schema: unknown) {
  const props = (schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  return Object.entries(props).map(([name, s]) => ({ name, in: 'query', required: false, schema: s }));
}

/**
 * Collects the admin routes as they register (with the JSON schemas that validate them) and
 * serves them as an OpenAPI 3.1 document, so the document cannot drift from the validation.
 */
export function documentAdminApi(app: FastifyInstance, prefix: string, version: string): void {
  const routes: Documented[] = [];
  app.addHook('onRoute', (r: RouteOptions) => {
    const methods = (Array.isArray(r.method) ? r.method : [r.method]).filter((m) => m !== 'HEAD');
    const schema = r.schema as { body?: unknown; querystring?: unknown } | undefined;
    for (const method of methods)
      routes.push({ method: method.toLowerCase(), url: r.url, body: schema?.body, querystring: schema?.querystring });
  });
  app.get('/openapi.json', async () => {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of routes) {
      // The route's url carries the plugin's prefix already.
      const { path, params } = openapiPath(r.url.startsWith(prefix) ? r.url : `${prefix}${r.url}`);
      const operation: Record<string, unknown> = {
        operationId: `${r.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
        parameters: [
          ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
          ...queryParameters(r.querystring),
        ],
        responses: {
          '200': { description: 'The answer (JSON); 201 for a creation, 204 with no body where the route says so' },
          '400': {
            description: 'A bad field: {"error"} naming it',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          '401': { description: 'No or a wrong admin token' },
          '404': { description: 'No such app, user or route' },
          '409': { description: 'Not possible in the current state (sessions add "errcode")' },
        },
      };
      if (r.body !== undefined) operation.requestBody = { required: true, content: { 'application/json': { schema: r.body } } };
      else if (r.method === 'post' || r.method === 'put' || r.method === 'patch') {
        operation.requestBody = { required: false, content: { 'application/json': { schema: { type: 'object' } } } };
      }
      paths[path] = { ...paths[path], [r.method]: operation };
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'wxkf admin API',
        version,
        description:
          'The operator side of wxkf: apps, tokens, kf accounts, users, the customer-service flow, faults, clock, journal.',
      },
      servers: [{ url: '/' }],
      security: [{ adminToken: [] }],
      components: {
        securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <admin token>' } },
        schemas: {
          Error: { type: 'object', properties: { error: { type: 'string' }, errcode: { type: 'integer' } }, required: ['error'] },
        },
      },
      paths,
    };
  });
}
