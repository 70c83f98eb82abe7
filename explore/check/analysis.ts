// Stage 2 of 4, check/: what the search means. Given an Exploration and a run's properties
// (run-spec.ts), it gives verdicts and shortest counterexamples (this file), replays each
// through real actors (replay.ts), measures transition coverage (coverage.ts), and puts one
// run together (pipeline.ts) into a RunOutcome (outcome.ts) compared with the manifest.
//
// Verdicts for a model's properties over an explored graph, each with its shortest (or, for
// liveness, a short) counterexample.
//
// Fairness, exactly: a path is fair when
//   - every step that is not unforced (protocol, user and workaround steps), once enabled in
//     all but finitely many of its states, is taken infinitely often, per fairness key (weak
//     fairness; so users do submit every message of the bound, and the acceptor does answer);
//   - it takes only finitely many unforced steps (faults and choices), and none is ever forced.
// So a fair path may end only in a state where no step but unforced ones is possible, and a
// fair cycle contains no unforced step. The acceptor's choice among its answers is not constrained.

import type { Exploration } from '../engine/explore';
import { isUnforced, type LeadsToProperty, type NoDeadlockProperty, type Property, type Stage, type StateView, type StepKind } from '../engine/model';

export type Verdict = 'pass' | 'FAIL' | 'inconclusive' | 'n/a' | 'vacuous';

/** A path of states from the initial state; steps[i] leads from states[i] to states[i + 1]. */
export interface Trace {
  readonly states: readonly number[];
  readonly steps: readonly number[];
  /** For a lasso: the index in `states` where the repeated cycle begins (the last state equals it). */
  readonly loopStart?: number;
  /** What the last state shows, in words. */
  readonly ending: string;
}

export interface PropertyResult {
  readonly name: string;
  readonly kind: Property['kind'];
  readonly verdict: Verdict;
  readonly counterexample?: Trace;
  /** For sometimes: a shortest witness, showing the check is not empty. */
  readonly witness?: Trace;
  /** When the property fails and declares a scenario: the shortest counterexample through it. */
  readonly illustration?: { readonly name: string; readonly trace: Trace };
  readonly note?: string;
}

export function pathTo(exploration: Exploration, state: number): { states: number[]; steps: number[] } {
  const states: number[] = [];
  const steps: number[] = [];
  for (let s = state; s >= 0; s = exploration.parent[s]!) {
    states.push(s);
    if (exploration.parent[s]! >= 0) steps.push(exploration.parentStep[s]!);
  }
  return { states: states.reverse(), steps: steps.reverse() };
}

export function successorsOf(exploration: Exploration, state: number): { target: number; step: number }[] {
  const out: { target: number; step: number }[] = [];
  if (state >= exploration.expanded) return out;
  for (let e = exploration.edgeStart[state]!; e < exploration.edgeStart[state + 1]!; e++) {
    out.push({ target: exploration.edgeTarget[e]!, step: exploration.edgeStep[e]! });
  }
  return out;
}

function isTerminal(exploration: Exploration, state: number): boolean {
  return state < exploration.expanded && exploration.edgeStart[state] === exploration.edgeStart[state + 1];
}

/** No step but unforced ones (faults, choices) is possible here: the system cannot move by itself. */
function isStuck(exploration: Exploration, state: number): boolean {
  return state < exploration.expanded && successorsOf(exploration, state).every(({ step }) => isUnforced(exploration.steps[step]!.kind));
}

/** Extends a path by a shortest walk (through `allowed` states and edges) to a state where `stop` holds. */
function extendTo(
  exploration: Exploration,
  path: { states: number[]; steps: number[] },
  stop: (state: number) => boolean,
  allowedEdge: (step: number, target: number) => boolean,
): { states: number[]; steps: number[] } | null {
  const start = path.states[path.states.length - 1]!;
  const previous = new Map<number, { from: number; step: number }>([[start, { from: -1, step: -1 }]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    if (stop(state)) {
      const tail: { state: number; step: number }[] = [];
      for (let s = state; s !== start; s = previous.get(s)!.from) tail.push({ state: s, step: previous.get(s)!.step });
      tail.reverse();
      return { states: [...path.states, ...tail.map((t) => t.state)], steps: [...path.steps, ...tail.map((t) => t.step)] };
    }
    for (const { target, step } of successorsOf(exploration, state)) {
      if (previous.has(target) || !allowedEdge(step, target)) continue;
      previous.set(target, { from: state, step });
      queue.push(target);
    }
  }
  return null;
}

function analyseAlways(exploration: Exploration, holds: (view: StateView) => boolean): Pick<PropertyResult, 'verdict' | 'counterexample'> {
  // States are numbered in breadth-first order, so the first violation is a shortest one.
  for (let s = 0; s < exploration.stateCount; s++) {
    if (!holds(exploration.view(s))) {
      return { verdict: 'FAIL', counterexample: { ...pathTo(exploration, s), ending: 'the property does not hold here' } };
    }
  }
  return { verdict: exploration.complete ? 'pass' : 'inconclusive' };
}

function analyseSometimes(
  exploration: Exploration,
  reached: (view: StateView, previous: StateView | null) => boolean,
): Pick<PropertyResult, 'verdict' | 'witness'> {
  if (reached(exploration.view(0), null)) return { verdict: 'pass', witness: { ...pathTo(exploration, 0), ending: 'reached' } };
  // Breadth-first over edges: the first witness found has the shortest path to its source.
  for (let s = 0; s < exploration.expanded; s++) {
    const view = exploration.view(s);
    for (const { target, step } of successorsOf(exploration, s)) {
      if (reached(exploration.view(target), view)) {
        const path = pathTo(exploration, s);
        return { verdict: 'pass', witness: { states: [...path.states, target], steps: [...path.steps, step], ending: 'reached' } };
      }
    }
  }
  return { verdict: exploration.complete ? 'FAIL' : 'inconclusive' };
}

/**
 * A shortest path from the initial state that passes through the stages in order (each stage
 * a step that has to happen; other steps may come in between, and one step may complete
 * several stages) and then, with every stage done, ends in a state where `target` holds.
 * Breadth-first over (state, stages done).
 */
export function shortestPathThrough(
  exploration: Exploration,
  stages: readonly Stage[],
  target: (state: number) => boolean,
): { states: number[]; steps: number[] } | null {
  const width = stages.length + 1;
  const previous = new Map<number, { from: number; step: number }>([[0, { from: -1, step: -1 }]]);
  const queue = [0];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    const state = Math.floor(node / width);
    const done = node % width;
    if (done === stages.length && target(state)) {
      const states: number[] = [];
      const steps: number[] = [];
      for (let n = node; n >= 0; n = previous.get(n)!.from) {
        states.push(Math.floor(n / width));
        if (previous.get(n)!.from >= 0) steps.push(previous.get(n)!.step);
      }
      return { states: states.reverse(), steps: steps.reverse() };
    }
    const view = done < stages.length ? exploration.view(state) : null;
    for (const { target: next, step } of successorsOf(exploration, state)) {
      // One step may complete several stages in a row.
      let advanced = done;
      if (view !== null) {
        const nextView = exploration.view(next);
        while (advanced < stages.length && stages[advanced]!(nextView, view)) advanced++;
      }
      const nextNode = next * width + advanced;
      if (previous.has(nextNode)) continue;
      previous.set(nextNode, { from: node, step });
      queue.push(nextNode);
    }
  }
  return null;
}

/** Backward reachability: which states can still reach a state where `goal` holds. */
function canReach(exploration: Exploration, goal: (state: number) => boolean): Uint8Array {
  const n = exploration.stateCount;
  const inDegree = new Int32Array(n + 1);
  for (let e = 0; e < exploration.edgeTarget.length; e++) inDegree[exploration.edgeTarget[e]! + 1]!++;
  for (let s = 0; s < n; s++) inDegree[s + 1]! += inDegree[s]!;
  const reverseStart = inDegree;
  const fill = reverseStart.slice();
  const reverseSource = new Int32Array(exploration.edgeTarget.length);
  for (let s = 0; s < exploration.expanded; s++) {
    for (let e = exploration.edgeStart[s]!; e < exploration.edgeStart[s + 1]!; e++) {
      reverseSource[fill[exploration.edgeTarget[e]!]!++] = s;
    }
  }
  const marked = new Uint8Array(n);
  const queue: number[] = [];
  for (let s = 0; s < n; s++) {
    if (goal(s)) {
      marked[s] = 1;
      queue.push(s);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head]!;
    for (let r = reverseStart[s]!; r < reverseStart[s + 1]!; r++) {
      const source = reverseSource[r]!;
      if (!marked[source]) {
        marked[source] = 1;
        queue.push(source);
      }
    }
  }
  return marked;
}

/** States that violate "no deadlock" by themselves: stuck and not a valid end, or (complete runs) with no way to the goal. */
function deadlockedStates(exploration: Exploration, property: NoDeadlockProperty): (state: number) => boolean {
  const hopeful = exploration.complete ? canReach(exploration, (s) => property.goal(exploration.view(s))) : null;
  return (s) => (hopeful !== null && hopeful[s] === 0) || (isStuck(exploration, s) && !exploration.model.isValidEndState(exploration.view(s)));
}

function analyseNoDeadlock(exploration: Exploration, property: NoDeadlockProperty): Pick<PropertyResult, 'verdict' | 'counterexample'> {
  const model = exploration.model;
  let stuck = -1;
  for (let s = 0; s < exploration.expanded && stuck < 0; s++) {
    if (isStuck(exploration, s) && !model.isValidEndState(exploration.view(s))) stuck = s;
  }
  let doomed = -1;
  if (exploration.complete) {
    const hopeful = canReach(exploration, (s) => property.goal(exploration.view(s)));
    doomed = hopeful.indexOf(0);
  }
  if (doomed >= 0 && (stuck < 0 || exploration.depth[doomed]! <= exploration.depth[stuck]!)) {
    // Show the way on from the first state with no way back to the goal, to where it gets stuck.
    const path = extendTo(exploration, pathTo(exploration, doomed), (s) => isStuck(exploration, s), (step) => !isUnforced(exploration.steps[step]!.kind));
    return {
      verdict: 'FAIL',
      counterexample: {
        ...(path ?? pathTo(exploration, doomed)),
        ending: path
          ? `from step ${exploration.depth[doomed]} on no goal state is reachable; here nothing but a fault or an optional move can happen`
          : `from step ${exploration.depth[doomed]} on no goal state is reachable`,
      },
    };
  }
  if (stuck >= 0) {
    return { verdict: 'FAIL', counterexample: { ...pathTo(exploration, stuck), ending: 'nothing but a fault or an optional move can happen, and this is not a valid end state' } };
  }
  return { verdict: exploration.complete ? 'pass' : 'inconclusive' };
}

/** Strongly connected components (iterative Tarjan) of the subgraph given by `inside` and `edgeAllowed`. */
function stronglyConnectedComponents(
  exploration: Exploration,
  inside: Uint8Array,
  edgeAllowed: (step: number) => boolean,
): number[][] {
  const n = exploration.stateCount;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (!inside[root] || index[root] !== -1) continue;
    const work: { state: number; edge: number }[] = [{ state: root, edge: -1 }];
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const s = frame.state;
      if (frame.edge === -1) {
        index[s] = low[s] = counter++;
        stack.push(s);
        onStack[s] = 1;
        frame.edge = s < exploration.expanded ? exploration.edgeStart[s]! : 0;
      }
      const end = s < exploration.expanded ? exploration.edgeStart[s + 1]! : 0;
      let descended = false;
      while (frame.edge < end) {
        const e = frame.edge++;
        const t = exploration.edgeTarget[e]!;
        if (!inside[t] || !edgeAllowed(exploration.edgeStep[e]!)) continue;
        if (index[t] === -1) {
          work.push({ state: t, edge: -1 });
          descended = true;
          break;
        }
        if (onStack[t]) low[s] = Math.min(low[s]!, index[t]!);
      }
      if (descended) continue;
      work.pop();
      if (work.length > 0) {
        const up = work[work.length - 1]!.state;
        low[up] = Math.min(low[up]!, low[s]!);
      }
      if (low[s] === index[s]) {
        const component: number[] = [];
        let t: number;
        do {
          t = stack.pop()!;
          onStack[t] = 0;
          component.push(t);
        } while (t !== s);
        components.push(component);
      }
    }
  }
  return components;
}

function analyseLeadsTo(exploration: Exploration, property: LeadsToProperty): Pick<PropertyResult, 'verdict' | 'counterexample' | 'note'> {
  if (!exploration.complete) return { verdict: 'inconclusive' };
  const n = exploration.stateCount;
  const steps = exploration.steps;
  const excluded = new Set<StepKind>(property.withoutStepKinds ?? []);
  const stepAllowed = (step: number) => !excluded.has(steps[step]!.kind);
  const goal = new Uint8Array(n);
  const failure = new Uint8Array(n);
  const sources: number[] = [];
  for (let s = 0; s < n; s++) {
    const view = exploration.view(s);
    if (property.to(view)) goal[s] = 1;
    else {
      if (property.failure?.(view)) failure[s] = 1;
      if (property.from(view, s === 0)) sources.push(s);
    }
  }
  if (sources.length === 0) return { verdict: 'vacuous', note: 'no reachable state where the premise holds' };

  // H: the non-goal states reachable from a source without an excluded step; breadth-first
  // from the sources in order of depth, so the first violation found has a short path.
  sources.sort((x, y) => exploration.depth[x]! - exploration.depth[y]! || x - y);
  const inH = new Uint8Array(n);
  const hParent = new Int32Array(n).fill(-1);
  const hStep = new Int32Array(n).fill(-1);
  const queue: number[] = [];
  for (const s of sources) {
    inH[s] = 1;
    queue.push(s);
  }
  const traceTo = (state: number, ending: string, loopStart?: number): Trace => {
    const tail: { state: number; step: number }[] = [];
    let s = state;
    for (; hParent[s]! >= 0; s = hParent[s]!) tail.push({ state: s, step: hStep[s]! });
    tail.reverse();
    const prefix = pathTo(exploration, s);
    const trace: Trace = {
      states: [...prefix.states, ...tail.map((t) => t.state)],
      steps: [...prefix.steps, ...tail.map((t) => t.step)],
      ending,
    };
    return loopStart === undefined ? trace : { ...trace, loopStart };
  };
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head]!;
    if (failure[s]) return { verdict: 'FAIL', counterexample: traceTo(s, 'the failure state is reached before the goal') };
    const next = successorsOf(exploration, s).filter(({ step }) => stepAllowed(step));
    if (next.every(({ step }) => isUnforced(steps[step]!.kind))) {
      const reason = next.length > 0 ? 'nothing but a fault or an optional move can happen' : isTerminal(exploration, s) ? 'no step is possible' : 'only excluded steps are possible';
      return { verdict: 'FAIL', counterexample: traceTo(s, `the goal was not reached and ${reason}`) };
    }
    for (const { target, step } of next) {
      if (goal[target] || inH[target]) continue;
      inH[target] = 1;
      hParent[target] = s;
      hStep[target] = step;
      queue.push(target);
    }
  }

  // A fair cycle inside H never reaches the goal. Faults cannot repeat forever, so a fair
  // cycle uses no unforced step (nor an excluded one).
  const cycleEdge = (step: number) => stepAllowed(step) && !isUnforced(steps[step]!.kind);
  for (const component of stronglyConnectedComponents(exploration, inH, cycleEdge)) {
    if (component.length < 2) continue;
    const members = new Set(component);
    if (!isWeaklyFair(exploration, members, stepAllowed)) continue;
    // Enter the cycle where the search first reached it.
    const entry = component.reduce((best, s) => (queue.indexOf(s) < queue.indexOf(best) ? s : best));
    const prefix = traceTo(entry, '');
    const cycle = closeCycle(exploration, entry, members, cycleEdge);
    return {
      verdict: 'FAIL',
      counterexample: {
        states: [...prefix.states, ...cycle.states.slice(1)],
        steps: [...prefix.steps, ...cycle.steps],
        loopStart: prefix.states.length - 1,
        ending: `a fair cycle (in a strongly connected set of ${component.length} states) that never reaches the goal`,
      },
    };
  }
  return { verdict: 'pass' };
}

/** A shortest walk from `entry` back to `entry` inside `members`. */
function closeCycle(
  exploration: Exploration,
  entry: number,
  members: Set<number>,
  edgeAllowed: (step: number) => boolean,
): { states: number[]; steps: number[] } {
  const previous = new Map<number, { from: number; step: number }>();
  const queue = [entry];
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head]!;
    for (const { target, step } of successorsOf(exploration, s)) {
      if (!members.has(target) || !edgeAllowed(step)) continue;
      if (target === entry) {
        const walk: { state: number; step: number }[] = [{ state: entry, step }];
        for (let t = s; t !== entry; t = previous.get(t)!.from) walk.push({ state: t, step: previous.get(t)!.step });
        walk.reverse();
        return { states: [entry, ...walk.map((w) => w.state)], steps: walk.map((w) => w.step) };
      }
      if (previous.has(target)) continue;
      previous.set(target, { from: s, step });
      queue.push(target);
    }
  }
  throw new Error('closeCycle: no cycle through the entry of a strongly connected component (checker bug)');
}

/**
 * Weak fairness of a strongly connected set, for the path that visits all of it forever:
 * every fairness key of a forced step enabled in all of its states must be taken inside it.
 */
function isWeaklyFair(exploration: Exploration, members: Set<number>, stepAllowed: (step: number) => boolean): boolean {
  const steps = exploration.steps;
  let enabledEverywhere: Set<string> | undefined;
  const takenInside = new Set<string>();
  for (const s of members) {
    const enabledHere = new Set<string>();
    for (const { target, step } of successorsOf(exploration, s)) {
      const info = steps[step]!;
      if (isUnforced(info.kind) || !stepAllowed(step)) continue;
      enabledHere.add(info.fairnessKey);
      if (members.has(target)) takenInside.add(info.fairnessKey);
    }
    const before: Set<string> | undefined = enabledEverywhere;
    enabledEverywhere = before === undefined ? enabledHere : new Set([...before].filter((key) => enabledHere.has(key)));
  }
  return [...(enabledEverywhere ?? new Set<string>())].every((key) => takenInside.has(key));
}

/** A path through the stages of a sometimes check, to show it is reached. */
function analyseStages(exploration: Exploration, stages: readonly Stage[]): Pick<PropertyResult, 'verdict' | 'witness'> {
  const path = shortestPathThrough(exploration, stages, () => true);
  if (path !== null) return { verdict: 'pass', witness: { ...path, ending: 'reached' } };
  return { verdict: exploration.complete ? 'FAIL' : 'inconclusive' };
}

/** For a failed property with a scenario: the shortest counterexample that passes through it. */
function illustrate(exploration: Exploration, property: Property, result: PropertyResult): PropertyResult {
  const scenario = property.illustration;
  if (scenario === undefined || result.verdict !== 'FAIL') return result;
  let trace: Trace | null = null;
  if (property.kind === 'always') {
    const path = shortestPathThrough(exploration, scenario.stages, (s) => !property.holds(exploration.view(s)));
    if (path) trace = { ...path, ending: 'the property does not hold here' };
  } else if (property.kind === 'noDeadlock') {
    const path = shortestPathThrough(exploration, scenario.stages, deadlockedStates(exploration, property));
    if (path) {
      const stuck = extendTo(exploration, path, (s) => isStuck(exploration, s), (step) => !isUnforced(exploration.steps[step]!.kind));
      trace = { ...(stuck ?? path), ending: `after the scenario no goal state is reachable${stuck ? '; here nothing but a fault or an optional move can happen' : ''}` };
    }
  }
  return trace === null ? { ...result, note: `no counterexample ${scenario.name}` } : { ...result, illustration: { name: scenario.name, trace } };
}

export function analyse(exploration: Exploration, properties: readonly Property[]): PropertyResult[] {
  return properties.map((property): PropertyResult => {
    const base = { name: property.name, kind: property.kind };
    if (property.notApplicableBecause !== undefined) return { ...base, verdict: 'n/a', note: property.notApplicableBecause };
    switch (property.kind) {
      case 'always':
        return illustrate(exploration, property, { ...base, ...analyseAlways(exploration, (view) => property.holds(view)) });
      case 'sometimes':
        if (property.stages !== undefined) return { ...base, ...analyseStages(exploration, property.stages) };
        return { ...base, ...analyseSometimes(exploration, (view, previous) => property.reached(view, previous)) };
      case 'noDeadlock':
        return illustrate(exploration, property, { ...base, ...analyseNoDeadlock(exploration, property) });
      case 'leadsTo':
        return { ...base, ...analyseLeadsTo(exploration, property) };
    }
  });
}

/**
 * Whether a counterexample read from a file shows that `property` fails, decided afresh on the
 * exploration (never taken from the file): the sentence saying what its end shows, or null
 * when it shows nothing. The trace's states and steps must already be a path of the
 * exploration from the initial state.
 */
export function endingShown(exploration: Exploration, property: Property, trace: Trace): string | null {
  const last = trace.states[trace.states.length - 1]!;
  const view = (s: number) => exploration.view(s);
  switch (property.kind) {
    case 'always':
      return property.holds(view(last)) ? null : 'the property does not hold in the last state';
    case 'noDeadlock':
      if (!deadlockedStates(exploration, property)(last)) return null;
      return isStuck(exploration, last) && !exploration.model.isValidEndState(view(last))
        ? 'nothing but a fault or an optional move can happen in the last state, and it is not a valid end state'
        : 'no goal state is reachable from the last state';
    case 'leadsTo': {
      const excluded = new Set<StepKind>(property.withoutStepKinds ?? []);
      const allowed = (step: number) => !excluded.has(exploration.steps[step]!.kind);
      // The premise holds somewhere, and from there on the goal is never reached.
      const premise = trace.states.findIndex((s, i) => property.from(view(s), s === 0 && i === 0) && !property.to(view(s)));
      if (premise < 0) return null;
      const after = trace.states.slice(premise);
      if (after.some((s) => property.to(view(s))) || !trace.steps.slice(premise).every(allowed)) return null;
      if (after.some((s) => property.failure?.(view(s)))) return 'the failure state is reached before the goal';
      if (trace.loopStart === undefined) {
        const next = successorsOf(exploration, last).filter(({ step }) => allowed(step));
        return exploration.complete && last < exploration.expanded && next.every(({ step }) => isUnforced(exploration.steps[step]!.kind))
          ? 'the goal was not reached and nothing but a fault or an optional move can happen'
          : null;
      }
      // A lasso: the loop closes on itself, after the premise, with forced steps only, and is weakly fair.
      const loopStart = trace.loopStart;
      if (loopStart < premise || trace.states[loopStart] !== last || loopStart >= trace.steps.length) return null;
      const loopSteps = trace.steps.slice(loopStart);
      if (loopSteps.some((step) => isUnforced(exploration.steps[step]!.kind))) return null;
      // Weakly fair: every forced step enabled in every state of the loop is taken by the loop itself.
      const taken = new Set(loopSteps.map((step) => exploration.steps[step]!.fairnessKey));
      const enabledThroughout = trace.states.slice(loopStart).map(
        (s) => new Set(successorsOf(exploration, s).filter(({ step }) => allowed(step) && !isUnforced(exploration.steps[step]!.kind)).map(({ step }) => exploration.steps[step]!.fairnessKey)),
      );
      const starved = [...enabledThroughout[0]!].filter((key) => enabledThroughout.every((keys) => keys.has(key)) && !taken.has(key));
      return starved.length === 0 ? 'a fair cycle that never reaches the goal' : null;
    }
    case 'sometimes':
      return null;
  }
}
