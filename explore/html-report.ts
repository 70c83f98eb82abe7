// results/report.html: one self-contained page (inline CSS, JS and SVG; a Content-Security-
// Policy that forbids any network load) that opens from file://. It holds the verdict tables
// and, for every counterexample, a stepper: previous / next / a slider (and the arrow keys),
// the step's label, each machine's state, a sequence view of what travelled, the charts with
// the current state and the transitions taken so far highlighted, and, where the suite names
// one, the same steps replayed in the patched model beside it.

import type { AnyMachineSnapshot, StateValue } from 'xstate';
import type { Trace } from './analysis';
import { transitionsAtStart, transitionsTaken } from './coverage';
import { initialSnapshots, performStep } from './explore';
import type { RunOutcome } from './outcome';
import { anchorOf, featuredCounterexample } from './report';
import type { RunSpec, Suite } from './suite';

interface StepData {
  readonly label: string;
  /** Per actor: its state in words. */
  readonly states: Readonly<Record<string, string>>;
  /** Per actor: the ids of its active atomic states (for the chart). */
  readonly active: Readonly<Record<string, readonly string[]>>;
  /** Per actor: the chart transitions it took in this step. */
  readonly taken: Readonly<Record<string, readonly string[]>>;
  /** What travelled: [from, to, label, ignored]. */
  readonly messages: readonly (readonly [string, string, string, boolean])[];
}

interface TraceData {
  readonly anchor: string;
  readonly title: string;
  readonly ending: string;
  readonly loopStart: number | null;
  readonly actors: readonly { readonly name: string; readonly title: string; readonly chart: string }[];
  readonly steps: readonly StepData[];
  /** The same environment steps in the counterpart run: per step its states, or null once a step is not possible there. */
  readonly counterpart: { readonly title: string; readonly states: readonly (Readonly<Record<string, string>> | null)[] } | null;
}

function activeStateIds(rootId: string, value: StateValue): string[] {
  if (typeof value === 'string') return [`${rootId}.${value}`];
  return Object.entries(value).flatMap(([key, child]) => (child === undefined ? [] : activeStateIds(`${rootId}.${key}`, child as StateValue)));
}

function traceData(outcome: RunOutcome, anchor: string, title: string, trace: Trace, counterpart: RunSpec | null): TraceData {
  const { exploration } = outcome;
  const model = exploration.model;
  const machines = new Map(model.actors.map((actor) => [actor.name, actor.machine]));
  const describe = (view: Readonly<Record<string, AnyMachineSnapshot>>) =>
    Object.fromEntries(model.actors.map((actor) => [actor.name, model.describeActor(actor.name, view[actor.name]!)]));
  const active = (view: Readonly<Record<string, AnyMachineSnapshot>>) =>
    Object.fromEntries(model.actors.map((actor) => [actor.name, activeStateIds(actor.machine.id, view[actor.name]!.value)]));

  const steps: StepData[] = [];
  const start = initialSnapshots(model);
  steps.push({
    label: '(start)',
    states: describe(exploration.view(trace.states[0]!)),
    active: active(exploration.view(trace.states[0]!)),
    taken: Object.fromEntries(model.actors.map((actor) => [actor.name, transitionsAtStart(actor.machine, actor.input)])),
    messages: start.deliveries.map((d) => [d.from, d.to, model.labelEvent(d.event), d.ignored === true] as const),
  });
  trace.steps.forEach((stepId, i) => {
    const step = exploration.steps[stepId]!;
    const taken: Record<string, string[]> = Object.fromEntries(model.actors.map((actor) => [actor.name, []]));
    const snapshots = new Map(Object.entries(exploration.view(trace.states[i]!)));
    const deliveries = performStep(model, machines, snapshots, step, (actor, before, event) => {
      taken[actor]!.push(...transitionsTaken(machines.get(actor)!, before, event));
    });
    const after = exploration.view(trace.states[i + 1]!);
    steps.push({
      label: step.label,
      states: describe(after),
      active: active(after),
      taken,
      messages: deliveries.filter((d) => d.from !== 'environment').map((d) => [d.from, d.to, model.labelEvent(d.event), d.ignored === true] as const),
    });
  });

  let counterpartData: TraceData['counterpart'] = null;
  if (counterpart !== null) {
    const runtime = counterpart.model.startRuntime();
    const states: (Record<string, string> | null)[] = [];
    try {
      states.push(Object.fromEntries(counterpart.model.actors.map((a) => [a.name, counterpart.model.describeActor(a.name, runtime.snapshots()[a.name]!)])));
      let possible = true;
      for (const stepId of trace.steps) {
        const label = exploration.steps[stepId]!.label;
        const offered = possible ? counterpart.model.environment(runtime.snapshots()).find((s) => s.label === label) : undefined;
        if (offered === undefined) {
          possible = false;
          states.push(null);
          continue;
        }
        runtime.perform(offered.payload);
        states.push(Object.fromEntries(counterpart.model.actors.map((a) => [a.name, counterpart.model.describeActor(a.name, runtime.snapshots()[a.name]!)])));
      }
    } finally {
      runtime.stop();
    }
    counterpartData = { title: counterpart.id, states };
  }

  return {
    anchor,
    title,
    ending: trace.ending,
    loopStart: trace.loopStart ?? null,
    actors: model.actors.map((actor) => ({ name: actor.name, title: model.actorTitles?.[actor.name] ?? actor.name, chart: actor.machine.id })),
    steps,
    counterpart: counterpartData,
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

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5em; color: #222; max-width: 1600px; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
td.fail a { color: #b00020; font-weight: 600; }
td.pass { color: #1b5e20; }
td.other { color: #666; }
section.trace { border-top: 2px solid #888; margin-top: 2em; padding-top: 0.5em; }
.controls { display: flex; gap: 0.6em; align-items: center; margin: 0.5em 0; }
.controls input[type=range] { width: 24em; }
.step-label { font-weight: 600; font-size: 1.1em; margin: 0.3em 0; }
.panes { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0.6em; }
.actor { border: 1px solid #ccc; border-radius: 6px; padding: 0.4em 0.6em; }
.actor h4, .counterpart h4 { margin: 0 0 0.2em; }
.counterpart { margin-top: 0.5em; padding: 0.4em 0.6em; background: #f3f7ff; border-radius: 6px; }
.sequence { font-family: ui-monospace, monospace; font-size: 12px; margin: 0.6em 0; max-height: 22em; overflow: auto; border: 1px solid #ddd; }
.sequence .row { display: grid; grid-template-columns: 3em 1fr 1fr 1fr; padding: 0 0.3em; }
.sequence .row.note { color: #555; background: #f6f6f6; }
.sequence .row.current { background: #fff4c2; }
.sequence .row.later { display: none; }
.sequence .ignored { color: #b00020; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 0.6em; }
.charts figure { margin: 0; border: 1px solid #ddd; overflow: auto; max-height: 40em; }
.charts svg { width: 100%; height: auto; }
.charts .current > polygon, .charts .current > path, .charts .current > ellipse { fill: #ffe08a; stroke: #b00020; stroke-width: 3; }
.charts .taken > path { stroke: #1565c0; stroke-width: 2.5; }
.charts .taken > polygon { stroke: #1565c0; fill: #1565c0; }
`;

const SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var active = null;
  function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }
  data.traces.forEach(function (trace) {
    var root = document.getElementById(trace.anchor);
    var slider = root.querySelector('.slider');
    var position = root.querySelector('.position');
    var label = root.querySelector('.step-label');
    var charts = {};
    trace.actors.forEach(function (actor) {
      var figure = root.querySelector('figure[data-actor="' + actor.name + '"]');
      if (!figure) return;
      var template = document.getElementById('chart-' + actor.chart);
      figure.appendChild(document.importNode(template.content, true));
      charts[actor.name] = figure.querySelector('svg');
    });
    var current = 0;
    function render(i) {
      current = Math.max(0, Math.min(trace.steps.length - 1, i));
      var step = trace.steps[current];
      slider.value = String(current);
      position.textContent = 'step ' + current + ' of ' + (trace.steps.length - 1);
      label.textContent = current + '. ' + step.label + (trace.loopStart === current ? ' (the cycle starts here)' : '') +
        (current === trace.steps.length - 1 ? ' (last step: ' + trace.ending + ')' : '');
      trace.actors.forEach(function (actor) {
        root.querySelector('.actor[data-actor="' + actor.name + '"] .state').textContent = step.states[actor.name];
        var svg = charts[actor.name];
        if (!svg) return;
        svg.querySelectorAll('.current, .taken').forEach(function (el) { el.classList.remove('current', 'taken'); });
        step.active[actor.name].forEach(function (id) {
          var el = svg.getElementById('s:' + id);
          if (el) el.classList.add('current');
        });
        for (var k = 0; k <= current; k++) {
          trace.steps[k].taken[actor.name].forEach(function (id) {
            svg.querySelectorAll('[id^="t:' + CSS.escape(id) + '"]').forEach(function (el) {
              if (el.id === 't:' + id || el.id.indexOf('t:' + id + ':') === 0) el.classList.add('taken');
            });
          });
        }
      });
      root.querySelectorAll('.sequence .row').forEach(function (row) {
        var at = Number(row.getAttribute('data-step'));
        row.classList.toggle('current', at === current);
        row.classList.toggle('later', at > current);
      });
      if (trace.counterpart) {
        var other = trace.counterpart.states[current];
        root.querySelector('.counterpart .states').innerHTML = other === null
          ? '<em>this step is not possible in ' + esc(trace.counterpart.title) + '</em>'
          : trace.actors.map(function (a) { return '<div><b>' + esc(a.title) + ':</b> ' + esc(other[a.name]) + '</div>'; }).join('');
      }
    }
    root.querySelector('.prev').addEventListener('click', function () { active = stepper; render(current - 1); });
    root.querySelector('.next').addEventListener('click', function () { active = stepper; render(current + 1); });
    slider.addEventListener('input', function () { active = stepper; render(Number(slider.value)); });
    var stepper = { render: function (delta) { render(current + delta); } };
    root.addEventListener('click', function () { active = stepper; });
    if (active === null) active = stepper;
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
  const sequence = trace.steps
    .map((step, i) => {
      const lane = (name: string) => trace.actors.findIndex((a) => a.name === name);
      const note = `<div class="row note" data-step="${i}"><span>${i}</span><span>${escapeHtml(step.label)}</span><span></span><span></span></div>`;
      const arrows = step.messages.map(([from, to, text, ignored]) => {
        const columns = ['', '', ''];
        const left = lane(from) < lane(to);
        const arrow = `${left ? '' : '◀ '}${escapeHtml(text)}${ignored ? ' <span class="ignored">(ignored)</span>' : ''}${left ? ' ▶' : ''}`;
        columns[Math.min(lane(from), lane(to))] = `${escapeHtml(trace.actors[lane(from)]!.title)} → ${escapeHtml(trace.actors[lane(to)]!.title)}: ${arrow}`;
        return `<div class="row" data-step="${i}"><span></span>${columns.map((c) => `<span>${c}</span>`).join('')}</div>`;
      });
      return [note, ...arrows].join('');
    })
    .join('\n');
  const last = trace.steps.length - 1;
  return `
<section class="trace" id="${trace.anchor}">
  <h2>${escapeHtml(trace.title)}</h2>
  <div class="controls">
    <button class="prev" type="button">◀ previous</button>
    <input class="slider" type="range" min="0" max="${last}" value="0" aria-label="step">
    <button class="next" type="button">next ▶</button>
    <span class="position"></span>
  </div>
  <div class="step-label"></div>
  <div class="panes">${trace.actors.map((a) => `<div class="actor" data-actor="${a.name}"><h4>${escapeHtml(a.title)}</h4><div class="state"></div></div>`).join('')}</div>
  ${trace.counterpart ? `<div class="counterpart"><h4>The same steps in ${escapeHtml(trace.counterpart.title)}</h4><div class="states"></div></div>` : ''}
  <div class="sequence">${sequence}</div>
  <div class="charts">${trace.actors
    .filter((a) => a.chart !== 'channel')
    .map((a) => `<figure data-actor="${a.name}"><figcaption>${escapeHtml(a.title)}: current state highlighted, transitions taken so far in blue</figcaption></figure>`)
    .join('')}</div>
</section>`;
}

export function reportHtml(
  suite: Suite,
  outcomes: readonly RunOutcome[],
  charts: readonly { name: string; svg: string }[],
  counterpartOf: (run: RunSpec) => RunSpec | null,
): string {
  const traces: TraceData[] = [];
  for (const outcome of outcomes) {
    const counterpart = counterpartOf(outcome.spec);
    const { spec } = outcome;
    for (const result of outcome.results) {
      if (result.counterexample) {
        const title = `${spec.id}: “${result.name}” fails (${result.counterexample.steps.length} steps)`;
        traces.push(traceData(outcome, `${anchorOf(spec.section, result.name)}-${spec.group}`, title, result.counterexample, counterpart));
      }
      if (result.illustration) {
        const { name, trace } = result.illustration;
        const title = `${spec.id}: “${result.name}” fails, ${name} (${trace.steps.length} steps)`;
        traces.push(traceData(outcome, `${anchorOf(spec.section, `${result.name} ${name}`)}-${spec.group}`, title, trace, counterpart));
      }
    }
  }
  // The suite's featured counterexample (the one shaped like the field report when there is
  // one) comes first, and the page says so before the verdicts.
  const featuredAnchor = featuredCounterexample(suite, outcomes)?.anchor;
  const featuredAt = traces.findIndex((t) => t.anchor === featuredAnchor);
  if (featuredAt > 0) traces.unshift(...traces.splice(featuredAt, 1));
  const featuredLine = featuredAt >= 0 ? `<p>Featured, first below: <a href="#${traces[0]!.anchor}">${escapeHtml(traces[0]!.title)}</a>.</p>` : '';
  const json = JSON.stringify({ traces }).replace(/</g, '\\u003c');
  const templates = charts.map(({ name, svg }) => `<template id="chart-${name}">${svg.replace(/<\?xml[^>]*>\s*/, '').replace(/<!DOCTYPE[^>]*>\s*/, '')}</template>`);
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
<h1>${escapeHtml(suite.title)}: verification report</h1>
${suite.introduction.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${featuredLine}
<p>Each counterexample below has a stepper: previous / next, the slider, or the ← → keys (on the stepper last clicked).</p>
<h2>Verdicts</h2>
${summaryHtml(outcomes)}
${traces.map(traceSection).join('\n')}
${templates.join('\n')}
<script id="report-data" type="application/json">${json}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
