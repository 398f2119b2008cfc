// A connector's offsets (GET /connectors/{c}/offsets); when it is STOPPED, reset them all (DELETE) or alter some
// (PATCH with {"offsets": [...]}, a null offset resets that partition), as KIP-875 allows.
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { api } from './api.js';

const html = htm.bind(h);

export function OffsetsPanel({ name, connector, ask, onClose }) {
  const [offsets, setOffsets] = useState(null);
  const [problem, setProblem] = useState(null);
  const [note, setNote] = useState(null);
  const [edit, setEdit] = useState('');
  const stopped = connector && connector.targetState === 'STOPPED';

  const load = () =>
    api.offsets(name).then(
      (o) => {
        setOffsets(o.offsets || []);
        setEdit(JSON.stringify(o.offsets || [], null, 2));
      },
      (e) => setProblem(e.message),
    );
  useEffect(() => {
    load();
  }, [name]);

  const run = async (question, fn) => {
    if (!(await ask(question))) return;
    setProblem(null);
    try {
      const r = await fn();
      setNote((r && r.message) || 'Done');
      await load();
    } catch (e) {
      setProblem(e.message);
    }
  };

  return html`<div class="modal-backdrop">
    <div class="modal offsets" role="dialog" aria-modal="true" aria-label=${`Offsets of ${name}`}>
      <h2>Offsets of ${name}</h2>
      ${offsets === null
        ? html`<p class="muted">Loading…</p>`
        : offsets.length === 0
          ? html`<p class="muted">No offsets committed.</p>`
          : html`<table class="offsets-table">
              <thead><tr><th>Partition</th><th>Offset</th></tr></thead>
              <tbody>${offsets.map((o, i) => html`<tr key=${i}><td><code>${JSON.stringify(o.partition)}</code></td><td><code>${JSON.stringify(o.offset)}</code></td></tr>`)}</tbody>
            </table>`}
      ${stopped
        ? html`<label class="field">Alter (a list of {"partition", "offset"}; a null offset resets that partition)
              <textarea rows="6" spellcheck="false" value=${edit} onInput=${(e) => setEdit(e.target.value)}></textarea>
            </label>
            <div class="actions">
              <button onClick=${() => run(`Alter the offsets of ${name}?`, () => api.alterOffsets(name, JSON.parse(edit)))}>Alter offsets</button>
              <button class="danger" onClick=${() => run(`Reset every offset of ${name}?`, () => api.resetOffsets(name))}>Reset offsets</button>
            </div>`
        : html`<p class="muted">Stop the connector to alter or reset its offsets.</p>`}
      ${note ? html`<p class="message ok" role="status">${note}</p>` : null}
      ${problem ? html`<p class="message error" role="alert">${problem}</p>` : null}
      <div class="actions"><button onClick=${onClose}>Close</button></div>
    </div>
  </div>`;
}
