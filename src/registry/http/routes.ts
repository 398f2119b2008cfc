/**
 * Confluent Schema Registry's REST API (v1) over a SchemaRegistry: the paths, query parameters and response bodies
 * of its SubjectsResource, SubjectVersionsResource, SchemasResource, CompatibilityResource, ConfigResource,
 * ModeResource and RootResource. `schemaType` is left out of a schema's JSON when it is AVRO, as Confluent does.
 */
import { RegistryError } from '../errors.js';
import { SCHEMA_TYPES } from '../schema-formats.js';
import { configUpdate, modeUpdate, versionId } from '../schema-requests.js';
import type { SchemaRegistry, SchemaVersion } from '../schema-registry.js';
import type { VersionFilter } from '../registry-state.js';
import { Router, type RouteRequest, type RouteResponse } from './router.js';

/** Jersey's boolean query parameter: "true" in any case is true, anything else (or nothing) false. */
function flag(query: URLSearchParams, name: string): boolean {
  return query.get(name)?.trim().toLowerCase() === 'true';
}

/** The part of an id path parameter Jersey can convert to an Integer; anything else is Jersey's 404. */
function idParam(text: string): number {
  const t = text.trim();
  if (!/^[+-]?\d{1,10}$/.test(t) || Math.abs(Number(t)) > 2 ** 31 - 1) throw new RegistryError(404, 404, 'HTTP 404 Not Found');
  return Number(t);
}

const json = (body: unknown, status?: number): RouteResponse => (status === undefined ? { json: body } : { status, json: body });

/** A schema version as Confluent's Schema entity: schemaType only when not AVRO, references only when there are some. */
function schemaJson(v: SchemaVersion): Record<string, unknown> {
  return {
    subject: v.subject,
    version: v.version,
    id: v.id,
    ...(v.schemaType !== 'AVRO' ? { schemaType: v.schemaType } : {}),
    ...(v.references.length > 0 ? { references: v.references } : {}),
    schema: v.schema,
  };
}

/** Confluent's SchemaString (GET /schemas/ids/{id}): the subject and version only when ?subject was given. */
function schemaStringJson(v: SchemaVersion, withSubject: boolean): Record<string, unknown> {
  return {
    ...(withSubject ? { subject: v.subject, version: v.version } : {}),
    ...(v.schemaType !== 'AVRO' ? { schemaType: v.schemaType } : {}),
    schema: v.schema,
    ...(v.references.length > 0 ? { references: v.references } : {}),
  };
}

function subjectFilter(q: URLSearchParams): VersionFilter {
  if (flag(q, 'deletedOnly')) return 'deletedOnly';
  return flag(q, 'deleted') ? 'all' : 'live';
}

function versionFilter(q: URLSearchParams): VersionFilter {
  if (flag(q, 'deletedAsNegative')) return 'deletedAsNegative';
  return subjectFilter(q);
}

/** offset/limit paging of Confluent's list endpoints (limit < 0: no limit). */
function page<T>(items: readonly T[], q: URLSearchParams): T[] {
  const offset = Math.max(0, Number.parseInt(q.get('offset') ?? '0', 10) || 0);
  const limit = Number.parseInt(q.get('limit') ?? '-1', 10);
  return items.slice(offset, Number.isFinite(limit) && limit >= 0 ? offset + limit : undefined);
}

export function registryRoutes(registry: SchemaRegistry): Router {
  const r = new Router();
  const p = (req: RouteRequest, name: string) => req.params[name]!;

  r.add('GET', '/', () => json({}));
  r.add('POST', '/', () => json({}));

  // Subjects
  r.add('GET', '/subjects', (req) => json(page(registry.subjects(subjectFilter(req.query)), req.query)));
  r.add('POST', '/subjects/{subject}', (req) => json(schemaJson(registry.lookup(p(req, 'subject'), req.body, flag(req.query, 'deleted')))));
  r.add('DELETE', '/subjects/{subject}', async (req) => json(await registry.deleteSubject(p(req, 'subject'), flag(req.query, 'permanent'))));

  // Subject versions
  r.add('GET', '/subjects/{subject}/versions', (req) => json(page(registry.versions(p(req, 'subject'), versionFilter(req.query)), req.query)));
  r.add('POST', '/subjects/{subject}/versions', async (req) => {
    const { id } = await registry.register(p(req, 'subject'), req.body, { force: flag(req.query, 'force') });
    return json({ id });
  });
  r.add('GET', '/subjects/{subject}/versions/{version}', (req) =>
    json(schemaJson(registry.version(p(req, 'subject'), versionId(p(req, 'version')), flag(req.query, 'deleted')))),
  );
  r.add('GET', '/subjects/{subject}/versions/{version}/schema', (req) => ({
    raw: registry.version(p(req, 'subject'), versionId(p(req, 'version')), flag(req.query, 'deleted')).schema,
  }));
  r.add('GET', '/subjects/{subject}/versions/{version}/referencedby', (req) =>
    json(page(registry.referencedBy(p(req, 'subject'), versionId(p(req, 'version')), flag(req.query, 'deleted')), req.query)),
  );
  r.add('DELETE', '/subjects/{subject}/versions/{version}', async (req) =>
    json(await registry.deleteVersion(p(req, 'subject'), versionId(p(req, 'version')), flag(req.query, 'permanent'))),
  );

  // Schemas by id
  r.add('GET', '/schemas/types', () => json(SCHEMA_TYPES));
  r.add('GET', '/schemas/ids/{id}', (req) => {
    const subject = req.query.get('subject') ?? undefined;
    return json(schemaStringJson(registry.schemaById(idParam(p(req, 'id')), subject || undefined), !!subject));
  });
  r.add('GET', '/schemas/ids/{id}/schema', (req) => ({ raw: registry.schemaById(idParam(p(req, 'id')), req.query.get('subject') || undefined).schema }));
  r.add('GET', '/schemas/ids/{id}/versions', (req) => json(page(registry.holders(idParam(p(req, 'id')), flag(req.query, 'deleted')), req.query)));
  r.add('GET', '/schemas/ids/{id}/subjects', (req) => {
    const subjects = [...new Set(registry.holders(idParam(p(req, 'id')), flag(req.query, 'deleted')).map((h) => h.subject))];
    return json(page(subjects, req.query));
  });

  // Compatibility
  r.add('POST', '/compatibility/subjects/{subject}/versions/{version}', (req) =>
    json(registry.testCompatibility(p(req, 'subject'), versionId(p(req, 'version')), req.body, flag(req.query, 'verbose'))),
  );
  r.add('POST', '/compatibility/subjects/{subject}/versions', (req) =>
    json(registry.testCompatibility(p(req, 'subject'), undefined, req.body, flag(req.query, 'verbose'))),
  );

  // Config
  r.add('GET', '/config', (req) => json(registry.config(null, flag(req.query, 'defaultToGlobal'))));
  r.add('PUT', '/config', async (req) => json(await registry.setConfig(null, configUpdate(req.body))));
  r.add('DELETE', '/config', async () => json(await registry.deleteConfig(null)));
  r.add('GET', '/config/{subject}', (req) => json(registry.config(p(req, 'subject'), flag(req.query, 'defaultToGlobal'))));
  r.add('PUT', '/config/{subject}', async (req) => json(await registry.setConfig(p(req, 'subject'), configUpdate(req.body))));
  r.add('DELETE', '/config/{subject}', async (req) => json(await registry.deleteConfig(p(req, 'subject'))));

  // Mode: PUT answers the request's mode as it was sent (Confluent echoes the request).
  r.add('GET', '/mode', (req) => json(registry.mode(null, flag(req.query, 'defaultToGlobal'))));
  r.add('PUT', '/mode', async (req) => {
    await registry.setMode(null, modeUpdate(req.body), flag(req.query, 'force'));
    return json({ mode: (req.body as { mode: string }).mode });
  });
  r.add('DELETE', '/mode', async () => json(await registry.deleteMode(null)));
  r.add('GET', '/mode/{subject}', (req) => json(registry.mode(p(req, 'subject'), flag(req.query, 'defaultToGlobal'))));
  r.add('PUT', '/mode/{subject}', async (req) => {
    await registry.setMode(p(req, 'subject'), modeUpdate(req.body), flag(req.query, 'force'));
    return json({ mode: (req.body as { mode: string }).mode });
  });
  r.add('DELETE', '/mode/{subject}', async (req) => json(await registry.deleteMode(p(req, 'subject'))));

  return r;
}
