/**
 * Every request and success body of the OpenAPI document gets an example (issue 16 item 5): the
 * route's own, else its schema's (`.meta({ examples })` in packages/protocol, used wherever that
 * schema appears, so a hand-written Conversation shows in every answer holding one), else one
 * built from the schema: enums, defaults, formats and bounds respected, a few names made readable.
 * apps/server/test/openapi.test.ts checks that each example validates against its schema.
 */
type Schema = Record<string, any>;

const DAY = 1764662400000; // 2025-12-02, a fixed instant so the document does not change per start

const BY_NAME: Record<string, unknown> = {
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  body: 'Hello, I need help with my order',
  subject: 'Order #1042',
  note: 'Customer called back',
  description: 'Sent to our CRM',
  title: 'Greeting',
  color: '#3b82f6',
  phone: '+15550100',
  url: 'https://example.com/hook',
  password: 'correct horse battery staple',
  q: 'invoice',
};

export function exampleOf(schema: Schema | undefined, schemas: Record<string, Schema>, name = '', depth = 0): unknown {
  if (!schema || depth > 12) return null;
  if (schema.$ref) return exampleOf(schemas[String(schema.$ref).split('/').pop()!], schemas, name, depth + 1);
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (schema.example !== undefined) return schema.example;
  if (schema.const !== undefined) return schema.const;
  // An empty default says what is left out, not what to send: a body of '' shows nothing.
  if (schema.default !== undefined && schema.default !== '') return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const key of ['oneOf', 'anyOf'] as const) {
    if (Array.isArray(schema[key])) {
      const options = schema[key] as Schema[];
      const pick = options.find((o) => o.type !== 'null') ?? options[0];
      return exampleOf(pick, schemas, name, depth + 1);
    }
  }
  if (Array.isArray(schema.allOf)) return Object.assign({}, ...schema.allOf.map((s: Schema) => exampleOf(s, schemas, name, depth + 1)));
  const type = Array.isArray(schema.type) ? (schema.type.find((t: string) => t !== 'null') ?? 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) out[key] = exampleOf(prop, schemas, key, depth + 1);
      return out;
    }
    case 'array': {
      const item = exampleOf(schema.items, schemas, name.replace(/s$/, ''), depth + 1);
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => item);
    }
    case 'string':
      return stringExample(schema, name);
    case 'integer':
    case 'number': {
      if (/At$|^since$|^until$|^at$/.test(name) && (schema.minimum ?? 0) <= DAY && (schema.maximum ?? Infinity) >= DAY) return DAY;
      const low = schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : (schema.minimum ?? 1);
      return Math.min(Math.max(low, 1), schema.maximum ?? Infinity);
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return null;
  }
}

function stringExample(schema: Schema, name: string): string {
  if (schema.format === 'date-time') return new Date(DAY).toISOString();
  if (schema.format === 'date') return '2025-12-02';
  if (schema.format === 'email') return 'ada@example.com';
  if (schema.format === 'uri' || schema.format === 'url') return 'https://example.com/hook';
  if (schema.format === 'uuid') return '4f1c2e9a-8b7d-4c3e-9a1b-2d3e4f5a6b7c';
  let s = typeof BY_NAME[name] === 'string' ? (BY_NAME[name] as string) : name ? name.replace(/([A-Z])/g, ' $1').toLowerCase() : 'text';
  if (schema.pattern && !new RegExp(schema.pattern, 'u').test(s)) s = '1';
  if (schema.minLength && s.length < schema.minLength) s = s.padEnd(schema.minLength, 'x');
  if (schema.maxLength && s.length > schema.maxLength) s = s.slice(0, schema.maxLength);
  return s;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Adds an example to each request body and success response that has none (see above). */
export function withExamples<T extends Record<string, any>>(doc: T): T {
  const schemas: Record<string, Schema> = doc.components?.schemas ?? {};
  const fill = (content: Record<string, Schema> | undefined) => {
    for (const [type, media] of Object.entries(content ?? {})) {
      if (!type.includes('json') || media.example !== undefined || media.examples !== undefined || !media.schema) continue;
      media.example = exampleOf(media.schema, schemas);
    }
  };
  for (const item of Object.values(doc.paths ?? {}) as Schema[]) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      fill(op.requestBody?.content);
      for (const [status, r] of Object.entries((op.responses ?? {}) as Record<string, Schema>)) if (/^2/.test(status)) fill(r.content);
    }
  }
  return doc;
}
