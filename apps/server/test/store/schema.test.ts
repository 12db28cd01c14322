import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE, startTestServer, type TestServer } from '../../../../test/harness.ts';

/**
 * `store/schema.ts` is written by hand; this keeps it true (issue 17 item 4): every migrated table
 * and column is declared there, nothing declared is missing from the database, and a column typed
 * `| null` is exactly a column the database lets be NULL — on both engines.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const SCHEMA_FILE = path.join(here, '../../src/store/schema.ts');

interface Declared {
  columns: Map<string, { nullable: boolean }>;
}

/** Reads `interface Database { table: XTable }` and each table interface's properties from the source. */
function declaredTables(): Map<string, Declared> {
  // schema.ts and the area files it re-exports (`export type * from './schema/…'`).
  const read = (file: string) => ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const source = read(SCHEMA_FILE);
  const files = [source];
  source.forEachChild((n) => {
    if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) files.push(read(path.join(path.dirname(SCHEMA_FILE), n.moduleSpecifier.text)));
  });
  const interfaces = new Map<string, { decl: ts.InterfaceDeclaration; file: ts.SourceFile }>();
  for (const file of files) {
    file.forEachChild((n) => {
      if (ts.isInterfaceDeclaration(n)) interfaces.set(n.name.text, { decl: n, file });
    });
  }
  const nullable = (t: ts.TypeNode | undefined): boolean => {
    if (!t) return false;
    if (ts.isTypeReferenceNode(t) && t.typeArguments?.length) return t.typeArguments.some(nullable); // Generated<T>, ColumnType<…>
    if (ts.isUnionTypeNode(t)) return t.types.some(nullable);
    return ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword;
  };
  // A table interface may extend another, whole or `Omit<Base, 'a' | 'b'>` (the dimension rollups).
  const columnsOf = ({ decl: shape, file }: { decl: ts.InterfaceDeclaration; file: ts.SourceFile }): Map<string, { nullable: boolean }> => {
    const columns = new Map<string, { nullable: boolean }>();
    for (const h of shape.heritageClauses ?? []) {
      for (const e of h.types) {
        let base = e.expression.getText(file);
        const omitted = new Set<string>();
        if (base === 'Omit' && e.typeArguments?.length === 2) {
          base = e.typeArguments[0]!.getText(file);
          const keys = e.typeArguments[1]!;
          for (const k of ts.isUnionTypeNode(keys) ? keys.types : [keys]) omitted.add(k.getText(file).replace(/['"]/g, ''));
        }
        const parent = interfaces.get(base);
        if (!parent) throw new Error(`schema.ts: ${shape.name.text} extends ${base}, not in the schema files`);
        for (const [name, c] of columnsOf(parent)) if (!omitted.has(name)) columns.set(name, c);
      }
    }
    for (const c of shape.members) if (ts.isPropertySignature(c)) columns.set((c.name as ts.Identifier).text, { nullable: nullable(c.type) });
    return columns;
  };
  const out = new Map<string, Declared>();
  const db = interfaces.get('Database')?.decl;
  if (!db) throw new Error('no interface Database in schema.ts');
  for (const m of db.members) {
    if (!ts.isPropertySignature(m) || !m.type || !ts.isTypeReferenceNode(m.type)) continue;
    const table = (m.name as ts.Identifier).text;
    const shape = interfaces.get(m.type.typeName.getText(source));
    if (!shape) throw new Error(`schema.ts: ${table} names an interface that is not in the schema files`);
    out.set(table, { columns: columnsOf(shape) });
  }
  return out;
}

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

/** Tables and columns as the migrations left them. */
async function migratedTables(): Promise<Map<string, Map<string, { nullable: boolean }>>> {
  const db = t.server.services.store.db;
  const out = new Map<string, Map<string, { nullable: boolean }>>();
  if (ENGINE === 'postgres') {
    const rows = await sql<{ table_name: string; column_name: string; is_nullable: string }>`
      select table_name, column_name, is_nullable from information_schema.columns
      where table_schema = current_schema() and table_name not like 'kysely_%'`.execute(db);
    for (const r of rows.rows) {
      if (!out.has(r.table_name)) out.set(r.table_name, new Map());
      out.get(r.table_name)!.set(r.column_name, { nullable: r.is_nullable === 'YES' });
    }
    return out;
  }
  // Only ordinary tables: the FTS5 search tables of migration 023 (virtual, and their shadow tables)
  // are SQLite's form of an index, read by raw SQL in store/search.ts, not through schema.ts.
  const tables = await sql<{ name: string }>`select name from pragma_table_list where schema = 'main' and type = 'table' and name not like 'kysely_%' and name not like 'sqlite_%'`.execute(db);
  for (const { name } of tables.rows) {
    const cols = await sql<{ name: string; notnull: number; pk: number }>`select name, "notnull", pk from pragma_table_info(${name})`.execute(db);
    // SQLite reports an INTEGER PRIMARY KEY as nullable, though it never holds NULL.
    out.set(name, new Map(cols.rows.map((c) => [c.name, { nullable: c.notnull === 0 && c.pk === 0 }])));
  }
  return out;
}

describe(`store/schema.ts matches the migrated database (${ENGINE})`, () => {
  it('declares every table and column, and NULL where the database allows it', async () => {
    const declared = declaredTables();
    const migrated = await migratedTables();
    const problems: string[] = [];
    for (const [table, cols] of migrated) {
      const d = declared.get(table);
      if (!d) {
        problems.push(`table ${table} is migrated but not in schema.ts`);
        continue;
      }
      for (const [col, { nullable }] of cols) {
        const dc = d.columns.get(col);
        if (!dc) problems.push(`${table}.${col} is migrated but not in schema.ts`);
        else if (dc.nullable !== nullable) problems.push(`${table}.${col}: database ${nullable ? 'allows' : 'refuses'} NULL, schema.ts says ${dc.nullable ? '| null' : 'never null'}`);
      }
      for (const col of d.columns.keys()) if (!cols.has(col)) problems.push(`${table}.${col} is in schema.ts but not migrated`);
    }
    for (const table of declared.keys()) if (!migrated.has(table)) problems.push(`table ${table} is in schema.ts but not migrated`);
    expect(problems).toEqual([]);
    expect(migrated.size).toBeGreaterThan(20);
  });
});
