// Bound sweeps: how far a verification reaches. A ladder is a list of runs of growing bounds;
// each rung is explored under a state budget, and once a rung runs out of budget the larger
// rungs of that ladder are not tried (they are at least as large). A second search finds, for
// each bug, the smallest bounds at which a buggy variant fails the property that shows it.

import { analyse } from './analysis';
import { exploreInSlices, type Exploration } from './explore';
import type { RunSpec } from './suite';

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

/** Runs the sweep; 'interrupted' as soon as `interrupted` says so (asked between slices of every search). */
export async function runSweep(plan: SweepPlan, progress: (line: string) => void, interrupted: () => boolean = () => false): Promise<SweepResult | 'interrupted'> {
  const footnotes = new Map<string, number>();
  const parts: string[] = [];
  let clean = 0;
  let failed = 0;
  let overBudget = 0;
  let skipped = 0;
  let largest: { states: number; where: string } | null = null;
  const reported: string[] = [];
  for (const section of plan.sections) {
    const columns = section.ladders[0]!.rungs.map((rung) => rung.column);
    const heading = section.expectClean ? `### ${section.name}` : `### ${section.name} (reported, not counted)`;
    parts.push(heading, '', `| | ${columns.join(' | ')} |`, `|---|${columns.map(() => '---').join('|')}|`);
    for (const ladder of section.ladders) {
      const cells: CellResult[] = [];
      let stop = false;
      for (const rung of ladder.rungs) {
        let cell: CellResult = { kind: 'skipped' };
        if (!stop) {
          const exploration = await exploreCell(rung.run, plan.budget, interrupted);
          if (exploration === null) return 'interrupted';
          cell = cellOf(rung.run, exploration);
        }
        if (cell.kind === 'budget') stop = true;
        cells.push(cell);
        if (!section.expectClean) {
          if (cell.kind === 'fail') reported.push(`${section.name}, ${ladder.row}, ${rung.column}: ${cell.failing.join('; ')}`);
          continue;
        }
        if (cell.kind === 'clean') {
          clean++;
          if (largest === null || cell.states > largest.states) largest = { states: cell.states, where: `${section.name}, ${ladder.row}, ${rung.column}` };
        }
        if (cell.kind === 'fail') failed++;
        if (cell.kind === 'budget') overBudget++;
        if (cell.kind === 'skipped') skipped++;
      }
      parts.push(`| ${ladder.row} | ${cells.map((cell) => cellText(cell, footnotes)).join(' | ')} |`);
      progress(`${section.name} · ${ladder.row}: ${cells.map((c) => c.kind).join(' ')}`);
    }
    parts.push('');
  }

  const minimal = ['| bug | property | smallest bounds where it fails | states | steps |', '|---|---|---|---|---|'];
  for (const search of plan.minimal) {
    let found: string | null = null;
    for (const candidate of search.candidates) {
      const exploration = await exploreCell(candidate.run, plan.budget, interrupted);
      if (exploration === null) return 'interrupted';
      const result = analyse(exploration, candidate.run.properties).find((r) => r.name === search.property)!;
      if (result.verdict === 'FAIL') {
        found = `| ${search.bug} | ${search.property} | ${candidate.label} | ${exploration.stateCount} | ${result.counterexample?.steps.length ?? '-'} |`;
        break;
      }
    }
    minimal.push(found ?? `| ${search.bug} | ${search.property} | not found among the candidates | | |`);
    progress(`smallest bounds for ${search.bug}: ${found ? 'found' : 'not found'}`);
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
