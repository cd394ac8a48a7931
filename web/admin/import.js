// The Import tab: pick a CSV, JSON or JSONL file, see the automatic column mapping (a dropdown
// per CSV column to change it) and a dry run's errors, then import with a progress bar and a
// downloadable error report.
import {queryString} from './api.js';
import {announce, clear, download, el, formatCount} from './util.js';

function formatOf(name) {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv')) return {format: 'csv', type: 'text/csv'};
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) {
    return {format: 'jsonl', type: 'application/x-ndjson'};
  }
  return {format: 'json', type: 'application/json'};
}

export class ImportView {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.file = null;
    this.mapping = new Map();  // column -> field ('' ignores it), explicit choices only
    this.lastColumns = null;
    this.build();
  }

  destroy() {
    this.xhr?.abort();
    clear(this.root);
  }

  show() {}

  attributesChanged() {
    if (this.lastColumns) this.renderMapping(this.lastColumns);
  }

  build() {
    this.fileInput = el('input', {id: 'import-file', type: 'file',
      accept: '.csv,.json,.jsonl,.ndjson,text/csv,application/json',
      onchange: () => {
        this.file = this.fileInput.files[0] || null;
        this.mapping.clear();
        this.lastColumns = null;
        clear(this.mappingBox);  // the previous file's columns
        if (this.file) this.run(true);
      }});
    this.generateIds = el('input', {id: 'import-generate-ids', type: 'checkbox'});
    this.country = el('input', {id: 'import-country', maxlength: 2, size: 4,
      autocomplete: 'off', 'aria-describedby': 'import-country-hint'});
    this.dryRunButton = el('button', {type: 'button', onclick: () => this.run(true)},
        'Check again (dry run)');
    this.importButton = el('button', {type: 'button', class: 'primary',
      onclick: () => this.run(false)}, 'Import');
    this.progress = el('progress', {id: 'import-progress', max: 100, value: 0, hidden: true});
    this.progressLabel = el('label', {for: 'import-progress', hidden: true}, 'Upload progress');
    this.error = el('p', {class: 'form-error', role: 'alert'});
    this.mappingBox = el('div');
    this.report = el('div', {class: 'report', 'aria-live': 'polite'});
    this.root.append(
        el('h3', {}, 'Import contacts'),
        el('p', {class: 'muted'}, 'Rows are matched by external ID: re-running an import is safe.'),
        el('div', {class: 'field'}, el('label', {for: 'import-file'}, 'File (CSV, JSON or JSONL)'),
            this.fileInput),
        el('div', {class: 'field inline'}, this.generateIds,
            el('label', {for: 'import-generate-ids'}, 'Generate IDs for rows without external ID')),
        el('div', {class: 'field'}, el('label', {for: 'import-country'}, 'Default country'),
            this.country,
            el('p', {id: 'import-country-hint', class: 'hint'},
                'Two letters (GB, US) for phone numbers written without +.')),
        el('div', {class: 'toolbar'}, this.dryRunButton, this.importButton, this.progressLabel,
            this.progress),
        this.error, this.mappingBox, this.report);
    this.updateButtons();
  }

  updateButtons() {
    this.dryRunButton.disabled = this.importButton.disabled = !this.file || Boolean(this.xhr);
  }

  fieldChoices() {
    const choices = [['', '(ignore this column)'], ['external_id', 'External ID'],
      ['name', 'Name'], ['first_name', 'First name'], ['middle_name', 'Middle name'],
      ['last_name', 'Last name'], ['email', 'Email'], ['phonenumber', 'Phone number'],
      ['stripe_accounts', 'Stripe accounts']];
    for (const attr of this.ctx.activeAttributes()) {
      choices.push([`custom_attributes.${attr.name}`, `${attr.label || attr.name} (attribute)`]);
    }
    return choices;
  }

  renderMapping(columns) {
    clear(this.mappingBox);
    if (!columns || this.format?.format !== 'csv') return;
    const rows = [];
    const fieldOf = new Map();
    for (const m of columns.mapped || []) fieldOf.set(m.column, m.field);
    const all = [...(columns.mapped || []).map((m) => m.column), ...(columns.unmapped || []),
      ...(columns.ignored || [])];
    all.forEach((column, i) => {
      const id = `import-map-${i}`;
      let current = this.mapping.has(column) ? this.mapping.get(column) : fieldOf.get(column);
      if (current && !current.includes('.') &&
          this.ctx.activeAttributes().some((a) => a.name === current)) {
        current = `custom_attributes.${current}`;
      }
      const select = el('select', {id, onchange: () => {
        this.mapping.set(column, select.value);
        this.run(true);
      }}, this.fieldChoices().map(([value, label]) => el('option', {value}, label)));
      if ((columns.unmapped || []).includes(column) && !this.mapping.has(column)) {
        select.prepend(el('option', {value: '__unmapped'}, '(not mapped)'));
        select.value = '__unmapped';
      } else {
        select.value = current || '';
      }
      rows.push(el('tr', {}, el('th', {scope: 'row'}, el('label', {for: id}, column)),
          el('td', {}, select)));
    });
    this.mappingBox.append(el('h3', {}, 'Column mapping'),
        el('div', {class: 'table-wrap'}, el('table', {},
            el('caption', {class: 'visually-hidden'}, 'Column mapping'),
            el('thead', {}, el('tr', {}, el('th', {scope: 'col'}, 'Column'),
                el('th', {scope: 'col'}, 'Field'))),
            el('tbody', {}, rows))));
  }

  query(dryRun) {
    const query = [['format', this.format.format]];
    if (dryRun) query.push(['dry_run', 'true']);
    if (this.generateIds.checked) query.push(['generate_ids', 'true']);
    if (this.country.value.trim()) query.push(['default_country', this.country.value.trim()]);
    if (this.format.format === 'csv') {
      for (const [column, field] of this.mapping) {
        if (field !== '__unmapped') query.push([`map[${column}]`, field]);
      }
    }
    return query;
  }

  // Sends the file with XMLHttpRequest, for upload progress.
  run(dryRun) {
    if (!this.file || this.xhr) return;
    this.format = formatOf(this.file.name);
    this.error.textContent = '';
    const url = `/api/v1/chatbots/${encodeURIComponent(this.ctx.bot.id)}/contacts/import` +
        queryString(this.query(dryRun));
    const xhr = new XMLHttpRequest();
    this.xhr = xhr;
    this.updateButtons();
    xhr.open('POST', url);
    xhr.setRequestHeader('Authorization', `Bearer ${this.ctx.api.key}`);
    xhr.setRequestHeader('Content-Type', this.format.type);
    xhr.responseType = 'json';
    this.progress.hidden = this.progressLabel.hidden = false;
    this.progress.value = 0;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) this.progress.value = Math.round((e.loaded / e.total) * 100);
    };
    const done = () => {
      this.xhr = null;
      this.updateButtons();
      this.progress.value = 100;
    };
    xhr.onload = () => {
      done();
      const body = xhr.response || {};
      const report = body.data && typeof body.data === 'object' ? body.data : body;
      if (xhr.status >= 400) this.error.textContent = body.message || `HTTP ${xhr.status}`;
      if (report && report.columns) {
        this.lastColumns = report.columns;
        this.renderMapping(report.columns);
      }
      if (report && typeof report.rows === 'number') this.renderReport(report);
      if (!dryRun && xhr.status < 400) announce('Import finished');
    };
    xhr.onerror = () => {
      done();
      this.error.textContent = 'Network error during the import.';
    };
    xhr.send(this.file);
  }

  renderReport(report) {
    clear(this.report);
    const stat = (label, value) => [el('dt', {}, label), el('dd', {}, formatCount(value))];
    this.report.append(el('h3', {}, report.dry_run ? 'Dry run' : 'Import report'),
        el('dl', {}, stat('Rows', report.rows), stat('Created', report.created),
            stat('Updated', report.updated), stat('Unchanged', report.unchanged),
            stat('Failed', report.failed)));
    const errors = report.errors || [];
    if (!errors.length) return;
    this.report.append(
        el('button', {type: 'button', onclick: () => download(
            new Blob([JSON.stringify(report, null, 2)], {type: 'application/json'}),
            `${this.ctx.bot.id}-import-errors.json`)}, 'Download error report'),
        el('div', {class: 'table-wrap'}, el('table', {},
            el('caption', {}, `Errors (${formatCount(report.failed)})`),
            el('thead', {}, el('tr', {}, ['Row', 'Line', 'Field', 'Message'].map(
                (h) => el('th', {scope: 'col'}, h)))),
            el('tbody', {}, errors.slice(0, 200).map((e) => el('tr', {},
                el('td', {}, e.row), el('td', {}, e.line), el('td', {}, e.field || ''),
                el('td', {}, e.message))))))); 
  }
}
