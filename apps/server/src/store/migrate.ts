import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as core from './migrations/001_core.ts';
import * as routing from './migrations/002_routing.ts';
import * as customer from './migrations/003_customer.ts';
import * as composer from './migrations/004_composer.ts';
import * as alertOrder from './migrations/005_alert_order.ts';
import * as listFilters from './migrations/006_list_filters.ts';
import * as personalQuickReplies from './migrations/007_personal_quick_replies.ts';
import * as replyTemplates from './migrations/008_reply_templates.ts';
import * as inboxes from './migrations/011_inboxes.ts';
import * as security from './migrations/012_security.ts';
import * as inboundMessageIds from './migrations/013_inbound_message_ids.ts';
import * as engagement from './migrations/010_engagement.ts';
import * as outbox from './migrations/014_outbox.ts';
import * as email from './migrations/018_email.ts';
import * as channels from './migrations/016_channels.ts';
import * as reports from './migrations/017_reports.ts';
import * as reportRollups from './migrations/019_report_rollups.ts';
import * as webhooks from './migrations/020_webhooks.ts';
import * as access from './migrations/021_access.ts';
import * as search from './migrations/023_search.ts';
import * as reportDimensions from './migrations/025_report_dimensions.ts';
import * as profiles from './migrations/026_profiles.ts';
import * as rollupShards from './migrations/027_rollup_shards.ts';
import * as openOfferMark from './migrations/028_open_offer_mark.ts';
import * as revokedScope from './migrations/029_revoked_scope.ts';
import * as offeredCount from './migrations/030_offered_count.ts';
import * as bots from './migrations/022_bots.ts';
import type { Dialect } from './db.ts';

/** Migrations are listed in code, so they ship with the bundle and run the same on both engines. */
function provider(dialect: Dialect): MigrationProvider {
  const all: Record<string, Migration> = {
    '001_core': { up: (db) => core.up(db, dialect) },
    '002_routing': { up: (db) => routing.up(db, dialect) },
    '003_customer': { up: (db) => customer.up(db, dialect) },
    '004_composer': { up: (db) => composer.up(db, dialect) },
    '005_alert_order': { up: (db) => alertOrder.up(db) },
    '006_list_filters': { up: (db) => listFilters.up(db) },
    '007_personal_quick_replies': { up: (db) => personalQuickReplies.up(db) },
    '008_reply_templates': { up: (db) => replyTemplates.up(db) },
    '011_inboxes': { up: (db) => inboxes.up(db, dialect) },
    '012_security': { up: (db) => security.up(db) },
    '013_inbound_message_ids': { up: (db) => inboundMessageIds.up(db) },
    '010_engagement': { up: (db) => engagement.up(db, dialect) },
    '014_outbox': { up: (db) => outbox.up(db, dialect) },
    '018_email': { up: (db) => email.up(db) },
    '016_channels': { up: (db) => channels.up(db, dialect) },
    '017_reports': { up: (db) => reports.up(db, dialect) },
    '019_report_rollups': { up: (db) => reportRollups.up(db, dialect) },
    '020_webhooks': { up: (db) => webhooks.up(db, dialect) },
    '021_access': { up: (db) => access.up(db, dialect) },
    '023_search': { up: (db) => search.up(db, dialect) },
    '025_report_dimensions': { up: (db) => reportDimensions.up(db, dialect) },
    '026_profiles': { up: (db) => profiles.up(db) },
    '027_rollup_shards': { up: (db) => rollupShards.up(db, dialect) },
    '028_open_offer_mark': { up: (db) => openOfferMark.up(db, dialect) },
    '029_revoked_scope': { up: (db) => revokedScope.up(db) },
    '030_offered_count': { up: (db) => offeredCount.up(db) },
    '022_bots': { up: (db) => bots.up(db) },
  };
  return { getMigrations: async () => all };
}

export async function migrateToLatest(db: Kysely<any>, dialect: Dialect, schema?: string): Promise<void> {
  // With a schema named, Kysely keeps its bookkeeping tables there instead of finding another schema's.
  // Helpers number their migrations by area (009 writepath, 011 inboxes, 013 resilience…) and land in
  // any order, so a database may have run 013 before 011 arrives: each migration stands alone.
  const migrator = new Migrator({ db, provider: provider(dialect), allowUnorderedMigrations: true, ...(schema ? { migrationTableSchema: schema } : {}) });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (!error && !failed) return;
    // Kysely looks for its bookkeeping tables by listing the tables of every schema; a schema that
    // another server drops at that moment (tests do, per file) makes the listing fail. Nothing ran
    // yet (each run is one transaction), so trying again is safe.
    if (!failed && attempt < 5 && droppedMeanwhile(error)) {
      await new Promise((r) => setTimeout(r, 50 * attempt));
      continue;
    }
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}

function droppedMeanwhile(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === '42P01' || code === '3F000'; // undefined_table, invalid_schema_name
}
