// results/summary.json: every run's verdicts and statistics in one file, for tools (CI
// dashboards, scripts that diff two commits). A pure function of the outcomes and of provenanceOf
// (the same on every machine), so it is byte-identical from run to run: no time, no commit, no
// Node version (those go only to a run's own output: `--json`).

import type { RunOutcome } from '../check/outcome';
import { verdictCounts, verdictOrder } from '../check/outcome';
import { provenanceOf } from './provenance';
import type { Publishing } from './publishing';

export const summarySchema = 'xstate-explorer/summary/v1';

export function summaryObject(publishing: Publishing, outcomes: readonly RunOutcome[]) {
  return {
    schema: summarySchema,
    title: publishing.title,
    provenance: provenanceOf(publishing.modelSources),
    verdictOrder,
    totals: {
      runs: outcomes.length,
      properties: outcomes.reduce((sum, o) => sum + o.results.length, 0),
      verdicts: verdictCounts(outcomes.flatMap((o) => o.results)),
    },
    runs: outcomes.map(({ spec, exploration, results }) => ({
      id: spec.id,
      group: spec.group,
      section: spec.section,
      bounds: Object.fromEntries((spec.bounds ?? []).map((b) => [b.name, b.value])),
      statistics: {
        states: exploration.stateCount,
        transitions: exploration.transitionCount,
        maxDepth: exploration.maxDepth,
        complete: exploration.complete,
      },
      verdicts: verdictCounts(results),
      properties: results.map((result) => ({
        name: result.name,
        kind: result.kind,
        verdict: result.verdict,
        ...(result.counterexample ? { counterexampleLength: result.counterexample.steps.length } : {}),
      })),
    })),
  };
}

export function summaryJson(publishing: Publishing, outcomes: readonly RunOutcome[]): string {
  return `${JSON.stringify(summaryObject(publishing, outcomes), null, 2)}\n`;
}
