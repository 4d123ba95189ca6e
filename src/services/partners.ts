import type { RequestContext } from '../config';
import { generatePartnerKey, isPartnerKey, type Partner, type PartnerInput, type PartnerPatch } from '../domain/partner';
import { notFound } from '../http/problem';
import { activePartners, findPartner, listPartners, savePartner } from '../storage/partners';
import { announceVersion, versionToServe } from './content-version';

/**
 * Partner sites: who may frame the embeds (with PARTNER_ORIGINS from the settings) and whose key
 * labels the usage their widgets bring. A change moves the content version on, so every cached
 * embed is rendered again with the new frame-ancestors within the consistency bound.
 */

async function save(context: RequestContext, partner: Partner): Promise<Partner> {
  const version = await savePartner(context.db, partner);
  announceVersion(context, version, context.bookmark());
  return partner;
}

export async function createPartner(context: RequestContext, input: PartnerInput): Promise<Partner> {
  const now = context.now().toISOString();
  return save(context, {
    id: crypto.randomUUID(),
    key: generatePartnerKey(),
    name: input.name,
    origins: input.origins,
    notes: input.notes,
    created_at: now,
    updated_at: now,
    removed_at: null,
  });
}

export async function getPartner(context: RequestContext, id: string): Promise<Partner> {
  const partner = await findPartner(context.db, id);
  if (partner === null) throw notFound(`No partner has the id ${id}.`);
  return partner;
}

export function listAllPartners(context: RequestContext, includeRemoved: boolean): Promise<Partner[]> {
  return listPartners(context.db, { includeRemoved });
}

/** Changes some fields; a removed partner is brought back only by a new one (its usage stays its own). */
export async function updatePartner(context: RequestContext, id: string, patch: PartnerPatch): Promise<Partner> {
  const current = await getPartner(context, id);
  if (current.removed_at !== null) throw notFound(`The partner ${id} was removed on ${current.removed_at}.`);
  const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<Partner>;
  return save(context, { ...current, ...defined, updated_at: context.now().toISOString() });
}

/** Removes a partner: it frames nothing and its key counts no more; its row and usage stay. */
export async function removePartner(context: RequestContext, id: string): Promise<Partner> {
  const current = await getPartner(context, id);
  if (current.removed_at !== null) return current;
  const now = context.now().toISOString();
  return save(context, { ...current, updated_at: now, removed_at: now });
}

/**
 * The origins that may frame embeds at the context's content version: PARTNER_ORIGINS and every
 * current partner's. Read inside a cached render, so it costs a query per render, not per view.
 */
export async function frameOrigins(context: RequestContext): Promise<string[]> {
  const partners = await activePartners(context.db);
  return [...new Set([...context.site.partners, ...partners.flatMap((p) => p.origins)])];
}

/**
 * `candidate` when it is the key of a current partner, else null (absent, malformed, unknown or
 * removed: counted as unattributed). The keys are read once per isolate and content version, so a
 * view costs no query; a partner change moves the version on, so the set follows within the bound.
 */
export async function knownPartnerKey(context: RequestContext, candidate: string | undefined): Promise<string | null> {
  if (candidate === undefined || !isPartnerKey(candidate)) return null;
  try {
    const { version } = await versionToServe(context);
    let memo = context.isolate.partnerKeys;
    if (memo === null || memo.epoch !== version.epoch || memo.generation !== version.generation) {
      const db = version.bookmark === null ? context.db : context.at(version.bookmark).db;
      const keys = new Set((await activePartners(db)).map((p) => p.key));
      memo = { epoch: version.epoch, generation: version.generation, keys };
      context.isolate.partnerKeys = memo;
    }
    return memo.keys.has(candidate) ? candidate : null;
  } catch (error) {
    // A view is never refused for want of its attribution: with D1 out of reach, the keys this
    // isolate read last decide; with none, the view is unattributed.
    console.warn('partners: could not read the partner keys', error);
    return context.isolate.partnerKeys?.keys.has(candidate) ? candidate : null;
  }
}
