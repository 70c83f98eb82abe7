// What went wrong at the end of a counterexample, in one sentence a reviewer can check against
// the report's panes. Computed from the trace's states (never written per trace), so it stays
// true when the model or the bounds change: the properties in properties.ts use these as their
// explain().

import type { Bounds } from './bounds';
import { channelOf, mtaOf } from './composition';
import type { Agreement } from './mta.machine';
import { phaseOf, queueLengthOf, turnOf, type Side, type SystemView } from './system';

const sides: readonly Side[] = ['A', 'B'];

const messages = (n: number) => `${n} message${n === 1 ? '' : 's'}`;
const capitalized = (text: string) => `${text[0]!.toUpperCase()}${text.slice(1)}`;
const sentence = (parts: readonly string[]) => `${capitalized(parts.filter((p) => p !== '').join('; '))}.`;

function givesInFlight(view: SystemView): number {
  const { toA, toB } = channelOf(view).context;
  return [...toA, ...toB].filter((pdu) => pdu.kind === 'GTC').length;
}

/** Who holds the Turn, and what waits: "nobody holds the Turn and 2 messages wait at A". */
function turnAndQueues(view: SystemView): string {
  const holders = sides.filter((side) => turnOf(mtaOf(view, side)) === 'holding');
  const gives = givesInFlight(view);
  const who =
    holders.length === 2
      ? 'both MTAs hold the Turn'
      : holders.length === 1
        ? `MTA ${holders[0]} holds the Turn`
        : gives > 0
          ? 'nobody holds the Turn (a Turn-Give is in flight)'
          : 'nobody holds the Turn';
  const waiting = sides
    .filter((side) => queueLengthOf(mtaOf(view, side)) > 0)
    .map((side) => {
      const n = queueLengthOf(mtaOf(view, side));
      return `${messages(n)} ${n === 1 ? 'waits' : 'wait'} at ${side}`;
    });
  const asking = sides.filter((side) => turnOf(mtaOf(view, side)) === 'asking');
  const asked = asking.length === 2 ? 'both have asked for it' : asking.length === 1 ? `MTA ${asking[0]} has asked for it` : '';
  return [`${who}${waiting.length > 0 ? ` and ${waiting.join(' and ')}` : ''}`, asked].filter((p) => p !== '').join('; ');
}

function differs(agreed: Agreement, original: Agreement): string | null {
  const parts: string[] = [];
  if (agreed.checkpointSize !== original.checkpointSize) parts.push(`checkpoint ${agreed.checkpointSize} KB after ${original.checkpointSize} KB originally`);
  if (agreed.windowSize !== original.windowSize) parts.push(`window ${agreed.windowSize} after ${original.windowSize} originally`);
  if (agreed.dialogueMode !== original.dialogueMode) parts.push(`${agreed.dialogueMode} after ${original.dialogueMode} originally`);
  return parts.length === 0 ? null : parts.join(' and ');
}

/** The first recovery answered with other sizes than the association first agreed (KB Q187929), in words. */
function changedAnswer(views: readonly SystemView[]): string | null {
  for (const view of views) {
    for (const side of sides) {
      const { agreed, original } = mtaOf(view, side).context;
      const change = phaseOf(mtaOf(view, side)) === 'open' && agreed !== null && original !== null ? differs(agreed, original) : null;
      if (change === null) continue;
      return mtaOf(view, side).context.connectedAs === 'called'
        ? `MTA ${side} answered the recovery with ${change}`
        : `MTA ${side} accepted a recovery answered with ${change}`;
    }
  }
  return null;
}

/** What the MTAs do at the end about their association: gave up recovering, or keep trying. */
function recoveryEnding(view: SystemView, isCycle: boolean): string {
  for (const side of sides) {
    const mta = mtaOf(view, side);
    const phase = phaseOf(mta);
    if (phase === 'opening') return `MTA ${side} gave up recovering and opens a new association`;
    if (phase === 'idle' || (phase === 'answering' && mta.context.request?.connectionData.kind === 'open')) return `MTA ${side} lost the association's record and waits for a new one`;
  }
  const recovering = sides.filter((side) => ['recovering', 'awaitingRecovery'].includes(phaseOf(mtaOf(view, side))));
  if (isCycle) return `the recovery is tried again and again and never succeeds${recovering.length > 0 ? ` (MTA ${recovering.join(' and MTA ')} recovering)` : ''}`;
  return `no recovery can succeed any more (MTA ${recovering.join(' and MTA ') || 'A and MTA B'} ${recovering.length === 1 ? 'is' : 'are'} stuck)`;
}

const last = (views: readonly SystemView[]) => views[views.length - 1]!;

/** "turn is never lost", "no deadlock", and the delivery properties: the Turn and the queues at the end. */
export function explainTurn(views: readonly SystemView[]): string {
  return sentence([turnAndQueues(last(views))]);
}

/** "no deadlock": the Turn and the queues, and whether the threshold could still rescue them. */
export function explainDeadlock(bounds: Bounds) {
  return (views: readonly SystemView[]): string => {
    const view = last(views);
    const below = sides.every((side) => queueLengthOf(mtaOf(view, side)) < bounds.threshold);
    const waiting = sides.some((side) => queueLengthOf(mtaOf(view, side)) > 0);
    return sentence([turnAndQueues(view), waiting && below ? `no queue reaches the threshold T = ${bounds.threshold} that would open a new association` : '']);
  };
}

/** KB Q187929's symptom: the recovery answer differs from the original agreement. */
export function explainChangedAnswer(views: readonly SystemView[]): string {
  return sentence([changedAnswer(views) ?? 'a side is open on other sizes than the association first agreed']);
}

/** A recovery that never succeeds: why (a changed answer), and how it ends. */
export function explainFailedRecovery(views: readonly SystemView[], loopStart: number | null): string {
  return sentence([changedAnswer(views) ?? '', recoveryEnding(last(views), loopStart !== null)]);
}

/** Confirmed data sent again: who, which message, after what. */
export function explainResent(views: readonly SystemView[]): string {
  const view = last(views);
  const side: Side = sides.find((s) => mtaOf(view, s).context.resentConfirmedData) ?? 'A';
  const confirmed = Math.max(0, ...views.map((v) => mtaOf(v, side).context.outgoing?.lastConfirmedSerial ?? 0));
  const activity = mtaOf(view, side).context.outgoing?.activity;
  const what = `MTA ${side} sends ${activity === undefined ? 'a message' : `msg ${activity}`} again from its start though checkpoint ${confirmed} of it was confirmed`;
  const cause = changedAnswer(views);
  return sentence([what, cause === null ? 'a new association restarted the transfer' : `${cause}, the recovery failed and a new association restarted the transfer`]);
}
