/**
 * Confluent's `CompatibilityChecker` with its `SchemaValidatorBuilder` strategies: which previous schemas a level
 * checks, in which direction, and how the messages are worded and closed off with the old schema.
 */
import { fillRoles } from './java-format.js';
import type { ParsedSchema } from './parsed-schema.js';
import type { CompatibilityLevel } from './types.js';

/** A previous schema with the version it was registered under, when known. */
export interface PreviousSchema {
  readonly parsed: ParsedSchema;
  readonly version?: number;
}

const DIFFERENT_SCHEMA_TYPE = 'Incompatible because of different schema type';
const MAX_SCHEMA_SIZE_FOR_LOGGING = 10 * 1024;

type Strategy = (candidate: ParsedSchema, existing: PreviousSchema) => string[];

/** Fills the role placeholders and, when asked, appends the old schema's version and text. */
function formatErrorMessages(messages: string[], existing: PreviousSchema, reader: string, writer: string, appendSchema: boolean): string[] {
  if (messages.length === 0) return messages;
  const out = messages.map((m) => fillRoles(m, reader, writer));
  if (appendSchema) {
    if (existing.version !== undefined) out.push(`{oldSchemaVersion: ${existing.version}}`);
    const text = existing.parsed.canonical;
    out.push(
      text.length <= MAX_SCHEMA_SIZE_FOR_LOGGING
        ? `{oldSchema: '${text}'}`
        : `{oldSchema: <truncated> '${text.slice(0, MAX_SCHEMA_SIZE_FOR_LOGGING)}...'}`,
    );
  }
  return out;
}

/** The new schema can read data written with the old one. */
const canRead: Strategy = (candidate, existing) =>
  formatErrorMessages(candidate.isBackwardCompatible(existing.parsed), existing, 'new', 'old', true);

/** The old schema can read data written with the new one. */
const canBeRead: Strategy = (candidate, existing) =>
  formatErrorMessages(existing.parsed.isBackwardCompatible(candidate), existing, 'old', 'new', true);

const mutualRead: Strategy = (candidate, existing) => [
  ...formatErrorMessages(existing.parsed.isBackwardCompatible(candidate), existing, 'old', 'new', false),
  ...formatErrorMessages(candidate.isBackwardCompatible(existing.parsed), existing, 'new', 'old', true),
];

function validateOne(strategy: Strategy, candidate: ParsedSchema, existing: PreviousSchema): string[] {
  return candidate.schemaType === existing.parsed.schemaType ? strategy(candidate, existing) : [DIFFERENT_SCHEMA_TYPE];
}

const STRATEGIES: Record<Exclude<CompatibilityLevel, 'NONE'>, { strategy: Strategy; transitive: boolean }> = {
  BACKWARD: { strategy: canRead, transitive: false },
  BACKWARD_TRANSITIVE: { strategy: canRead, transitive: true },
  FORWARD: { strategy: canBeRead, transitive: false },
  FORWARD_TRANSITIVE: { strategy: canBeRead, transitive: true },
  FULL: { strategy: mutualRead, transitive: false },
  FULL_TRANSITIVE: { strategy: mutualRead, transitive: true },
};

/**
 * The messages for `candidate` against `previous` (oldest first). Non-transitive levels check the latest only;
 * transitive ones go from the newest back and stop at the first previous schema with problems.
 */
export function checkCompatibility(level: CompatibilityLevel, candidate: ParsedSchema, previous: readonly PreviousSchema[]): string[] {
  if (level === 'NONE') return [];
  const entry = STRATEGIES[level];
  if (!entry) throw new Error(`Invalid level ${String(level)}`);
  const newestFirst = [...previous].reverse();
  for (const existing of entry.transitive ? newestFirst : newestFirst.slice(0, 1)) {
    const errors = validateOne(entry.strategy, candidate, existing);
    if (errors.length > 0 || !entry.transitive) return errors;
  }
  return [];
}
