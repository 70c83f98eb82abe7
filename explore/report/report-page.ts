// How report.html looks and moves in the browser: its style sheet and its one script, kept
// apart from html-report.ts (what the page holds). The script reads the page data (a table of
// distinct values and steps, see html-report.ts) and, for each counterexample, keeps its panes
// on the stepper's step: the message sequence chart's band (highlighted and scrolled into view
// inside the chart's own box, not the page), the facts beside the counterpart's, and the charts
// (active states, transitions taken, the region the step acted in). Plain ES5 in a string: the
// page must run from file:// with nothing loaded.

export const PAGE_STYLE = `
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

export const PAGE_SCRIPT = `
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
