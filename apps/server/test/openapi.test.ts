import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { ERROR_CODES, ServerFrame, VisitorServerFrame, type ErrorCode } from '@switchboard/protocol';
import { startTestServer, type TestServer } from '../../../test/harness.ts';

/**
 * The served OpenAPI document is the REST contract: generators and validators must accept it, and
 * each operation says what it answers, including its errors (codes from protocol/errors.ts).
 */
let t: TestServer;
let doc: any;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
function operations(): Array<{ method: string; path: string; op: any }> {
  return Object.entries(doc.paths).flatMap(([p, item]: [string, any]) => METHODS.filter((m) => item[m]).map((m) => ({ method: m, path: p, op: item[m] })));
}

beforeAll(async () => {
  t = await startTestServer();
  const r = await t.server.app.inject({ method: 'GET', url: '/api/openapi.json' });
  expect(r.statusCode).toBe(200);
  doc = r.json();
});
afterAll(() => t.close());

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 with every referenced schema defined', async () => {
    // The validator dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
    const refs = new Set([...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!));
    expect(refs.size).toBeGreaterThan(20);
    for (const name of refs) expect(doc.components.schemas, `components.schemas.${name}`).toHaveProperty(name);
  });

  it('gives every operation a unique operationId, a summary and a success response with a schema', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(100);
    const ids = new Map<string, string>();
    for (const { method, path: p, op } of ops) {
      const where = `${method.toUpperCase()} ${p}`;
      expect(op.operationId, `${where} operationId`).toMatch(/^[a-z][A-Za-z0-9]+$/);
      expect(ids.get(op.operationId), `${where} reuses operationId ${op.operationId}`).toBeUndefined();
      ids.set(op.operationId, where);
      expect(op.summary, `${where} summary`).toBeTruthy();
      const ok = Object.entries(op.responses).filter(([s]) => /^2/.test(s));
      expect(ok.length, `${where} success response`).toBeGreaterThan(0);
      for (const [, r] of ok as Array<[string, any]>) expect(Object.values(r.content ?? {})[0], `${where} success schema`).toHaveProperty('schema');
    }
  });

  it('lists every operation’s error codes, each from the catalogue, with an example', () => {
    for (const { method, path: p, op } of operations()) {
      const where = `${method.toUpperCase()} ${p}`;
      const errors = Object.entries(op.responses).filter(([s]) => /^[45]/.test(s)) as Array<[string, any]>;
      // Every route can be refused its input and can find the database down.
      expect(errors.map(([s]) => s), where).toEqual(expect.arrayContaining(['400', '503']));
      for (const [status, r] of errors) {
        const media: any = Object.values(r.content)[0];
        const codes: string[] = media.schema.properties.error.properties.code.enum;
        expect(codes.length, `${where} ${status} codes`).toBeGreaterThan(0);
        for (const code of codes) {
          expect(ERROR_CODES, `${where}: ${code} is not in protocol/errors.ts`).toHaveProperty(code);
          // A code answered with another status than the catalogue's is documented with it (e.g. 413 for an upload).
          if (ERROR_CODES[code as ErrorCode].status !== Number(status)) expect(['413', '415'], `${where}: ${code} under ${status}`).toContain(status);
        }
        expect(codes, `${where} ${status} example`).toContain(media.example.error.code);
        for (const code of codes) expect(r.description, `${where} ${status} description`).toContain(code);
      }
      if (op.security?.length !== 0) {
        // Signed-in routes say they can answer 401.
        expect(errors.map(([s]) => s), `${where} 401`).toContain('401');
      }
    }
  });

  it('gives every body an example that its schema accepts, and every operation a documented refusal besides bad input', () => {
    // Examples are checked against the document's own schemas (components resolved by $ref).
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
    const problems: string[] = [];
    const check = (where: string, media: any) => {
      const example = media.example !== undefined ? media.example : (media.examples ? Object.values(media.examples as Record<string, { value: unknown }>)[0]!.value : undefined);
      if (example === undefined) return problems.push(`${where}: no example`);
      const schema = JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components/', '"doc#/components/'));
      if (!ajv.validate(schema, example)) problems.push(`${where}: example refused: ${ajv.errorsText(ajv.errors)}`);
    };
    for (const { method, path: p, op } of operations()) {
      const where = `${method.toUpperCase()} ${p}`;
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {}) as Array<[string, any]>) if (type.includes('json')) check(`${where} request`, media);
      for (const [status, r] of Object.entries(op.responses) as Array<[string, any]>) {
        if (!/^2/.test(status)) continue;
        for (const [type, media] of Object.entries(r.content ?? {}) as Array<[string, any]>) if (type.includes('json')) check(`${where} ${status}`, media);
      }
      // Beyond the 400 and 503 every route has: what else it refuses, or that it needs a sign-in.
      const codes = Object.entries(op.responses)
        .filter(([st]) => /^[45]/.test(st))
        .flatMap(([, r]: [string, any]) => (Object.values(r.content)[0] as any).schema.properties.error.properties.code.enum as string[]);
      if (!codes.some((c) => !['validation_failed', 'bad_request', 'internal_error', 'database_unavailable'].includes(c))) problems.push(`${where}: documents no refusal beyond bad input`);
    }
    expect(problems).toEqual([]);
  });

  it('generates a TypeScript client that compiles and knows each operation’s error codes', async () => {
    const source = astToString(await openapiTS(structuredClone(doc)));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-openapi-'));
    try {
      fs.writeFileSync(path.join(dir, 'api.ts'), source);
      // A small client using the generated types, as an integrator would.
      fs.writeFileSync(
        path.join(dir, 'usage.ts'),
        `import type { components, paths } from './api';
type Conversations = paths['/api/v1/conversations']['get']['responses'][200]['content']['application/json'];
export const subjects = (page: Conversations): string[] => page.items.map((c) => \`#\${c.id} \${c.status}\`);
type Close = paths['/api/v1/conversations/{id}/close']['post'];
export const closed: Close['parameters']['path'] = { id: 12 };
type Refused = Close['responses'][409]['content']['application/json'];
export const code: Refused['error']['code'] = 'already_closed';
// @ts-expect-error: not a code closing a conversation answers
export const wrong: Refused['error']['code'] = 'email_taken';
export const me = (m: components['schemas']['Me']): string => m.user.name;
type Post = paths['/api/v1/conversations/{id}/messages']['post']['requestBody'];
export const note: NonNullable<Post>['content']['application/json'] = { body: 'Called the customer back', internal: true };
`,
      );
      const program = ts.createProgram([path.join(dir, 'usage.ts')], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        types: [],
        lib: ['lib.es2022.d.ts'],
      });
      const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(problems).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('documents both streams: how to sign in and resume, the closes, and every frame with its schema', () => {
    const about: string = doc.info.description;
    for (const words of ['/api/v1/stream', '/api/v1/widget/stream', 'POST /api/v1/stream/ticket', 'POST /api/v1/widget/stream-ticket', '"hello"', 'resync', '"ping"', '4401', '1013', '1008'])
      expect(about, words).toContain(words);
    for (const code of ['unauthorized', 'bad_frame', 'not_found']) {
      expect(about).toContain(`\`${code}\``);
      expect(ERROR_CODES).toHaveProperty(code);
    }
    for (const [name, union] of [['StreamFrame', ServerFrame], ['VisitorStreamFrame', VisitorServerFrame]] as const) {
      const schema = doc.components.schemas[name];
      const types = union.options.map((o) => o.shape.type.value);
      expect(schema.oneOf.map((f: any) => f.properties.type.const)).toEqual(types);
      for (const type of types) expect(about).toContain(`| \`${type}\` |`);
    }
  });
});
