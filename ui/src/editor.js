// Create or update a connector: its config as key/value rows (or pasted as JSON), checked with
// PUT /connector-plugins/{class}/config/validate first, each key's errors shown beside it; then POST /connectors
// (create) or PATCH /connectors/{c}/config (update: only what changed; a `[hidden]` secret left as it is stays).
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { api, configPatch, errorsByKey } from './api.js';

const html = htm.bind(h);

const TEMPLATE = { 'connector.class': '', 'tasks.max': '1' };

const toRows = (config) => Object.entries(config).map(([key, value]) => ({ key, value: String(value) }));

function toConfig(rows) {
  const out = {};
  for (const r of rows) if (r.key.trim() !== '') out[r.key.trim()] = r.value;
  return out;
}

/** `{"name": …, "config": {…}}` (what POST /connectors takes) or a bare config object. */
function parseJson(text) {
  const v = JSON.parse(text);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('the JSON must be an object');
  if (typeof v.config === 'object' && v.config !== null) return { name: typeof v.name === 'string' ? v.name : undefined, config: v.config };
  return { name: typeof v.name === 'string' ? v.name : undefined, config: v };
}

export function ConnectorEditor({ name, onClose, onDone }) {
  const creating = name === null;
  const [connName, setConnName] = useState(creating ? '' : name);
  const [rows, setRows] = useState(creating ? toRows(TEMPLATE) : []);
  const [original, setOriginal] = useState(null);
  const [json, setJson] = useState(creating ? JSON.stringify(TEMPLATE, null, 2) : '');
  const [jsonDirty, setJsonDirty] = useState(false);
  const [errors, setErrors] = useState({});
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (creating) return;
    api.shownConfig(name).then(
      (config) => {
        setOriginal(config);
        setRows(toRows(config));
        setJson(JSON.stringify(config, null, 2));
      },
      (e) => setProblem(e.message),
    );
  }, [name]);

  const setRow = (i, field, value) => {
    const next = rows.map((r, j) => (j === i ? { ...r, [field]: value } : r));
    setRows(next);
    setJson(JSON.stringify(toConfig(next), null, 2));
    setJsonDirty(false);
  };

  let currentName = connName.trim();

  /** The rows, after taking in the JSON text if it was edited since. */
  const currentRows = () => {
    if (!jsonDirty) return rows;
    const parsed = parseJson(json);
    const next = toRows(parsed.config);
    if (creating && parsed.name !== undefined && connName.trim() === '') {
      currentName = parsed.name;
      setConnName(parsed.name);
    }
    setRows(next);
    setJsonDirty(false);
    return next;
  };

  /** Validates; returns the config when it has no errors, else shows them (keys missing from the rows added). */
  const validate = async () => {
    setProblem(null);
    let current;
    try {
      current = currentRows();
    } catch (e) {
      setProblem(`Cannot read the JSON: ${e.message}`);
      return null;
    }
    const config = toConfig(current);
    // Validation checks the name too (a required key); it comes from the name field unless the config has one.
    const withName = 'name' in config ? config : { ...config, name: (connName.trim() || currentName) };
    let found;
    try {
      found = errorsByKey(await api.validate(withName));
    } catch (e) {
      found = { 'connector.class': [e.message] };
    }
    setErrors(found);
    const missing = Object.keys(found).filter((k) => !(k in config) && k !== 'name');
    if (missing.length > 0) setRows([...current, ...missing.map((key) => ({ key, value: '' }))]);
    return Object.keys(found).length === 0 ? config : null;
  };

  const save = async () => {
    setBusy(true);
    try {
      const config = await validate();
      if (!config) return;
      if (creating) {
        const n = (connName.trim() || currentName || (config.name ?? '')).trim();
        if (n === '') {
          setProblem('The connector needs a name.');
          return;
        }
        await api.create(n, config);
        onDone(`Connector ${n} created`);
      } else {
        const patch = configPatch(original || {}, config);
        if (Object.keys(patch).length === 0) {
          setProblem('Nothing changed.');
          return;
        }
        await api.patchConfig(name, patch);
        onDone(`Connector ${name} updated`);
      }
    } catch (e) {
      setProblem(e.message);
    } finally {
      setBusy(false);
    }
  };

  return html`<div class="modal-backdrop">
    <div class="modal editor" role="dialog" aria-modal="true" aria-label=${creating ? 'New connector' : `Edit ${name}`}>
      <h2>${creating ? 'New connector' : `Edit ${name}`}</h2>
      <label class="field">Name
        <input id="connector-name" value=${connName} disabled=${!creating} onInput=${(e) => setConnName(e.target.value)} />
        ${errors.name && !rows.some((r) => r.key === 'name') ? html`<span class="errors name-errors">${errors.name.join(' ')}</span>` : null}
      </label>
      <label class="field">Config as JSON (a config object, or <code>{"name", "config"}</code>)
        <textarea id="config-json" rows="8" spellcheck="false" value=${json} onInput=${(e) => { setJson(e.target.value); setJsonDirty(true); }}></textarea>
      </label>
      <div class="rows">
        ${rows.map(
          (r, i) => html`<div class=${`row${errors[r.key] ? ' invalid' : ''}`} data-key=${r.key} key=${i}>
            <input class="key" value=${r.key} aria-label="key" onInput=${(e) => setRow(i, 'key', e.target.value)} />
            <input class="value" value=${r.value} aria-label=${`value of ${r.key}`} onInput=${(e) => setRow(i, 'value', e.target.value)} />
            <button class="small" title="remove" onClick=${() => { const next = rows.filter((_, j) => j !== i); setRows(next); setJson(JSON.stringify(toConfig(next), null, 2)); setJsonDirty(false); }}>−</button>
            ${errors[r.key] ? html`<span class="errors">${errors[r.key].join(' ')}</span>` : null}
          </div>`,
        )}
        <button class="small" onClick=${() => setRows([...rows, { key: '', value: '' }])}>Add key</button>
      </div>
      ${problem ? html`<p class="message error" role="alert">${problem}</p>` : null}
      <div class="actions">
        <button disabled=${busy} onClick=${() => validate()}>Validate</button>
        <button class="primary" disabled=${busy} onClick=${save}>${creating ? 'Create' : 'Save'}</button>
        <button onClick=${onClose}>Cancel</button>
      </div>
    </div>
  </div>`;
}
