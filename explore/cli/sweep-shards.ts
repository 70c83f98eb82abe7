// The bound sweep across machines: `sweep --shard I/N` runs the I-th of N disjoint sets of the
// sweep's units (sweep.ts) and writes them as a partial result; `sweep --merge DIR…` reads the
// partial results of all N shards and renders the same Markdown an unsharded sweep writes.
// A partial result names the plan and the model it was run on; merging refuses shards of another
// plan or model, a shard given twice, or a missing one (bad input, exit 2).

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { planFingerprint, shardUnits, sweepUnits, type SweepPlan, type UnitResult } from './sweep';

export const shardSchema = 'xstate-explorer/sweep-shard/v1';

/** Thrown for partial results that cannot be merged: bad input. */
export class ShardInputError extends Error {}

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** "I/N", 1 ≤ I ≤ N ≤ the number of units; anything else is bad input. */
export function parseShard(text: string, plan: SweepPlan): Shard {
  const units = sweepUnits(plan).length;
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || index < 1 || count < 1 || index > count || count > units) {
    throw new ShardInputError(`--shard takes I/N with 1 ≤ I ≤ N ≤ ${units} (the sweep has ${units} ladders and searches), e.g. --shard 2/4 (got "${text}")`);
  }
  return { index, count };
}

export function shardFileName(shard: Shard): string {
  return `sweep-shard-${shard.index}-of-${shard.count}.json`;
}

/** What a partial result is checked against: the plan and the model's hash. */
function identity(plan: SweepPlan, modelHash: string): string {
  return createHash('sha256').update(planFingerprint(plan)).update('\0').update(modelHash).digest('hex').slice(0, 16);
}

export function shardJson(plan: SweepPlan, modelHash: string, shard: Shard, results: ReadonlyMap<number, UnitResult>): string {
  const units = sweepUnits(plan);
  return `${JSON.stringify(
    {
      schema: shardSchema,
      plan: identity(plan, modelHash),
      modelHash,
      shard,
      units: [...results].map(([index, result]) => ({ index, key: units[index]!.key, result })),
    },
    null,
    2,
  )}\n`;
}

/** Partial-result files: a file as given, or every sweep-shard-*.json in a folder. */
function shardFilesIn(path: string): string[] {
  if (!existsSync(path)) throw new ShardInputError(`--merge ${path}: no such file or folder; give the folders that sweep --shard wrote into`);
  if (statSync(path).isFile()) return [path];
  const files = readdirSync(path)
    .filter((name) => /^sweep-shard-\d+-of-\d+\.json$/.test(name))
    .sort()
    .map((name) => join(path, name));
  if (files.length === 0) throw new ShardInputError(`--merge ${path}: no sweep-shard-I-of-N.json in it; give the folders that sweep --shard wrote into`);
  return files;
}

/** Reads and checks the partial results of every shard; returns every unit's result. */
export function readShards(paths: readonly string[], plan: SweepPlan, modelHash: string): Map<number, UnitResult> {
  const units = sweepUnits(plan);
  const expectedPlan = identity(plan, modelHash);
  const seen = new Map<number, string>();
  let count: number | null = null;
  const results = new Map<number, UnitResult>();
  for (const file of paths.flatMap(shardFilesIn)) {
    let parsed: { schema?: unknown; plan?: unknown; shard?: { index?: unknown; count?: unknown }; units?: unknown };
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
    } catch (error) {
      throw new ShardInputError(`${file} is not valid JSON (${(error as Error).message}); run its shard again`);
    }
    if (parsed?.schema !== shardSchema) throw new ShardInputError(`${file} is not a partial sweep result of this checker (schema ${JSON.stringify(parsed?.schema)}, expected "${shardSchema}")`);
    if (parsed.plan !== expectedPlan) throw new ShardInputError(`${file} was swept with another plan or model (${String(parsed.plan)}, this one is ${expectedPlan}); run every shard again from the same commit`);
    const index = parsed.shard?.index;
    const shardCount = parsed.shard?.count;
    if (!Number.isInteger(index) || !Number.isInteger(shardCount) || !Array.isArray(parsed.units)) throw new ShardInputError(`${file}: its shard or units are malformed; run its shard again`);
    if (count !== null && shardCount !== count) throw new ShardInputError(`${file} is shard ${String(index)} of ${String(shardCount)}, the others are of ${count}; merge the shards of one split`);
    count = shardCount as number;
    if (seen.has(index as number)) throw new ShardInputError(`shard ${String(index)}/${count} is given twice (${seen.get(index as number)} and ${file}); give each shard once`);
    seen.set(index as number, file);
    const wanted = shardUnits(plan, index as number, count);
    const given = (parsed.units as { index?: unknown; key?: unknown; result?: UnitResult }[]).map((unit) => unit.index);
    if (JSON.stringify(given) !== JSON.stringify(wanted)) throw new ShardInputError(`${file}: shard ${String(index)}/${count} does not hold the units it should; run it again`);
    for (const unit of parsed.units as { index: number; key?: unknown; result?: UnitResult }[]) {
      const kind = units[unit.index]!.kind;
      if (unit.key !== units[unit.index]!.key || unit.result?.kind !== kind) throw new ShardInputError(`${file}: unit ${unit.index} is not "${units[unit.index]!.key}"; run its shard again`);
      results.set(unit.index, unit.result);
    }
  }
  const missing = Array.from({ length: count ?? 0 }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new ShardInputError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing; run sweep --shard ${missing[0]}/${count} and give its folder too`);
  }
  return results;
}
