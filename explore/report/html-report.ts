// results/report.html: one self-contained page (inline CSS, JS and SVG; a Content-Security-
// Policy that forbids any network load) that opens from file:// and is byte-identical from run
// to run. For a design review it opens with the stories the suite reproduces, a legend, the
// bounds and the provenance, then the verdict tables; then, for every counterexample, a
// sentence saying what went wrong and a stepper (previous / next / a slider / the arrow keys)
// that moves together: the message sequence chart (msc.ts), each machine's state as facts, the
// same steps in the counterpart run (the patched model), and the charts with the active states
// and the transitions just taken highlighted, region by region.
//
// This file builds what the page holds; report-page.ts is its style and script.
//
// Size: the counterexamples share most of their steps (the variants differ in one guard), so
// the page data is a table of distinct values that steps refer to by number, and a chart (a
// statechart, or an MSC several counterexamples share) is held once, in a <template>: the
// page stays well under 1 MB without compression, which would need a decoder in the page.

import type { AnyMachineSnapshot, AnyStateMachine, StateValue } from 'xstate';
import type { Trace } from '../check/analysis';
import { transitionsAtStart, transitionsTaken } from '../check/coverage';
import { initialSnapshots, performStep, type Delivery } from '../engine/explore';
import type { ComposedModel, EnvironmentStep, StateView } from '../engine/model';
import { messageFlow, mscDefinitions, mscHeadSvg, mscSvg } from './msc';
import type { RunOutcome } from '../check/outcome';
import type { Provenance } from './provenance';
import { anchorOf, failureSentence, featuredCounterexample, featuredName } from './report';
import { PAGE_SCRIPT, PAGE_STYLE } from './report-page';
import { boundText, type BoundLine, type RunSpec } from '../check/run-spec';
import type { Publishing } from './publishing';

/** Distinct values, each once; the page refers to them by their index. */
class ValueTable {
  readonly values: unknown[] = [];
  private readonly ids = new Map<string, number>();
  id(value: unknown): number {
    const key = JSON.stringify(value);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(key, id);
      this.values.push(value);
    }
    return id;
  }
}

function activeStateIds(rootId: string, value: StateValue): string[] {
  if (typeof value === 'string') return [`${rootId}.${value}`];
  return Object.entries(value).flatMap(([key, child]) => (child === undefined ? [] : activeStateIds(`${rootId}.${key}`, child as StateValue)));
}

/** One step of a run, performed with the checker's own step function: what the page shows of it. */
interface ShownStep {
  readonly label: string;
  readonly deliveries: readonly Delivery[];
  readonly after: StateView;
  /** Per actor, the chart transitions it took. */
  readonly taken: Readonly<Record<string, readonly string[]>>;
  /** The model's words for a step that did nothing or refused (stepEffect), else null. */
  readonly effect: string | null;
}

function shownStep(model: ComposedModel, machines: ReadonlyMap<string, AnyStateMachine>, snapshots: Map<string, AnyMachineSnapshot>, step: EnvironmentStep): ShownStep {
  const before = new Map(snapshots);
  const taken: Record<string, string[]> = Object.fromEntries(model.actors.map((actor) => [actor.name, []]));
  const deliveries = performStep(model, machines, snapshots, step, (actor, snapshot, event) => {
    taken[actor]!.push(...transitionsTaken(machines.get(actor)!, snapshot, event));
  });
  const changed = model.actors.some((actor) => snapshots.get(actor.name) !== before.get(actor.name));
  return { label: step.label, deliveries, after: Object.fromEntries(snapshots), taken, effect: model.presentation.stepEffect?.(deliveries, changed) ?? null };
}

/** The start of a run: what the actors sent while they started, and the transitions they took. */
function startStep(model: ComposedModel): { step: ShownStep; snapshots: Map<string, AnyMachineSnapshot> } {
  const { snapshots, deliveries } = initialSnapshots(model);
  const taken = Object.fromEntries(model.actors.map((actor) => [actor.name, transitionsAtStart(actor.machine, actor.input)]));
  return { step: { label: '(start)', deliveries, after: Object.fromEntries(snapshots), taken, effect: null }, snapshots };
}

/** The trace's steps in its own run, replayed from the start. */
function replayed(outcome: RunOutcome, trace: Trace): ShownStep[] {
  const { model } = outcome.exploration;
  const machines = new Map(model.actors.map((actor) => [actor.name, actor.machine]));
  const { step: first, snapshots } = startStep(model);
  return [first, ...trace.steps.map((stepId) => shownStep(model, machines, snapshots, outcome.exploration.steps[stepId]!))];
}

/** The same environment steps, by label, in the counterpart run; null from the first step it does not offer. */
function inCounterpart(counterpart: RunSpec, labels: readonly string[]): (ShownStep | null)[] {
  const { model } = counterpart;
  const machines = new Map(model.actors.map((actor) => [actor.name, actor.machine]));
  const { step: first, snapshots } = startStep(model);
  const shown: (ShownStep | null)[] = [first];
  let possible = true;
  for (const label of labels) {
    const offered: EnvironmentStep | undefined = possible ? model.environment(Object.fromEntries(snapshots)).find((s) => s.label === label) : undefined;
    possible = offered !== undefined;
    shown.push(offered === undefined ? null : shownStep(model, machines, snapshots, offered));
  }
  return shown;
}

interface TraceData {
  readonly anchor: string;
  readonly title: string;
  readonly sentence: string;
  readonly ending: string;
  readonly loopStart: number | null;
  readonly actors: readonly { readonly name: string; readonly title: string; readonly chart: string | null; readonly facts: number }[];
  /** Per step, an index into the step table. */
  readonly steps: readonly number[];
  readonly counterpart: { readonly title: string; readonly steps: readonly (number | null)[] } | null;
  /** The MSC: an index into the chart templates. */
  readonly msc: number;
}

interface PageData {
  readonly values: unknown[];
  readonly steps: unknown[];
  readonly traces: TraceData[];
  /** The model's medium (its network), whose chart the page shows only when nothing else moved. */
  readonly medium: string | null;
}

/** Builds one counterexample's page data, interning its values and steps and its MSC. */
function traceData(
  page: { values: ValueTable; steps: ValueTable; mscs: ValueTable },
  outcome: RunOutcome,
  anchor: string,
  title: string,
  property: string,
  trace: Trace,
  counterpart: RunSpec | null,
  charts: ReadonlySet<string>,
): TraceData {
  const { exploration, spec } = outcome;
  const model = exploration.model;
  const { values } = page;
  const factsOf = (actor: string, snapshot: AnyMachineSnapshot) => model.presentation.factsOf?.(actor, snapshot) ?? [];
  const record = (run: ComposedModel, step: ShownStep, full: boolean) => {
    const describe = (actor: string) => values.id(run.presentation.describeActor(actor, step.after[actor]!));
    const facts = (actor: string) => values.id((run.presentation.factsOf?.(actor, step.after[actor]!) ?? []).map((f) => values.id(f.value)));
    return full
      ? {
          l: values.id(step.label),
          s: run.actors.map((a) => describe(a.name)),
          f: run.actors.map((a) => facts(a.name)),
          a: run.actors.map((a) => values.id(activeStateIds(a.machine.id, step.after[a.name]!.value))),
          t: run.actors.map((a) => values.id(step.taken[a.name] ?? [])),
          e: step.effect === null ? -1 : values.id(step.effect),
        }
      : { s: run.actors.map((a) => describe(a.name)), f: run.actors.map((a) => facts(a.name)), e: step.effect === null ? -1 : values.id(step.effect) };
  };

  const shown = replayed(outcome, trace);
  const flow = messageFlow(model, shown, trace.loopStart ?? null);
  const start = exploration.view(trace.states[0]!);
  const mscHtml = `${mscHeadSvg(flow)}${mscSvg(flow)}`;

  let counterpartData: TraceData['counterpart'] = null;
  if (counterpart !== null) {
    const steps = inCounterpart(counterpart, shown.slice(1).map((s) => s.label));
    counterpartData = { title: counterpart.id, steps: steps.map((s) => (s === null ? null : page.steps.id(record(counterpart.model, s, false)))) };
  }
  return {
    anchor,
    title,
    sentence: failureSentence(spec, property, exploration, trace),
    ending: trace.ending,
    loopStart: trace.loopStart ?? null,
    actors: model.actors.map((actor) => ({
      name: actor.name,
      title: model.presentation.actorTitles?.[actor.name] ?? actor.name,
      chart: charts.has(actor.machine.id) ? actor.machine.id : null,
      facts: values.id(factsOf(actor.name, start[actor.name]!).map((f) => f.label)),
    })),
    steps: shown.map((step) => page.steps.id(record(model, step, true))),
    counterpart: counterpartData,
    msc: page.mscs.id(mscHtml),
  };
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function summaryHtml(outcomes: readonly RunOutcome[]): string {
  const sections = [...new Set(outcomes.map((o) => o.spec.section))];
  return sections
    .map((section) => {
      const runs = outcomes.filter((o) => o.spec.section === section);
      const rows = runs[0]!.results.map((first) => {
        const cells = runs.map((o) => {
          const result = o.results.find((r) => r.name === first.name)!;
          if (result.counterexample) {
            const shaped = result.illustration
              ? ` · <a href="#${anchorOf(section, `${result.name} ${result.illustration.name}`)}-${o.spec.group}">${escapeHtml(result.illustration.name)} (${result.illustration.trace.steps.length})</a>`
              : '';
            return `<td class="fail"><a href="#${anchorOf(section, result.name)}-${o.spec.group}">FAIL (${result.counterexample.steps.length} steps)</a>${shaped}</td>`;
          }
          return `<td class="${result.verdict === 'pass' ? 'pass' : 'other'}">${escapeHtml(result.verdict)}</td>`;
        });
        return `<tr><th scope="row">${escapeHtml(first.name)}</th>${cells.join('')}</tr>`;
      });
      const stats = `<tr class="stats"><th scope="row">states</th>${runs.map((o) => `<td>${o.exploration.stateCount}</td>`).join('')}</tr>`;
      return `<h3>${escapeHtml(section)}</h3><table><thead><tr><th>property</th>${runs.map((o) => `<th>${escapeHtml(o.spec.group)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}${stats}</tbody></table>`;
    })
    .join('\n');
}

/** The anchor of the counterexample a story names: the one shaped like the report when there is one. */
function counterexampleAnchor(outcomes: readonly RunOutcome[], run: string, property: string): string | null {
  const outcome = outcomes.find((o) => o.spec.id === run);
  const result = outcome?.results.find((r) => r.name === property);
  if (!outcome || !result?.counterexample) return null;
  return `${anchorOf(outcome.spec.section, featuredName(result))}-${outcome.spec.group}`;
}

function storiesHtml(publishing: Publishing, outcomes: readonly RunOutcome[]): string {
  if (!publishing.stories?.length) return '';
  const cards = publishing.stories.map((story) => {
    const anchor = story.shownBy ? counterexampleAnchor(outcomes, story.shownBy.run, story.shownBy.property) : null;
    const link = anchor ? `<p class="shown-by"><a href="#${anchor}">Step through it: “${escapeHtml(story.shownBy!.property)}” in ${escapeHtml(story.shownBy!.run)}</a></p>` : '';
    return `<article class="story"><h3>${escapeHtml(story.title)}</h3><p>${story.sentences.map(escapeHtml).join(' ')}</p>${link}</article>`;
  });
  return `<h2>The field reports</h2><div class="stories">${cards.join('')}</div>`;
}

const LEGEND = `<h2>How to read this page</h2>
<div class="legend">
<dl><dt class="pass">pass</dt><dd>holds in every reachable state (a liveness property: on every fair path, with a premise that occurs)</dd>
<dt class="fail">FAIL</dt><dd>violated; the link opens the shortest counterexample (and one shaped like the field report, where there is one)</dd>
<dt class="other">n/a</dt><dd>does not apply to this run; the run's page in results/ gives the reason</dd>
<dt class="other">vacuous</dt><dd>the premise never occurs, so the pass would say nothing</dd></dl>
<dl><dt><svg width="60" height="14"><line x1="2" y1="7" x2="56" y2="7" class="lg-msg" marker-end="url(#msc-arrow)"/></svg></dt><dd>a message from sender to receiver, across the channel; it slants over the steps it was in flight</dd>
<dt><svg width="60" height="14"><line x1="2" y1="7" x2="50" y2="7" class="lg-lost"/><path class="lg-x" d="M45,2l10,10m0,-10l-10,10"/></svg></dt><dd>lost with the connection (or sent where there was none): it ends in a cross on the channel</dd>
<dt><svg width="60" height="14"><line x1="2" y1="7" x2="56" y2="7" class="lg-own" marker-end="url(#msc-arrow)"/></svg></dt><dd>the channel's own notice (a loss noticed) or a disconnect</dd>
<dt><span class="lg-ignored">(ignored)</span></dt><dd>it arrived and the receiver did nothing with it</dd></dl>
<dl><dt><span class="lg-current">state</span></dt><dd>a state the machine is in at this step</dd>
<dt><span class="lg-just">edge</span></dt><dd>a transition taken in this step</dd>
<dt><span class="lg-taken">edge</span></dt><dd>a transition taken earlier in the trace</dd>
<dt><span class="lg-changed">fact</span></dt><dd>a fact that changed in this step</dd></dl>
</div>`;

function boundsHtml(bounds: readonly BoundLine[]): string {
  const rows = bounds.map((b) => `<tr><th scope="row">${escapeHtml(b.name)}</th><td>${escapeHtml(boundText(b.value))}</td><td>${escapeHtml(b.reason)}</td></tr>`);
  return `<h2>Bounds</h2><p>Every run explores every reachable state within these bounds; a run whose name says otherwise (e.g. “2 losses”) changes only that.</p><table class="bounds"><thead><tr><th>bound</th><th>value</th><th>why</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function provenanceHtml(provenance: Provenance): string {
  return `<p class="provenance" id="provenance">Made by ${escapeHtml(provenance.tool)} ${escapeHtml(provenance.toolVersion)} with xstate ${escapeHtml(provenance.xstateVersion)} (as package-lock.json pins it). Model sources ${provenance.modelFiles.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')}: sha256 <code>${escapeHtml(provenance.modelHash)}</code> (first 16 hex digits; the same sources give the same page).</p>`;
}

function traceSection(trace: TraceData): string {
  const last = trace.steps.length - 1;
  const withCharts = trace.actors.filter((a) => a.chart !== null);
  return `
<section class="trace" id="${trace.anchor}">
  <h2>${escapeHtml(trace.title)}</h2>
  <p class="sentence">${escapeHtml(trace.sentence)}</p>
  <div class="controls">
    <button class="prev" type="button">◀ previous</button>
    <input class="slider" type="range" min="0" max="${last}" value="0" aria-label="step">
    <button class="next" type="button">next ▶</button>
    <span class="position"></span>
    <span class="step-label"></span>
  </div>
  <div class="middle">
    <div class="msc" data-msc="${trace.msc}"></div>
    <div class="panes">
      ${trace.counterpart ? `<p class="effect"></p>` : ''}
      <div class="facts-box"></div>
      <details class="words"><summary>The same states in words, as in the step tables</summary>
      ${trace.actors.map((a) => `<div class="actor" data-actor="${a.name}"><b>${escapeHtml(a.title)}:</b> <span class="state"></span></div>`).join('')}
      ${trace.counterpart ? `<div class="counterpart"><h4>The same steps in ${escapeHtml(trace.counterpart.title)}</h4><div class="states"></div></div>` : ''}
      </details>
    </div>
  </div>
  <div class="charts">
    <div class="chart-bar">${withCharts.map((a) => `<button type="button" data-actor="${a.name}">${escapeHtml(a.title)}</button>`).join('')}<span class="sep"></span><span class="regions"></span><span class="sep"></span><label><input class="follow" type="checkbox" checked> follow the step</label><span class="hint">· wheel: zoom · drag: pan</span></div>
    ${withCharts.map((a) => `<figure data-actor="${a.name}" aria-label="${escapeHtml(a.title)}'s chart"></figure>`).join('')}
  </div>
</section>`;
}

export function reportHtml(
  publishing: Publishing,
  outcomes: readonly RunOutcome[],
  charts: readonly { name: string; svg: string }[],
  counterpartOf: (run: RunSpec) => RunSpec | null,
  bounds: readonly BoundLine[] = [],
  provenance: Provenance | null = null,
): string {
  const page = { values: new ValueTable(), steps: new ValueTable(), mscs: new ValueTable() };
  const chartIds = new Set(charts.map((c) => c.name));
  const traces: TraceData[] = [];
  for (const outcome of outcomes) {
    const counterpart = counterpartOf(outcome.spec);
    const { spec } = outcome;
    for (const result of outcome.results) {
      if (result.counterexample) {
        const title = `${spec.id}: “${result.name}” fails (${result.counterexample.steps.length} steps)`;
        traces.push(traceData(page, outcome, `${anchorOf(spec.section, result.name)}-${spec.group}`, title, result.name, result.counterexample, counterpart, chartIds));
      }
      if (result.illustration) {
        const { name, trace } = result.illustration;
        const title = `${spec.id}: “${result.name}” fails, ${name} (${trace.steps.length} steps)`;
        traces.push(traceData(page, outcome, `${anchorOf(spec.section, `${result.name} ${name}`)}-${spec.group}`, title, result.name, trace, counterpart, chartIds));
      }
    }
  }
  // The suite's featured counterexample (the one shaped like the field report when there is
  // one) comes first, and the page says so before the verdicts.
  const featuredAnchor = featuredCounterexample(publishing, outcomes)?.anchor;
  const featuredAt = traces.findIndex((t) => t.anchor === featuredAnchor);
  if (featuredAt > 0) traces.unshift(...traces.splice(featuredAt, 1));
  const featuredLine = featuredAt >= 0 ? `<p>Featured, first below: <a href="#${traces[0]!.anchor}">${escapeHtml(traces[0]!.title)}</a>.</p>` : '';
  const medium = outcomes[0]?.exploration.model.presentation.medium?.actor ?? null;
  const data: PageData = { values: page.values.values, steps: page.steps.values, traces, medium };
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const chartTemplates = charts.map(({ name, svg }) => `<template id="chart-${name}">${svg.replace(/<\?xml[^>]*>\s*/, '').replace(/<!DOCTYPE[^>]*>\s*/, '').replace(/<!--[\s\S]*?-->\s*/g, '')}</template>`);
  const mscTemplates = page.mscs.values.map((html, i) => `<template id="msc-${i}">${html as string}</template>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(publishing.title)}: verification report</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<!-- Generated by \`npm run verify\`. Do not edit. Self-contained: it loads nothing from the network. -->
${mscDefinitions}
<h1>${escapeHtml(publishing.title)}: verification report</h1>
${publishing.introduction.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${provenance ? provenanceHtml(provenance) : ''}
${storiesHtml(publishing, outcomes)}
${featuredLine}
${LEGEND}
${bounds.length > 0 ? boundsHtml(bounds) : ''}
<h2>Verdicts</h2>
<p>Each counterexample below opens with what went wrong, then has a stepper: previous / next, the slider, or the ← → keys (on the stepper last clicked). The message sequence chart, the facts, the same steps in the patched model, and the charts follow it.</p>
${summaryHtml(outcomes)}
${traces.map(traceSection).join('\n')}
${chartTemplates.join('\n')}
${mscTemplates.join('\n')}
<script id="report-data" type="application/json">${json}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
