// Bound sweeps: how far a verification reaches. A ladder is a list of runs of growing bounds;
// each rung is explored under a state budget, and once a rung runs out of budget the larger
// rungs of that ladder are not tried (they are at least as large). A second search finds, for
// each bug, the smallest bounds at which a buggy variant fails the property that shows it.

import { analyse } from '../check/analysis';
import { exploreInSlices, type Exploration } from '../engine/explore';
import type { RunSpec } from '../check/run-spec';

export interface SweepRung {
  /** The column this rung is shown in (e.g. "messages 3"). */
  readonly column: string;
  readonly run: RunSpec;
}

export interface SweepSection {
  readonly name: string;
  /** Whether every completed cell must be clean; a section that only reports (what a fault does) is not counted in the verdict. */
  readonly expectClean: boolean;
  readonly ladders: readonly { readonly row: string; readonly rungs: readonly SweepRung[] }[];
}

/** What a sweep found: its Markdown, and whether every cell expected clean was clean. */
export interface SweepResult {
  readonly markdown: string;
  readonly clean: boolean;
}

export interface SweepPlan {
  readonly title: string;
  /** States per rung; a rung that reaches it is "over budget", never "verified". */
  readonly budget: number;
  /** Lines describing what every cell holds fixed. */
  readonly fixed: readonly string[];
  readonly sections: readonly SweepSection[];
  /** For each bug, candidate runs from the smallest up, with the property that shows the bug. */
  readonly minimal: readonly { readonly bug: string; readonly property: string; readonly candidates: readonly { readonly label: string; readonly run: RunSpec }[] }[];
}

export type CellResult =
  | { readonly kind: 'clean'; readonly states: number; readonly unreached: readonly string[]; readonly notApplicable: readonly string[] }
  | { readonly kind: 'fail'; readonly states: number; readonly failing: readonly string[] }
  | { readonly kind: 'budget' }
  | { readonly kind: 'skipped' };

/** Explores under the budget in slices, so that `interrupted` is asked often; null once it says yes. */
async function exploreCell(run: RunSpec, budget: number, interrupted: () => boolean): Promise<Exploration | null> {
  const exploration = await exploreInSlices(run.model, { maxStates: budget, shouldStop: () => (interrupted() ? 'interrupted' : null) });
  return interrupted() ? null : exploration;
}

function cellOf(run: RunSpec, exploration: Exploration): CellResult {
  if (!exploration.complete) return { kind: 'budget' };
  const results = analyse(exploration, run.properties);
  const failing = results.filter((r) => r.kind !== 'sometimes' && r.verdict === 'FAIL').map((r) => r.name);
  // Checks these bounds cannot exercise: a sometimes check never reached, a leads-to whose premise never occurs.
  const unreached = results
    .filter((r) => (r.kind === 'sometimes' && r.verdict === 'FAIL') || r.verdict === 'vacuous')
    .map((r) => (r.verdict === 'vacuous' ? `${r.name} (its premise never occurs)` : r.name));
  const notApplicable = results.filter((r) => r.kind !== 'sometimes' && r.verdict === 'n/a').map((r) => `${r.name} (${r.note ?? 'n/a'})`);
  return failing.length > 0 ? { kind: 'fail', states: exploration.stateCount, failing } : { kind: 'clean', states: exploration.stateCount, unreached, notApplicable };
}

function cellText(cell: CellResult, footnotes: Map<string, number>): string {
  const note = (text: string) => {
    if (!footnotes.has(text)) footnotes.set(text, footnotes.size + 1);
    return `<sup>${footnotes.get(text)}</sup>`;
  };
  switch (cell.kind) {
    case 'clean': {
      const notes = [
        ...(cell.unreached.length ? [`not reached at these bounds: ${cell.unreached.join('; ')}`] : []),
        ...(cell.notApplicable.length ? [`not applicable here: ${cell.notApplicable.join('; ')}`] : []),
      ];
      return `clean, ${cell.states}${notes.map(note).join('')}`;
    }
    case 'fail':
      return `**FAIL**, ${cell.states}${note(`fails: ${cell.failing.join('; ')}`)}`;
    case 'budget':
      return 'over budget';
    case 'skipped':
      return '—';
  }
}

/**
 * The sweep's independent units, in the order the Markdown shows them: every ladder (a ladder
 * stops after its first over-budget rung, so it is one unit), then every minimal-bound search
 * (it stops at its first failure). A shard runs some of the units; any set of shards that
 * covers every unit renders the same Markdown as one unsharded sweep, because footnotes are
 * numbered only when rendering.
 */
export type SweepUnit =
  | { readonly kind: 'ladder'; readonly key: string; readonly section: number; readonly ladder: number }
  | { readonly kind: 'minimal'; readonly key: string; readonly search: number };

export type UnitResult =
  | { readonly kind: 'ladder'; readonly cells: readonly CellResult[] }
  | { readonly kind: 'minimal'; readonly found: { readonly label: string; readonly states: number; readonly steps: number | null } | null };

export function sweepUnits(plan: SweepPlan): SweepUnit[] {
  return [
    ...plan.sections.flatMap((section, s) => section.ladders.map((ladder, l): SweepUnit => ({ kind: 'ladder', key: `${section.name} / ${ladder.row}`, section: s, ladder: l }))),
    ...plan.minimal.map((search, m): SweepUnit => ({ kind: 'minimal', key: `smallest bounds: ${search.bug}`, search: m })),
  ];
}

/** The units of shard `index` of `count` (1-based): every count-th unit, so the costly ladders spread. */
export function shardUnits(plan: SweepPlan, index: number, count: number): number[] {
  return sweepUnits(plan)
    .map((_, i) => i)
    .filter((i) => i % count === index - 1);
}

/** What identifies a plan (its structure, not its results): shards merge only with their own plan. */
export function planFingerprint(plan: SweepPlan): string {
  return JSON.stringify({
    title: plan.title,
    budget: plan.budget,
    fixed: plan.fixed,
    sections: plan.sections.map((section) => ({
      name: section.name,
      expectClean: section.expectClean,
      ladders: section.ladders.map((ladder) => ({ row: ladder.row, rungs: ladder.rungs.map((rung) => `${rung.column}: ${rung.run.id} ${JSON.stringify(rung.run.bounds ?? [])}`) })),
    })),
    minimal: plan.minimal.map((search) => ({ bug: search.bug, property: search.property, candidates: search.candidates.map((c) => c.label) })),
  });
}

async function runUnit(plan: SweepPlan, unit: SweepUnit, interrupted: () => boolean): Promise<UnitResult | 'interrupted'> {
  if (unit.kind === 'ladder') {
    const cells: CellResult[] = [];
    let stop = false;
    for (const rung of plan.sections[unit.section]!.ladders[unit.ladder]!.rungs) {
      let cell: CellResult = { kind: 'skipped' };
      if (!stop) {
        const exploration = await exploreCell(rung.run, plan.budget, interrupted);
        if (exploration === null) return 'interrupted';
        cell = cellOf(rung.run, exploration);
      }
      if (cell.kind === 'budget') stop = true;
      cells.push(cell);
    }
    return { kind: 'ladder', cells };
  }
  const search = plan.minimal[unit.search]!;
  for (const candidate of search.candidates) {
    const exploration = await exploreCell(candidate.run, plan.budget, interrupted);
    if (exploration === null) return 'interrupted';
    const result = analyse(exploration, candidate.run.properties).find((r) => r.name === search.property)!;
    if (result.verdict === 'FAIL') return { kind: 'minimal', found: { label: candidate.label, states: exploration.stateCount, steps: result.counterexample?.steps.length ?? null } };
  }
  return { kind: 'minimal', found: null };
}

function progressLine(plan: SweepPlan, unit: SweepUnit, result: UnitResult): string {
  if (unit.kind === 'ladder' && result.kind === 'ladder') {
    const section = plan.sections[unit.section]!;
    return `${section.name} · ${section.ladders[unit.ladder]!.row}: ${result.cells.map((c) => c.kind).join(' ')}`;
  }
  const found = result.kind === 'minimal' && result.found !== null;
  return `smallest bounds for ${plan.minimal[(unit as { search: number }).search]!.bug}: ${found ? 'found' : 'not found'}`;
}

/**
 * Runs the given units of the sweep (all by default), in order; 'interrupted' as soon as
 * `interrupted` says so (asked between slices of every search). The results are by unit index.
 */
export async function runSweepUnits(
  plan: SweepPlan,
  indices: readonly number[],
  progress: (line: string) => void,
  interrupted: () => boolean = () => false,
): Promise<Map<number, UnitResult> | 'interrupted'> {
  const units = sweepUnits(plan);
  const results = new Map<number, UnitResult>();
  for (const index of indices) {
    const result = await runUnit(plan, units[index]!, interrupted);
    if (result === 'interrupted') return 'interrupted';
    results.set(index, result);
    progress(progressLine(plan, units[index]!, result));
  }
  return results;
}

/** Whether every cell expected clean among these results is clean (a shard's own verdict). */
export function unitsClean(plan: SweepPlan, results: ReadonlyMap<number, UnitResult>): boolean {
  const units = sweepUnits(plan);
  return [...results].every(([index, result]) => {
    const unit = units[index]!;
    return unit.kind !== 'ladder' || !plan.sections[unit.section]!.expectClean || result.kind !== 'ladder' || result.cells.every((cell) => cell.kind !== 'fail');
  });
}

/** The Markdown of a sweep from the results of every unit. Footnotes are numbered here, in the order they appear. */
export function renderSweep(plan: SweepPlan, results: ReadonlyMap<number, UnitResult>): SweepResult {
  const units = sweepUnits(plan);
  const missing = units.filter((_, i) => !results.has(i));
  if (missing.length > 0) throw new Error(`the sweep has no result for ${missing.length} unit(s), the first "${missing[0]!.key}"`);
  const footnotes = new Map<string, number>();
  const parts: string[] = [];
  let clean = 0;
  let failed = 0;
  let overBudget = 0;
  let skipped = 0;
  let largest: { states: number; where: string } | null = null;
  const reported: string[] = [];
  let index = 0;
  for (const section of plan.sections) {
    const columns = section.ladders[0]!.rungs.map((rung) => rung.column);
    const heading = section.expectClean ? `### ${section.name}` : `### ${section.name} (reported, not counted)`;
    parts.push(heading, '', `| | ${columns.join(' | ')} |`, `|---|${columns.map(() => '---').join('|')}|`);
    for (const ladder of section.ladders) {
      const result = results.get(index++)!;
      const cells = result.kind === 'ladder' ? result.cells : [];
      for (const [r, cell] of cells.entries()) {
        const column = ladder.rungs[r]!.column;
        if (!section.expectClean) {
          if (cell.kind === 'fail') reported.push(`${section.name}, ${ladder.row}, ${column}: ${cell.failing.join('; ')}`);
          continue;
        }
        if (cell.kind === 'clean') {
          clean++;
          if (largest === null || cell.states > largest.states) largest = { states: cell.states, where: `${section.name}, ${ladder.row}, ${column}` };
        }
        if (cell.kind === 'fail') failed++;
        if (cell.kind === 'budget') overBudget++;
        if (cell.kind === 'skipped') skipped++;
      }
      parts.push(`| ${ladder.row} | ${cells.map((cell) => cellText(cell, footnotes)).join(' | ')} |`);
    }
    parts.push('');
  }

  const minimal = ['| bug | property | smallest bounds where it fails | states | steps |', '|---|---|---|---|---|'];
  for (const search of plan.minimal) {
    const result = results.get(index++)!;
    const found = result.kind === 'minimal' ? result.found : null;
    minimal.push(
      found
        ? `| ${search.bug} | ${search.property} | ${found.label} | ${found.states} | ${found.steps ?? '-'} |`
        : `| ${search.bug} | ${search.property} | not found among the candidates | | |`,
    );
  }

  const markdown = [
    '<!-- Generated by `npm run sweep`. Do not edit. -->',
    `# ${plan.title}`,
    '',
    ...plan.fixed.map((line) => `- ${line}`),
    `- State budget per cell: ${plan.budget}. A cell that reaches it is "over budget" (nothing there is verified), and the larger cells of its row are not tried (—).`,
    '',
    `**${clean} cells clean, ${failed} failing, ${overBudget} over budget, ${skipped} not tried.** The largest space fully verified clean: ${largest ? `${largest.states} states (${largest.where})` : 'none'}.`,
    '',
    '## Where each bug first appears (unpatched)',
    '',
    ...minimal,
    '',
    ...(reported.length > 0 ? ['## What the channel faults do to patched', '', ...reported.map((line) => `- ${line}`), ''] : []),
    '## Every cell',
    '',
    'Each cell: the verdict over every safety and liveness property, and the number of distinct states. "Clean" means every one of them passes; a footnote lists the reachability (`sometimes`) checks that these bounds cannot reach (no loss, say), so that a clean cell is never taken for more than it is.',
    '',
    ...parts,
    ...[...footnotes].map(([text, n]) => `<sup>${n}</sup> ${text}  `),
    '',
  ].join('\n');
  return { markdown, clean: failed === 0 };
}

/** Runs the whole sweep; 'interrupted' as soon as `interrupted` says so (asked between slices of every search). */
export async function runSweep(plan: SweepPlan, progress: (line: string) => void, interrupted: () => boolean = () => false): Promise<SweepResult | 'interrupted'> {
  const results = await runSweepUnits(plan, sweepUnits(plan).map((_, i) => i), progress, interrupted);
  return results === 'interrupted' ? results : renderSweep(plan, results);
}
