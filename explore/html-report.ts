// results/report.html: one self-contained page (inline CSS, JS and SVG; a Content-Security-
// Policy that forbids any network load) that opens from file:// and is byte-identical from run
// to run. For a design review it opens with the stories the suite reproduces, a legend, the
// bounds and the provenance, then the verdict tables; then, for every counterexample, a
// sentence saying what went wrong and a stepper (previous / next / a slider / the arrow keys)
// that moves together: the message sequence chart (msc.ts), each machine's state as facts, the
// same steps in the counterpart run (the patched model), and the charts with the active states
// and the transitions just taken highlighted, region by region.
//
// Size: 58 counterexamples share most of their steps (the variants differ in one guard), so
// the page data is a table of distinct values that steps refer to by number, and a chart that
// several counterexamples share is held once, in a <template>.

import type { AnyMachineSnapshot, AnyStateMachine, StateValue } from 'xstate';
import type { Trace } from './analysis';
import { transitionsAtStart, transitionsTaken } from './coverage';
import { initialSnapshots, performStep, type Delivery } from './explore';
import type { ComposedModel, EnvironmentStep, StateView } from './model';
import { messageFlow, mscDefinitions, mscHeadSvg, mscSvg } from './msc';
import type { RunOutcome } from './outcome';
import type { Provenance } from './provenance';
import { anchorOf, failureSentence, featuredCounterexample } from './report';
import { boundText, type BoundLine, type RunSpec, type Suite } from './suite';

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
  return { label: step.label, deliveries, after: Object.fromEntries(snapshots), taken, effect: model.stepEffect?.(deliveries, changed) ?? null };
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
  const factsOf = (actor: string, snapshot: AnyMachineSnapshot) => model.factsOf?.(actor, snapshot) ?? [];
  const record = (run: ComposedModel, step: ShownStep, full: boolean) => {
    const describe = (actor: string) => values.id(run.describeActor(actor, step.after[actor]!));
    const facts = (actor: string) => values.id((run.factsOf?.(actor, step.after[actor]!) ?? []).map((f) => values.id(f.value)));
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
      title: model.actorTitles?.[actor.name] ?? actor.name,
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
  const name = result.illustration ? `${result.name} ${result.illustration.name}` : result.name;
  return `${anchorOf(outcome.spec.section, name)}-${outcome.spec.group}`;
}

function storiesHtml(suite: Suite, outcomes: readonly RunOutcome[]): string {
  if (!suite.stories?.length) return '';
  const cards = suite.stories.map((story) => {
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

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em; color: #222; max-width: 1600px; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
td.fail a, dt.fail { color: #b00020; font-weight: 600; }
td.pass, dt.pass { color: #1b5e20; }
td.other, dt.other { color: #666; }
.stories { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
.story { border: 1px solid #ccc; border-left: 4px solid #b00020; border-radius: 6px; padding: 0 0.9em; }
.legend { display: grid; grid-template-columns: repeat(3, 1fr); gap: 1em; }
.legend dl { display: grid; grid-template-columns: 5em 1fr; gap: 0.3em 0.6em; margin: 0; align-items: center; }
.legend dd { margin: 0; }
.lg-msg, .lg-own { stroke: #333; stroke-width: 1.4; } .lg-own { stroke-dasharray: 4 3; stroke: #6a1b9a; }
.lg-lost { stroke: #b00020; stroke-width: 1.4; stroke-dasharray: 5 3; } .lg-x { stroke: #b00020; stroke-width: 2.2; fill: none; }
.lg-ignored { color: #b00020; }
.lg-current { background: #ffe08a; border: 2px solid #b00020; padding: 0 0.3em; }
.lg-just { border-bottom: 3px solid #e65100; } .lg-taken { border-bottom: 3px solid #90caf9; }
.lg-changed, .facts td.changed { background: #fff4c2; }
.bounds td:nth-child(2) { white-space: nowrap; }
.provenance { color: #555; }
section.trace { border-top: 2px solid #888; margin-top: 2em; padding-top: 0.5em; }
.sentence { font-size: 1.1em; margin: 0.3em 0; padding: 0.4em 0.7em; background: #fdecea; border-left: 4px solid #b00020; }
.controls { display: flex; flex-wrap: wrap; gap: 0.6em; align-items: center; margin: 0.5em 0; position: sticky; top: 0; background: #fff; z-index: 2; padding: 0.3em 0; }
.controls button, .controls .position { white-space: nowrap; }
.controls input[type=range] { width: 24em; }
.step-label { font-weight: 600; }
.middle { display: grid; grid-template-columns: minmax(0, auto) minmax(22em, 1fr); gap: 0.8em; align-items: start; }
.msc { max-height: 36em; overflow: auto; border: 1px solid #ddd; position: relative; }
.msc-head { position: sticky; top: 0; background: #fff; z-index: 1; display: block; border-bottom: 1px solid #ccc; }
.msc-head rect { fill: #eef3fb; stroke: #555; } .msc-head .medium rect { fill: #f3f3f3; stroke-dasharray: 3 2; }
.msc-head text { text-anchor: middle; font: 600 12px system-ui, sans-serif; } .msc-head .step-head { text-anchor: start; font-weight: 400; fill: #666; }
.msc-body { display: block; font: 11px system-ui, sans-serif; }
.msc-body .band rect { fill: #fff; } .msc-body .band:nth-child(even) rect { fill: #f7f7f7; }
.msc-body .band.current rect { fill: #fff1b8; } .msc-body .band.current text { font-weight: 700; }
.msc-body .life { stroke: #555; stroke-width: 1.2; } .msc-body .life.medium { stroke: #aaa; stroke-width: 6; stroke-opacity: 0.35; }
.msc-body .msg line { stroke: #333; stroke-width: 1.2; }
.msc-body .msg.own line { stroke: #6a1b9a; stroke-dasharray: 4 3; }
.msc-body .msg.lost line { stroke: #b00020; stroke-dasharray: 5 3; } .msc-body .msg.lost text, .msc-body .msg.ignored text { fill: #b00020; }
.msc-body .msg.pending line { stroke: #888; stroke-dasharray: 2 3; }
.msc-body .x { stroke: #b00020; stroke-width: 2.2; fill: none; }
.msc-body .msg.future { opacity: 0.18; }
.msc-body .msg.now line { stroke-width: 2.6; } .msc-body .msg.now text { font-weight: 700; }
.panes { font-size: 12.5px; }
.panes .effect { display: none; margin: 0 0 0.4em; padding: 0.3em 0.6em; font-weight: 700; color: #0d47a1; background: #e3f2fd; border-left: 4px solid #0d47a1; }
.panes .effect.shown { display: block; }
.facts { margin: 0 0 0.6em; width: 100%; } .facts th, .facts td { padding: 0.1em 0.4em; }
.facts tbody th { font-weight: 400; color: #555; } .facts .cp { background: #f3f7ff; }
.words { color: #555; } .words .actor { margin: 0.2em 0; }
.counterpart h4 { margin: 0.4em 0 0.1em; }
.charts { margin-top: 0.8em; border: 1px solid #ddd; border-radius: 6px; }
.chart-bar { display: flex; flex-wrap: wrap; gap: 0.3em; align-items: center; padding: 0.3em 0.5em; background: #f6f6f6; }
.chart-bar button.on { background: #1565c0; color: #fff; }
.chart-bar .sep { width: 1em; }
.charts figure { margin: 0; height: 34em; display: none; } .charts figure.shown { display: block; }
.charts figure svg { width: 100%; height: 100%; cursor: grab; }
.charts .current > polygon, .charts .current > path, .charts .current > ellipse { fill: #ffe08a; stroke: #b00020; stroke-width: 3; }
.charts .taken > path { stroke: #90caf9; stroke-width: 3; }
.charts .taken > polygon { stroke: #90caf9; fill: #90caf9; }
.charts .just > path { stroke: #e65100; stroke-width: 3.5; }
.charts .just > polygon { stroke: #e65100; fill: #e65100; }
.charts .just > text { fill: #e65100; font-weight: 700; }
`;

const SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var V = data.values, S = data.steps;
  var active = null;
  function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }
  // A chart's view: a region (one cluster of the chart) or the whole chart, by viewBox; the
  // wheel zooms and a drag pans. Following the step picks the region where it took transitions.
  function chartView(svg) {
    var whole = svg.getAttribute('viewBox').split(/\\s+/).map(Number);
    var box = whole.slice();
    function set(b) { box = b; svg.setAttribute('viewBox', b.join(' ')); }
    // An element's box in the chart's own units (Graphviz puts everything in a translated group).
    function boxOf(el) {
      var b = el.getBBox(), m = svg.getScreenCTM().inverse().multiply(el.getScreenCTM());
      var p = svg.createSVGPoint(); p.x = b.x; p.y = b.y; p = p.matrixTransform(m);
      return [p.x, p.y, b.width, b.height];
    }
    function region(id) {
      var el = id && svg.getElementById('s:' + id);
      if (!el) { set(whole.slice()); return; }
      var b = boxOf(el), pad = 12;
      set([b[0] - pad, b[1] - pad, b[2] + 2 * pad, b[3] + 2 * pad]);
    }
    // Close up on what the step did (its transitions and where they lead), with some context
    // around it: a large region (association) would otherwise be drawn at a few pixels a letter.
    function focus(elements) {
      if (elements.length === 0) return false;
      var boxes = elements.map(boxOf);
      var x0 = Math.min.apply(null, boxes.map(function (b) { return b[0]; })), y0 = Math.min.apply(null, boxes.map(function (b) { return b[1]; }));
      var x1 = Math.max.apply(null, boxes.map(function (b) { return b[0] + b[2]; })), y1 = Math.max.apply(null, boxes.map(function (b) { return b[1] + b[3]; }));
      var w = Math.max(x1 - x0 + 80, 640), h = Math.max(y1 - y0 + 80, 260);
      set([(x0 + x1 - w) / 2, (y0 + y1 - h) / 2, w, h]);
      return true;
    }
    svg.addEventListener('wheel', function (event) {
      event.preventDefault();
      var r = svg.getBoundingClientRect(), f = event.deltaY > 0 ? 1.15 : 1 / 1.15;
      var scale = Math.max(box[2] / r.width, box[3] / r.height);
      var cx = box[0] + box[2] / 2 + (event.clientX - r.left - r.width / 2) * scale;
      var cy = box[1] + box[3] / 2 + (event.clientY - r.top - r.height / 2) * scale;
      set([cx - (cx - box[0]) * f, cy - (cy - box[1]) * f, box[2] * f, box[3] * f]);
    }, { passive: false });
    var drag = null;
    svg.addEventListener('pointerdown', function (event) { drag = { x: event.clientX, y: event.clientY, box: box.slice() }; svg.setPointerCapture(event.pointerId); });
    svg.addEventListener('pointermove', function (event) {
      if (!drag) return;
      var r = svg.getBoundingClientRect(), scale = Math.max(drag.box[2] / r.width, drag.box[3] / r.height);
      set([drag.box[0] - (event.clientX - drag.x) * scale, drag.box[1] - (event.clientY - drag.y) * scale, drag.box[2], drag.box[3]]);
    });
    svg.addEventListener('pointerup', function () { drag = null; });
    return { region: region, focus: focus };
  }
  data.traces.forEach(function (trace) {
    var root = document.getElementById(trace.anchor);
    var slider = root.querySelector('.slider');
    var position = root.querySelector('.position');
    var label = root.querySelector('.step-label');
    var msc = root.querySelector('.msc');
    msc.appendChild(document.importNode(document.getElementById('msc-' + trace.msc).content, true));
    var bands = msc.querySelectorAll('.band');
    var arrows = msc.querySelectorAll('.msg');
    var head = msc.querySelector('.msc-head');
    var charts = {}, views = {}, regionOf = {};
    var bar = root.querySelector('.chart-bar');
    var follow = root.querySelector('.follow');
    var shown = { actor: null, region: null };
    trace.actors.forEach(function (actor, i) {
      var figure = root.querySelector('figure[data-actor="' + actor.name + '"]');
      if (!figure) return;
      figure.appendChild(document.importNode(document.getElementById('chart-' + actor.chart).content, true));
      var svg = figure.querySelector('svg');
      svg.removeAttribute('width'); svg.removeAttribute('height');
      charts[actor.name] = svg;
      views[actor.name] = chartView(svg);
    });
    function show(actor, region) {
      shown = { actor: actor, region: region };
      root.querySelectorAll('.charts figure').forEach(function (f) { f.classList.toggle('shown', f.getAttribute('data-actor') === actor); });
      views[actor].region(region);
      bar.querySelectorAll('button').forEach(function (b) {
        b.classList.toggle('on', b.getAttribute('data-actor') === actor ? true : b.hasAttribute('data-region') && b.getAttribute('data-region') === (region || ''));
      });
      // The region buttons are those of the chart shown: its top-level clusters.
      var regions = bar.querySelector('.regions');
      var chart = trace.actors.filter(function (a) { return a.name === actor; })[0].chart;
      var ids = Array.prototype.map.call(charts[actor].querySelectorAll('g.cluster'), function (g) { return g.id.slice(2); })
        .filter(function (id) { return id.indexOf(chart + '.') === 0 && id.split('.').length === 2; });
      regions.innerHTML = ['<button type="button" data-region="">whole chart</button>'].concat(ids.map(function (id) {
        return '<button type="button" data-region="' + esc(id) + '">' + esc(id.split('.')[1]) + '</button>';
      })).join('');
      regions.querySelectorAll('button').forEach(function (b) { b.classList.toggle('on', b.getAttribute('data-region') === (region || '')); });
    }
    bar.addEventListener('click', function (event) {
      var b = event.target.closest('button');
      if (!b) return;
      follow.checked = false;
      if (b.hasAttribute('data-actor')) show(b.getAttribute('data-actor'), regionOf[b.getAttribute('data-actor')] || null);
      else { regionOf[shown.actor] = b.getAttribute('data-region') || null; show(shown.actor, regionOf[shown.actor]); }
    });
    function regionFor(actorName, ids) {
      var chart = trace.actors.filter(function (a) { return a.name === actorName; })[0].chart;
      for (var k = 0; k < ids.length; k++) {
        var source = ids[k].split(' ')[0].split('.');
        var region = source.length >= 2 && source[0] === chart ? source[0] + '.' + source[1] : null;
        var el = region && charts[actorName].getElementById('s:' + region);
        if (el && el.classList.contains('cluster')) return region;
      }
      return null;
    }
    // Actors with the same facts (the two MTAs) share a table, a column each, and the
    // counterpart's columns stand beside theirs; a value that changed in this step is marked.
    var factsBox = root.querySelector('.facts-box');
    var groups = [];
    trace.actors.forEach(function (actor, k) {
      if (V[actor.facts].length === 0) return;
      var group = groups.filter(function (g) { return g.facts === actor.facts; })[0];
      if (!group) groups.push(group = { facts: actor.facts, members: [] });
      group.members.push(k);
    });
    function factTables(step, previous, other) {
      return groups.map(function (group) {
        var heads = group.members.map(function (k) { return '<th>' + esc(trace.actors[k].title) + '</th>'; });
        if (trace.counterpart) heads = heads.concat(group.members.map(function (k) { return '<th class="cp">' + esc(trace.actors[k].title) + ' in ' + esc(trace.counterpart.title) + '</th>'; }));
        var rows = V[group.facts].map(function (label, r) {
          var cells = group.members.map(function (k) {
            var value = V[step.f[k]][r], changed = previous && V[previous.f[k]][r] !== value;
            return '<td' + (changed ? ' class="changed"' : '') + '>' + esc(V[value]) + '</td>';
          });
          if (trace.counterpart) cells = cells.concat(group.members.map(function (k) {
            return '<td class="cp">' + (other ? esc(V[V[other.f[k]][r]]) : '—') + '</td>';
          }));
          return '<tr><th>' + esc(label) + '</th>' + cells.join('') + '</tr>';
        });
        return '<table class="facts"><thead><tr><th></th>' + heads.join('') + '</tr></thead><tbody>' + rows.join('') + '</tbody></table>';
      }).join('');
    }
    var current = 0;
    function render(i) {
      current = Math.max(0, Math.min(trace.steps.length - 1, i));
      var step = S[trace.steps[current]], previous = current > 0 ? S[trace.steps[current - 1]] : null;
      slider.value = String(current);
      position.textContent = 'step ' + current + ' of ' + (trace.steps.length - 1);
      label.textContent = current + '. ' + V[step.l] + (step.e >= 0 ? ' (' + V[step.e] + ')' : '') + (trace.loopStart === current ? ' (the cycle starts here)' : '') +
        (current === trace.steps.length - 1 ? ' (last step: ' + trace.ending + ')' : '');
      var moved = null;
      var index = trace.counterpart ? trace.counterpart.steps[current] : null;
      var other = index === null ? null : S[index];
      factsBox.innerHTML = factTables(step, previous, other);
      trace.actors.forEach(function (actor, k) {
        root.querySelector('.actor[data-actor="' + actor.name + '"] .state').textContent = V[step.s[k]];
        var svg = charts[actor.name];
        if (!svg) return;
        svg.querySelectorAll('.current, .taken, .just').forEach(function (el) { el.classList.remove('current', 'taken', 'just'); });
        V[step.a[k]].forEach(function (id) {
          var el = svg.getElementById('s:' + id);
          if (el) el.classList.add('current');
        });
        function mark(id, cls) {
          svg.querySelectorAll('[id^="t:' + CSS.escape(id) + '"]').forEach(function (el) {
            if (el.id === 't:' + id || el.id.indexOf('t:' + id + ':') === 0) el.classList.add(cls);
          });
        }
        for (var j = 0; j < current; j++) V[S[trace.steps[j]].t[k]].forEach(function (id) { mark(id, 'taken'); });
        var now = V[step.t[k]];
        now.forEach(function (id) { mark(id, 'taken'); mark(id, 'just'); });
        // Follow the machines, not the medium, when both moved.
        var region = regionFor(actor.name, now);
        if (region) regionOf[actor.name] = region;
        if (now.length > 0 && (moved === null || moved === data.medium)) moved = actor.name;
      });
      if (follow.checked) {
        var who = moved || shown.actor || trace.actors.filter(function (a) { return a.chart; })[0].name;
        show(who, regionOf[who] || null);
        var svgShown = charts[who], zone = regionOf[who] && svgShown.getElementById('s:' + regionOf[who]);
        var inZone = function (el) { return !zone || zone.contains(el) || el.id.indexOf('t:' + regionOf[who]) === 0; };
        var just = Array.prototype.filter.call(svgShown.querySelectorAll('.just'), inZone);
        var here = Array.prototype.filter.call(svgShown.querySelectorAll('.current'), function (el) { return el.id.indexOf('s:' + (regionOf[who] || '') + '.') === 0 && !el.classList.contains('cluster'); });
        views[who].focus(just.length > 0 ? just.concat(here) : []);
      }
      bands.forEach(function (band) { band.classList.toggle('current', Number(band.getAttribute('data-step')) === current); });
      arrows.forEach(function (arrow) {
        var s = Number(arrow.getAttribute('data-s')), e = Number(arrow.getAttribute('data-e'));
        arrow.classList.toggle('future', s > current);
        arrow.classList.toggle('now', s === current || e === current);
      });
      // Keep the current band in view inside the chart's own scroll box (not the page's).
      var band = bands[current];
      if (band) {
        var top = band.getBoundingClientRect().top - msc.getBoundingClientRect().top + msc.scrollTop - head.getBoundingClientRect().height;
        var height = band.getBoundingClientRect().height, room = msc.clientHeight - head.getBoundingClientRect().height;
        if (top < msc.scrollTop || top + height > msc.scrollTop + room) msc.scrollTop = Math.max(0, top - room / 3);
      }
      if (trace.counterpart) {
        var title = esc(trace.counterpart.title);
        // What the step did there, where that differs: nothing or a refusal there, or here only.
        var effect = other === null ? 'not possible in ' + title + ': the runs part at or before this step'
          : current === 0 ? ''
          : other.e >= 0 ? esc(V[other.e]) + ' in ' + title
          : step.e >= 0 ? esc(V[step.e]) + ' here, not in ' + title : '';
        var note = root.querySelector('.panes .effect');
        note.innerHTML = effect;
        note.classList.toggle('shown', effect !== '');
        root.querySelector('.counterpart .states').innerHTML = (effect ? '<div>' + effect + '</div>' : '') + (other === null ? ''
          : trace.actors.map(function (a, k) { return '<div><b>' + esc(a.title) + ':</b> ' + esc(V[other.s[k]]) + '</div>'; }).join(''));
      }
    }
    root.querySelector('.prev').addEventListener('click', function () { active = stepper; render(current - 1); });
    root.querySelector('.next').addEventListener('click', function () { active = stepper; render(current + 1); });
    slider.addEventListener('input', function () { active = stepper; render(Number(slider.value)); });
    follow.addEventListener('change', function () { if (follow.checked) render(current); });
    var stepper = { render: function (delta) { render(current + delta); } };
    root.addEventListener('click', function () { active = stepper; });
    if (active === null) active = stepper;
    var first = trace.actors.filter(function (a) { return a.chart; })[0];
    if (first) show(first.name, null);
    render(0);
  });
  document.addEventListener('keydown', function (event) {
    if (!active) return;
    if (event.key === 'ArrowRight') { active.render(1); event.preventDefault(); }
    if (event.key === 'ArrowLeft') { active.render(-1); event.preventDefault(); }
  });
})();
`;

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
  suite: Suite,
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
  const featuredAnchor = featuredCounterexample(suite, outcomes)?.anchor;
  const featuredAt = traces.findIndex((t) => t.anchor === featuredAnchor);
  if (featuredAt > 0) traces.unshift(...traces.splice(featuredAt, 1));
  const featuredLine = featuredAt >= 0 ? `<p>Featured, first below: <a href="#${traces[0]!.anchor}">${escapeHtml(traces[0]!.title)}</a>.</p>` : '';
  const medium = outcomes[0]?.exploration.model.medium?.actor ?? null;
  const data: PageData = { values: page.values.values, steps: page.steps.values, traces, medium };
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const chartTemplates = charts.map(({ name, svg }) => `<template id="chart-${name}">${svg.replace(/<\?xml[^>]*>\s*/, '').replace(/<!DOCTYPE[^>]*>\s*/, '').replace(/<!--[\s\S]*?-->\s*/g, '')}</template>`);
  const mscTemplates = page.mscs.values.map((html, i) => `<template id="msc-${i}">${html as string}</template>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(suite.title)}: verification report</title>
<style>${STYLE}</style>
</head>
<body>
<!-- Generated by \`npm run verify\`. Do not edit. Self-contained: it loads nothing from the network. -->
${mscDefinitions}
<h1>${escapeHtml(suite.title)}: verification report</h1>
${suite.introduction.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${provenance ? provenanceHtml(provenance) : ''}
${storiesHtml(suite, outcomes)}
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
<script>${SCRIPT}</script>
</body>
</html>
`;
}
