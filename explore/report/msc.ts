// The message sequence chart of a trace: one lifeline per actor, and for every message that
// went through the model's medium (its network) one arrow from the step it was sent in to the
// step it arrived in, crossing the medium's lifeline; a message the medium lost ends on that
// lifeline in a cross. Drawn twice from the same flow: as SVG for report.html (each step a band
// the stepper can highlight) and as Mermaid for the Markdown step tables.
//
// The flow is worked out from what the checker already has: what travelled in each step and
// what the medium holds after it (Medium.inFlight). A message that was in the medium before a
// step, did not arrive in it, and is no longer there after it, was lost in that step.

import type { StateView, ComposedModel } from '../engine/model';
import type { Delivery } from '../engine/step';

/** Where an arrow starts or ends: a step of the trace and a line (slot) within it. */
export interface MscPoint {
  readonly step: number;
  readonly slot: number;
}

export interface MscArrow {
  readonly from: string;
  /** The actor it was for; a lost or pending message is drawn to the medium's lifeline. */
  readonly to: string;
  readonly label: string;
  start: MscPoint;
  end: MscPoint;
  /**
   * arrived; ignored (arrived, and the receiver did nothing with it); lost (the medium lost or
   * refused it); pending (still in flight when the trace ends).
   */
  fate: 'arrived' | 'ignored' | 'lost' | 'pending';
  /** Through the medium (sent to it, for `to`) rather than an event of its own. */
  readonly viaMedium: boolean;
}

/** What happened on one line of a step, in order: the lines of a step are its slots. */
export type MscEvent = { readonly kind: 'send' | 'arrive' | 'event'; readonly arrow: number } | { readonly kind: 'lose'; readonly arrows: readonly number[] };

export interface MscFlow {
  readonly lifelines: readonly { readonly name: string; readonly title: string }[];
  readonly medium: string | null;
  readonly steps: readonly { readonly label: string; readonly events: readonly MscEvent[] }[];
  readonly arrows: readonly MscArrow[];
  readonly loopStart: number | null;
}

/** One step of a trace as the flow needs it; step 0 is the start (what the actors sent as they started). */
export interface FlowStep {
  readonly label: string;
  readonly deliveries: readonly Delivery[];
  readonly after: StateView;
}

export function messageFlow(model: ComposedModel, steps: readonly FlowStep[], loopStart: number | null = null): MscFlow {
  const medium = model.presentation.medium ?? null;
  const arrows: MscArrow[] = [];
  let inMedium: number[] = [];
  const flowSteps = steps.map((step, i) => {
    const events: MscEvent[] = [];
    const sentNow: number[] = [];
    const here = (): MscPoint => ({ step: i, slot: events.length });
    const add = (arrow: Omit<MscArrow, 'start' | 'end'>) => arrows.push({ ...arrow, start: here(), end: here() }) - 1;
    // A receiver that neither changed nor sent anything after an event did nothing with it.
    const didNothing = (k: number) => step.deliveries[k]!.ignored === true && !step.deliveries.slice(k + 1).some((d) => d.from === step.deliveries[k]!.to);
    for (const [k, delivery] of step.deliveries.entries()) {
      if (delivery.from === 'environment') continue;
      const message = medium && (delivery.to === medium.actor) !== (delivery.from === medium.actor) ? medium.messageOf(delivery.from, delivery.to, delivery.event) : null;
      if (medium && message && delivery.to === medium.actor) {
        // A send: the medium ignoring it means it never got in (its sender is not connected).
        const arrow = add({ from: delivery.from, to: message.to, label: message.label, fate: delivery.ignored ? 'lost' : 'pending', viaMedium: true });
        events.push({ kind: 'send', arrow });
        if (!delivery.ignored) sentNow.push(arrow);
        continue;
      }
      if (medium && message) {
        // An arrival: the oldest message in the medium for this receiver with this text.
        const at = inMedium.findIndex((a) => arrows[a]!.to === delivery.to && arrows[a]!.label === message.label);
        if (at >= 0) {
          const arrow = inMedium.splice(at, 1)[0]!;
          Object.assign(arrows[arrow]!, { end: here(), fate: didNothing(k) ? 'ignored' : 'arrived' });
          events.push({ kind: 'arrive', arrow });
          continue;
        }
      }
      // Anything else is drawn where it happens: a loss notice, a disconnect, a message the
      // medium made up (a duplicate), an event between two actors.
      const label = message?.label ?? model.presentation.labelEvent(delivery.event);
      events.push({ kind: 'event', arrow: add({ from: delivery.from, to: delivery.to, label, fate: didNothing(k) ? 'ignored' : 'arrived', viaMedium: false }) });
    }
    if (medium) {
      // Match what the medium holds now against what was in it and what was just sent, per
      // direction and in order; whatever is not there any more was lost in this step.
      const held = medium.inFlight(step.after[medium.actor]!);
      const kept = new Set<number>();
      const candidates = [...inMedium, ...sentNow];
      for (const direction of new Set(held.map((m) => `${m.from}\u0000${m.to}`))) {
        const wanted = held.filter((m) => `${m.from}\u0000${m.to}` === direction);
        let next = 0;
        for (const a of candidates) {
          const arrow = arrows[a]!;
          if (next < wanted.length && `${arrow.from}\u0000${arrow.to}` === direction && arrow.label === wanted[next]!.label) {
            kept.add(a);
            next++;
          }
        }
      }
      const lost = candidates.filter((a) => !kept.has(a));
      if (lost.length > 0) {
        for (const a of lost) Object.assign(arrows[a]!, { end: here(), fate: 'lost' });
        events.push({ kind: 'lose', arrows: lost });
      }
      inMedium = candidates.filter((a) => kept.has(a));
    }
    return { label: step.label, events };
  });
  const last = flowSteps.length - 1;
  for (const a of inMedium) arrows[a]!.end = { step: last, slot: flowSteps[last]!.events.length };
  return {
    lifelines: model.actors.map((actor) => ({ name: actor.name, title: model.presentation.actorTitles?.[actor.name] ?? actor.name })),
    medium: medium?.actor ?? null,
    steps: flowSteps,
    arrows,
    loopStart,
  };
}

// --- SVG ---------------------------------------------------------------------------------

const LABEL_COLUMN = 200;
const LANE_GAP = 200;
const LINE = 17;
const BAND_PAD = 6;
const HEAD = 30;

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A label cut to fit, with the whole text as a tooltip when cut. */
function fitted(text: string, max: number): { shown: string; title: string } {
  return text.length <= max ? { shown: text, title: '' } : { shown: `${text.slice(0, max - 1)}…`, title: `<title>${escapeXml(text)}</title>` };
}

export function mscWidth(flow: MscFlow): number {
  return LABEL_COLUMN + (flow.lifelines.length - 1) * LANE_GAP + 110;
}

const laneX = (flow: MscFlow, name: string) => LABEL_COLUMN + 50 + flow.lifelines.findIndex((l) => l.name === name) * LANE_GAP;

/** The lane headers, drawn apart so a page can keep them in view above the scrolling chart. */
export function mscHeadSvg(flow: MscFlow): string {
  const width = mscWidth(flow);
  const heads = flow.lifelines.map((l) => {
    const x = laneX(flow, l.name);
    return `<g class="head${l.name === flow.medium ? ' medium' : ''}"><rect x="${x - 55}" y="3" width="110" height="${HEAD - 6}" rx="4"/><text x="${x}" y="${HEAD / 2 + 4}">${escapeXml(l.title)}</text></g>`;
  });
  return `<svg class="msc-head" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEAD}" viewBox="0 0 ${width} ${HEAD}"><text class="step-head" x="8" y="${HEAD / 2 + 4}">step</text>${heads.join('')}</svg>`;
}

/**
 * The chart: a band per step (data-step), an arrow per message (data-s, data-e: the steps it
 * starts and ends in). Styles come from the page (classes), and the arrowhead marker from a
 * definition the page holds once (#msc-arrow), so every chart on a page is small.
 */
export function mscSvg(flow: MscFlow): string {
  const width = mscWidth(flow);
  const tops: number[] = [];
  let y = 0;
  for (const step of flow.steps) {
    tops.push(y);
    y += BAND_PAD * 2 + Math.max(1, step.events.length) * LINE;
  }
  const height = y;
  const at = (p: MscPoint) => tops[p.step]! + BAND_PAD + LINE * p.slot + LINE * 0.7;
  const parts: string[] = [];
  flow.steps.forEach((step, i) => {
    const bandHeight = (tops[i + 1] ?? height) - tops[i]!;
    const label = fitted(`${i}. ${step.label}${flow.loopStart === i ? ' ⟲' : ''}`, 33);
    parts.push(
      `<g class="band" data-step="${i}"><rect x="0" y="${tops[i]}" width="${width}" height="${bandHeight}"/><text x="8" y="${tops[i]! + BAND_PAD + LINE * 0.7}">${escapeXml(label.shown)}${label.title}</text></g>`,
    );
  });
  for (const l of flow.lifelines) {
    const x = laneX(flow, l.name);
    parts.push(`<line class="life${l.name === flow.medium ? ' medium' : ''}" x1="${x}" y1="0" x2="${x}" y2="${height}"/>`);
  }
  for (const arrow of flow.arrows) {
    const x1 = laneX(flow, arrow.from);
    const y1 = at(arrow.start);
    const endsInMedium = arrow.viaMedium && (arrow.fate === 'lost' || arrow.fate === 'pending');
    const x2 = laneX(flow, endsInMedium ? flow.medium! : arrow.to);
    const y2 = arrow.fate === 'pending' ? height - 4 : at(arrow.end);
    const classes = ['msg', arrow.fate, ...(arrow.viaMedium ? [] : ['own'])].join(' ');
    const rightward = x2 >= x1;
    const text = fitted(`${arrow.label}${arrow.fate === 'ignored' ? ' (ignored)' : ''}${arrow.fate === 'lost' ? ' (lost)' : ''}`, 44);
    const tx = rightward ? x1 + 6 : x1 - 6;
    const cross = arrow.fate === 'lost' ? `<path class="x" d="M${x2 - 5},${y2 - 5}l10,10m0,-10l-10,10"/>` : '';
    const head = arrow.fate === 'lost' || arrow.fate === 'pending' ? '' : ' marker-end="url(#msc-arrow)"';
    parts.push(
      `<g class="${classes}" data-s="${arrow.start.step}" data-e="${arrow.end.step}"><line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"${head}/>${cross}<text x="${tx}" y="${y1 - 3}"${rightward ? '' : ' text-anchor="end"'}>${escapeXml(text.shown)}${text.title}</text></g>`,
    );
  }
  return `<svg class="msc-body" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

/** The arrowhead every chart refers to; a page holds it once. */
export const mscDefinitions =
  '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs><marker id="msc-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="context-stroke"/></marker></defs></svg>';

// --- Mermaid -----------------------------------------------------------------------------

function mermaidText(text: string): string {
  // Mermaid reads ';' and '#' specially in messages.
  return text.replace(/;/g, ',').replace(/#/g, 'no. ');
}

/**
 * The same flow as a Mermaid sequence diagram. Mermaid draws messages one after the other, so a
 * message through the medium is two arrows (to the medium when sent, from it when it arrives);
 * one the medium lost is sent with a cross (-x) and named in a note where it was lost.
 */
export function mscMermaid(flow: MscFlow, stepActor: (step: number) => string | null): string {
  const id = (name: string) => `P${flow.lifelines.findIndex((l) => l.name === name)}`;
  const lines = ['sequenceDiagram'];
  for (const l of flow.lifelines) lines.push(`  participant ${id(l.name)} as ${mermaidText(l.title)}`);
  flow.steps.forEach((step, i) => {
    if (i > 0) {
      const loop = flow.loopStart !== null && i - 1 === flow.loopStart ? ' (cycle starts)' : '';
      lines.push(`  Note over ${id(stepActor(i) ?? flow.lifelines[0]!.name)}: ${i}. ${mermaidText(step.label)}${loop}`);
    }
    for (const event of step.events) {
      if (event.kind === 'lose') {
        const labels = event.arrows.map((a) => flow.arrows[a]!.label);
        lines.push(`  Note over ${id(flow.medium!)}: lost: ${mermaidText(labels.join(', '))}`);
        continue;
      }
      const arrow = flow.arrows[event.arrow]!;
      const ignored = arrow.fate === 'ignored' ? ' (ignored)' : '';
      if (event.kind === 'send') {
        lines.push(`  ${id(arrow.from)}${arrow.fate === 'lost' ? '-x' : '->>'}${id(flow.medium!)}: ${mermaidText(arrow.label)}`);
      } else if (event.kind === 'arrive') {
        lines.push(`  ${id(flow.medium!)}->>${id(arrow.to)}: ${mermaidText(arrow.label + ignored)}`);
      } else {
        lines.push(`  ${id(arrow.from)}${arrow.from === flow.medium ? '-->>' : '->>'}${id(arrow.to)}: ${mermaidText(arrow.label + ignored)}`);
      }
    }
  });
  if (flow.loopStart !== null) lines.push(`  Note over ${id(flow.lifelines[0]!.name)}: back to step ${flow.loopStart}, forever`);
  return lines.join('\n');
}
