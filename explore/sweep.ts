// Bound sweeps: how far a verification reaches. A ladder is a list of runs of growing bounds;
// each rung is explored under a state budget, and once a rung runs out of budget the larger
// rungs of that ladder are not tried (they are at least as large). A second search finds, for
// each bug, the smallest bounds at which a buggy variant fails the property that shows it.

import { analyse } from './analysis';
import { explore } from './explore';
import type { RunSpec } from './suite';

export interface SweepRung {
  /** The column this rung is shown in (e.g. "messages 3"). */
  readonly column: string;
  readonly run: RunSpec;
}

export interface SweepPlan {
  readonly title: string;
  /** States per rung; a rung that reaches it is "over budget", never "verified". */
  readonly budget: number;
  /** Lines describing what every cell holds fixed. */
  readonly fixed: readonly string[];
  readonly sections: readonly { readonly name: string; readonly ladders: readonly { readonly row: string; readonly rungs: readonly SweepRung[] }[] }[];
  /** For each bug, candidate runs from the smallest up, with the property that shows the bug. */
  readonly minimal: readonly { readonly bug: string; readonly property: string; readonly candidates: readonly { readonly label: string; readonly run: RunSpec }[] }[];
}

export type CellResult =
  | { readonly kind: 'clean'; readonly states: number; readonly unreached: readonly string[] }
  | { readonly kind: 'fail'; readonly states: number; readonly failing: readonly string[] }
  | { readonly kind: 'budget' }
  | { readonly kind: 'skipped' };

function runCell(run: RunSpec, budget: number): CellResult {
  const exploration = explore(run.model, { maxStates: budget });
  if (!exploration.complete) return { kind: 'budget' };
  const results = analyse(exploration, run.properties);
  const failing = results.filter((r) => r.kind !== 'sometimes' && r.verdict === 'FAIL').map((r) => r.name);
  // Checks these bounds cannot exercise: a sometimes check never reached, a leads-to whose premise never occurs.
  const unreached = results
    .filter((r) => (r.kind === 'sometimes' && r.verdict === 'FAIL') || r.verdict === 'vacuous')
    .map((r) => (r.verdict === 'vacuous' ? `${r.name} (its premise never occurs)` : r.name));
  return failing.length > 0 ? { kind: 'fail', states: exploration.stateCount, failing } : { kind: 'clean', states: exploration.stateCount, unreached };
}

function cellText(cell: CellResult, footnotes: Map<string, number>): string {
  const note = (text: string) => {
    if (!footnotes.has(text)) footnotes.set(text, footnotes.size + 1);
    return `<sup>${footnotes.get(text)}</sup>`;
  };
  switch (cell.kind) {
    case 'clean':
      return `clean, ${cell.states}${cell.unreached.length ? note(`not reached at these bounds: ${cell.unreached.join('; ')}`) : ''}`;
    case 'fail':
      return `**FAIL**, ${cell.states}${note(`fails: ${cell.failing.join('; ')}`)}`;
    case 'budget':
      return 'over budget';
    case 'skipped':
      return '—';
  }
}

export function runSweep(plan: SweepPlan, progress: (line: string) => void): string {
  const footnotes = new Map<string, number>();
  const parts: string[] = [];
  let clean = 0;
  let failed = 0;
  let overBudget = 0;
  let skipped = 0;
  let largest: { states: number; where: string } | null = null;
  for (const section of plan.sections) {
    const columns = section.ladders[0]!.rungs.map((rung) => rung.column);
    parts.push(`### ${section.name}`, '', `| | ${columns.join(' | ')} |`, `|---|${columns.map(() => '---').join('|')}|`);
    for (const ladder of section.ladders) {
      const cells: CellResult[] = [];
      let stop = false;
      for (const rung of ladder.rungs) {
        const cell: CellResult = stop ? { kind: 'skipped' } : runCell(rung.run, plan.budget);
        if (cell.kind === 'budget') stop = true;
        if (cell.kind === 'clean') {
          clean++;
          if (largest === null || cell.states > largest.states) largest = { states: cell.states, where: `${section.name}, ${ladder.row}, ${rung.column}` };
        }
        if (cell.kind === 'fail') failed++;
        if (cell.kind === 'budget') overBudget++;
        if (cell.kind === 'skipped') skipped++;
        cells.push(cell);
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
      const exploration = explore(candidate.run.model, { maxStates: plan.budget });
      const result = analyse(exploration, candidate.run.properties).find((r) => r.name === search.property)!;
      if (result.verdict === 'FAIL') {
        found = `| ${search.bug} | ${search.property} | ${candidate.label} | ${exploration.stateCount} | ${result.counterexample?.steps.length ?? '-'} |`;
        break;
      }
    }
    minimal.push(found ?? `| ${search.bug} | ${search.property} | not found among the candidates | | |`);
    progress(`smallest bounds for ${search.bug}: ${found ? 'found' : 'not found'}`);
  }

  return [
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
    '## Every cell',
    '',
    'Each cell: the verdict over every safety and liveness property, and the number of distinct states. "Clean" means every one of them passes; a footnote lists the reachability (`sometimes`) checks that these bounds cannot reach (no loss, say), so that a clean cell is never taken for more than it is.',
    '',
    ...parts,
    ...[...footnotes].map(([text, n]) => `<sup>${n}</sup> ${text}  `),
    '',
  ].join('\n');
}
