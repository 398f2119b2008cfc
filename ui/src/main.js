// The dashboard: one page, one Server-Sent Events stream (/ui/api/events) that pushes the worker's snapshot;
// actions call the Kafka Connect REST API and the next snapshot shows their effect.
import { h, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { api } from './api.js';
import { ConnectorEditor } from './editor.js';
import { OffsetsPanel } from './offsets.js';
import { fmtCount, fmtRate, fmtTime } from './format.js';

const html = htm.bind(h);

/** The live snapshot and whether the stream is connected. */
function useSnapshot() {
  const [snapshot, setSnapshot] = useState(null);
  const [live, setLive] = useState(false);
  useEffect(() => {
    const source = new EventSource('api/events');
    source.addEventListener('state', (e) => {
      setSnapshot(JSON.parse(e.data));
      setLive(true);
    });
    source.onerror = () => setLive(false);
    return () => source.close();
  }, []);
  return [snapshot, live];
}

function StateBadge({ state }) {
  return html`<span class=${`badge state-${String(state || 'unknown').toLowerCase()}`}>${state || '?'}</span>`;
}

function RestartPolicy({ restart }) {
  if (!restart) return null;
  const next = restart.next_attempt_at ? `, next attempt ${fmtTime(restart.next_attempt_at)}` : '';
  return html`<span class="restart" title="restart policy">${restart.policy}: ${restart.restarts} restart(s)${restart.exhausted ? ', exhausted' : ''}${next}</span>`;
}

function Trace({ trace, label }) {
  if (!trace) return null;
  return html`<details class="trace" open>
    <summary>${label}</summary>
    <pre>${trace}</pre>
  </details>`;
}

function Cluster({ cluster }) {
  if (!cluster) return null;
  return html`<section class="panel cluster">
    <h2>Cluster <span class="muted">group ${cluster.groupId}, generation ${cluster.generation}, leader ${cluster.leader || 'none'}</span></h2>
    <table class="members">
      <thead><tr><th>Worker</th><th>URL</th><th>Role</th><th>Connectors</th><th>Tasks</th></tr></thead>
      <tbody>
        ${cluster.members.map(
          (m) => html`<tr key=${m.workerId} data-worker=${m.workerId}>
            <td>${m.workerId}${m.self ? html` <span class="badge self">this worker</span>` : null}</td>
            <td>${m.url}</td>
            <td>${m.leader ? html`<span class="badge leader">leader</span>` : 'member'}</td>
            <td>${m.connectors.join(', ') || '—'}</td>
            <td>${m.tasks.join(', ') || '—'}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    ${cluster.delayed.length > 0
      ? html`<p class="muted">Held for departed workers: ${cluster.delayed.map((d) => `${d.member} (${[...d.connectors, ...d.tasks].join(', ')}) until ${fmtTime(d.deadline)}`).join('; ')}</p>`
      : null}
  </section>`;
}

function Figures({ type, f, elsewhere }) {
  if (!f) return html`<td colspan="5" class="muted">${elsewhere ? `figures on ${elsewhere}` : '—'}</td>`;
  const [inName, outName] = type === 'sink' ? ['read', 'put'] : ['polled', 'acked'];
  return html`
    <td class="num">${fmtRate(f.readRate)} / ${fmtRate(f.writtenRate)}</td>
    <td class="num" title=${`${inName} vs ${outName}`}>${fmtCount(f.read)} ${inName} / ${fmtCount(f.written)} ${outName}</td>
    <td class="num lag" title=${type === 'sink' ? 'records behind the partitions\u2019 ends' : 'polled, not yet acknowledged'}>
      ${fmtCount(f.lag)}
      ${f.partitions.length > 0
        ? html`<ul class="partitions">${f.partitions.map((l) => html`<li key=${`${l.topic}-${l.partition}`} data-partition=${`${l.topic}-${l.partition}`}>${l.topic}-${l.partition}: ${fmtCount(l.lag)}</li>`)}</ul>`
        : null}
    </td>
    <td class="num">${fmtCount(f.errors)}${f.skipped ? ` (${fmtCount(f.skipped)} skipped)` : ''}</td>
    <td class="num">${fmtCount(f.dlqRequests)}${f.dlqFailures ? ` (${fmtCount(f.dlqFailures)} failed)` : ''}</td>`;
}

function Tasks({ connector, act, self }) {
  if (connector.tasks.length === 0) return html`<p class="muted">No tasks.</p>`;
  return html`<table class="tasks">
    <thead><tr><th>Task</th><th>State</th><th>Worker</th><th>Records/s in / out</th><th>Records</th><th>Lag</th><th>Errors</th><th>DLQ</th><th></th></tr></thead>
    <tbody>
      ${connector.tasks.map(
        (t) => html`<tr key=${t.id} class="task" data-task=${t.id}>
            <td>${connector.name}-${t.id}</td>
            <td><${StateBadge} state=${t.state} /> <${RestartPolicy} restart=${t.restart} /></td>
            <td>${t.workerId}</td>
            <${Figures} type=${connector.type} f=${t.figures} elsewhere=${t.workerId && t.workerId !== self ? t.workerId : null} />
            <td><button class="small" onClick=${() => act('restart', connector.name, () => api.restartTask(connector.name, t.id), `task ${t.id} of`)}>Restart</button></td>
          </tr>
          ${t.trace ? html`<tr class="trace-row"><td colspan="9"><${Trace} trace=${t.trace} label=${`Last failure of task ${t.id}`} /></td></tr>` : null}`,
      )}
    </tbody>
  </table>`;
}

function Connector({ connector, act, edit, offsets, self }) {
  const c = connector;
  const paused = c.targetState === 'PAUSED';
  const stopped = c.targetState === 'STOPPED';
  return html`<section class="panel connector" data-connector=${c.name}>
    <header>
      <h3>${c.name}</h3>
      <${StateBadge} state=${c.state} />
      ${c.targetState && c.targetState !== c.state ? html`<span class="muted">target ${c.targetState}</span>` : null}
      <${RestartPolicy} restart=${c.restart} />
      <span class="muted cls">${c.type} · ${c.className} · on ${c.workerId || '—'}</span>
    </header>
    <div class="actions">
      ${paused || stopped
        ? html`<button onClick=${() => act('resume', c.name, () => api.resume(c.name))}>Resume</button>`
        : html`<button onClick=${() => act('pause', c.name, () => api.pause(c.name))}>Pause</button>`}
      ${stopped ? null : html`<button onClick=${() => act('stop', c.name, () => api.stop(c.name))}>Stop</button>`}
      <button onClick=${() => act('restart', c.name, () => api.restart(c.name))}>Restart</button>
      <button onClick=${() => edit(c.name)}>Edit config</button>
      <button onClick=${() => offsets(c.name)}>Offsets</button>
      <button class="danger" onClick=${() => act('delete', c.name, () => api.remove(c.name))}>Delete</button>
    </div>
    <${Trace} trace=${c.trace} label="Last failure of the connector" />
    <${Tasks} connector=${c} act=${act} self=${self} />
  </section>`;
}

/** A confirmation dialog: resolves the pending action on Confirm. */
function Confirm({ pending, onDone }) {
  if (!pending) return null;
  return html`<div class="modal-backdrop">
    <div class="modal confirm" role="dialog" aria-modal="true">
      <p>${pending.question}</p>
      <div class="actions">
        <button class="primary" onClick=${() => onDone(true)}>Confirm</button>
        <button onClick=${() => onDone(false)}>Cancel</button>
      </div>
    </div>
  </div>`;
}

function App() {
  const [snapshot, live] = useSnapshot();
  const [pending, setPending] = useState(null);
  const [message, setMessage] = useState(null);
  const [editing, setEditing] = useState(null); // { name: string | null }
  const [offsetsOf, setOffsetsOf] = useState(null);

  const act = (verb, name, run, prefix = '') =>
    setPending({ question: `${verb[0].toUpperCase()}${verb.slice(1)} ${prefix ? `${prefix} ` : ''}connector ${name}?`, verb, name, run });

  const onConfirm = async (ok) => {
    const p = pending;
    setPending(null);
    if (p && p.resolve) return p.resolve(ok);
    if (!ok || !p) return;
    try {
      await p.run();
      setMessage({ kind: 'ok', text: `${p.verb}: ${p.name} — done` });
    } catch (e) {
      setMessage({ kind: 'error', text: `${p.verb} ${p.name} failed: ${e.message}` });
    }
  };

  const ask = (question) => new Promise((resolve) => setPending({ question, resolve }));

  return html`<div class="page">
    <header class="top">
      <h1>Sluice</h1>
      ${snapshot
        ? html`<span class="muted">worker ${snapshot.worker.id} · ${snapshot.worker.mode} · ${snapshot.worker.version}</span>`
        : null}
      <span class=${`live ${live ? 'on' : 'off'}`}>${live ? 'live' : 'reconnecting…'}</span>
      <button class="primary" onClick=${() => setEditing({ name: null })}>New connector</button>
    </header>
    ${message
      ? html`<div class=${`message ${message.kind}`} role="status">${message.text} <button class="small" onClick=${() => setMessage(null)}>×</button></div>`
      : null}
    ${editing ? html`<${ConnectorEditor} name=${editing.name} onClose=${() => setEditing(null)} onDone=${(text) => { setEditing(null); setMessage({ kind: 'ok', text }); }} />` : null}
    ${offsetsOf
      ? html`<${OffsetsPanel} name=${offsetsOf} connector=${snapshot && snapshot.connectors.find((c) => c.name === offsetsOf)} ask=${ask} onClose=${() => setOffsetsOf(null)} />`
      : null}
    ${snapshot ? html`<${Cluster} cluster=${snapshot.cluster} />` : null}
    ${snapshot
      ? snapshot.connectors.length === 0
        ? html`<p class="muted empty">No connectors yet.</p>`
        : snapshot.connectors.map(
            (c) => html`<${Connector} key=${c.name} connector=${c} self=${snapshot.worker.id} act=${act} edit=${(name) => setEditing({ name })} offsets=${setOffsetsOf} />`,
          )
      : html`<p class="loading">Waiting for the worker…</p>`}
    <${Confirm} pending=${pending} onDone=${onConfirm} />
  </div>`;
}

const root = document.getElementById('app');
root.textContent = ''; // the static "Loading…" line
render(html`<${App} />`, root);
