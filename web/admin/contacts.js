// The Contacts tab: search as you type, sort by any column, page with the exact total, rows per
// page, a column chooser remembered per chatbot, filters on custom attributes, add, edit, delete
// and export of the current search.
import {confirmDialog, openContactForm} from './contact_form.js';
import {announce, clear, debounce, displayValue, download, el, formatCount, rangeText} from
    './util.js';

const CORE_COLUMNS = [
  {key: 'external_id', label: 'External ID', sort: 'external_id'},
  {key: 'name', label: 'Name', sort: 'name'},
  {key: 'email', label: 'Email', sort: 'email'},
  {key: 'phonenumber', label: 'Phone', sort: 'phonenumber'},
  {key: 'stripe_accounts', label: 'Stripe accounts', type: 'stripe'},
  {key: 'id', label: 'ID', sort: 'id'},
  {key: 'created_at', label: 'Created', sort: 'created_at', type: 'timestamp'},
  {key: 'updated_at', label: 'Updated', sort: 'updated_at', type: 'timestamp'},
];
const DEFAULT_HIDDEN = ['stripe_accounts', 'id', 'updated_at'];
const PER_PAGE_CHOICES = [10, 25, 50, 100, 500, 1000];
const OPERATORS = {
  text: [['eq', 'is'], ['ne', 'is not'], ['contains', 'contains'],
    ['not_contains', 'does not contain'], ['starts_with', 'starts with'],
    ['ends_with', 'ends with'], ['exists', 'has a value']],
  number: [['eq', '='], ['ne', '≠'], ['gt', '>'], ['gte', '≥'], ['lt', '<'], ['lte', '≤'],
    ['exists', 'has a value']],
  date: [['eq', 'on'], ['ne', 'not on'], ['gt', 'after'], ['gte', 'on or after'],
    ['lt', 'before'], ['lte', 'on or before'], ['exists', 'has a value']],
  boolean: [['eq', 'is'], ['ne', 'is not'], ['exists', 'has a value']],
};

let uid = 0;

export class ContactsView {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.q = '';
    this.sort = null;
    this.order = 'asc';
    this.page = 1;
    this.perPage = Number(localStorage.getItem('contactd.perPage')) || 50;
    if (!PER_PAGE_CHOICES.includes(this.perPage)) this.perPage = 50;
    this.filters = [];  // {field, op, value, text}
    // next_cursor of each page, by the page it leads to: Next and Previous walk with keyset
    // cursors (the same cost at any depth, even on a chatbot with millions of contacts); First,
    // Last and a first visit of a page use page numbers. Reset when the query changes.
    this.cursors = new Map();
    this.total = 0;
    this.rows = [];
    this.seq = 0;
    this.controller = null;
    this.hidden = this.loadHidden();
    this.build();
    this.load();
  }

  destroy() {
    this.controller?.abort();
    this.searchLater.cancel();
    clear(this.root);
  }

  // Back on the tab: imports or other tabs may have changed the contacts.
  show() {
    if (this.shown) this.load();
    this.shown = true;
  }

  get storageKey() {
    return `contactd.columns.${this.ctx.bot.id}`;
  }

  loadHidden() {
    try {
      const saved = JSON.parse(localStorage.getItem(this.storageKey));
      if (saved && Array.isArray(saved.hidden)) return new Set(saved.hidden);
    } catch {
      // Fall back to the defaults.
    }
    return new Set(DEFAULT_HIDDEN);
  }

  saveHidden() {
    localStorage.setItem(this.storageKey, JSON.stringify({hidden: [...this.hidden]}));
  }

  // Every column the chooser offers: core fields, then non-archived attributes.
  allColumns() {
    const attrs = this.ctx.activeAttributes().map((a) => ({
      key: `attr:${a.name}`,
      label: a.label || a.name,
      sort: `custom_attributes.${a.name}`,
      type: a.type,
      attr: a.name,
    }));
    return [...CORE_COLUMNS, ...attrs];
  }

  visibleColumns() {
    return this.allColumns().filter((c) => !this.hidden.has(c.key));
  }

  build() {
    const id = `contacts-${++uid}`;
    this.searchInput = el('input', {
      id: `${id}-q`,
      type: 'search',
      autocomplete: 'off',
      placeholder: 'Name, email, ID or phone',
      oninput: () => this.searchLater(),
      onkeydown: (e) => {
        if (e.key === 'Enter') {
          this.searchLater.cancel();
          this.search();
        }
      },
    });
    this.searchLater = debounce(() => this.search(), 250);
    this.perPageSelect = el('select', {id: `${id}-pp`, onchange: () => {
      this.perPage = Number(this.perPageSelect.value);
      localStorage.setItem('contactd.perPage', String(this.perPage));
      this.resetPaging();
      this.load();
    }}, PER_PAGE_CHOICES.map((n) => el('option', {value: String(n)}, String(n))));
    this.perPageSelect.value = String(this.perPage);
    this.exportFormat = el('select', {id: `${id}-fmt`},
        el('option', {value: 'csv'}, 'CSV'), el('option', {value: 'json'}, 'JSON'),
        el('option', {value: 'jsonl'}, 'JSONL'));
    this.columnsButton = el('button', {
      type: 'button',
      'aria-expanded': 'false',
      'aria-controls': `${id}-columns`,
      onclick: () => this.toggle(this.columnsButton, this.columnsBox),
    }, 'Columns');
    this.filtersButton = el('button', {
      type: 'button',
      'aria-expanded': 'false',
      'aria-controls': `${id}-filters`,
      onclick: () => this.toggle(this.filtersButton, this.filterBox),
    }, 'Filters');
    this.columnsBox = el('fieldset', {id: `${id}-columns`, hidden: true});
    this.filterBox = el('fieldset', {id: `${id}-filters`, hidden: true});
    this.filterList = el('ul', {class: 'filters', 'aria-label': 'Active filters'});
    this.error = el('p', {class: 'form-error', role: 'alert'});
    this.table = el('table');
    this.range = el('span', {class: 'range', 'aria-live': 'polite'});
    this.firstButton = el('button', {type: 'button', onclick: () => this.goto(1)}, 'First');
    this.prevButton = el('button', {type: 'button', onclick: () => this.goto(this.page - 1)},
        'Previous');
    this.nextButton = el('button', {type: 'button', onclick: () => this.goto(this.page + 1)},
        'Next');
    this.lastButton = el('button', {type: 'button', onclick: () => this.goto(this.lastPage())},
        'Last');

    this.root.append(
        el('div', {class: 'toolbar'},
            el('div', {class: 'field'}, el('label', {for: `${id}-q`}, 'Search contacts'),
                this.searchInput),
            el('button', {type: 'button', class: 'primary', onclick: () => this.add()},
                'Add contact'),
            this.columnsButton, this.filtersButton,
            el('div', {class: 'field inline'}, el('label', {for: `${id}-fmt`}, 'Export format'),
                this.exportFormat,
                el('button', {type: 'button', onclick: () => this.export()}, 'Export'))),
        this.columnsBox, this.filterBox, this.filterList, this.error,
        el('div', {class: 'table-wrap'}, this.table),
        el('div', {class: 'pager'}, this.firstButton, this.prevButton, this.range,
            this.nextButton, this.lastButton,
            el('div', {class: 'field inline'},
                el('label', {for: `${id}-pp`}, 'Rows per page'), this.perPageSelect)));
    this.renderColumnChooser();
    this.renderFilterForm();
    this.renderHead();
  }

  toggle(button, box) {
    const open = box.hidden;
    box.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) box.querySelector('input, select')?.focus();
  }

  attributesChanged() {
    this.renderColumnChooser();
    this.renderFilterForm();
    this.renderHead();
    this.renderRows();
  }

  renderColumnChooser() {
    const box = clear(this.columnsBox);
    box.append(el('legend', {}, 'Columns'));
    const list = el('div', {class: 'columns-list'});
    for (const column of this.allColumns()) {
      const inputId = `${this.columnsBox.id}-${column.key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
      list.append(el('label', {for: inputId},
          el('input', {
            id: inputId,
            type: 'checkbox',
            checked: !this.hidden.has(column.key),
            onchange: (e) => {
              if (e.target.checked) this.hidden.delete(column.key);
              else this.hidden.add(column.key);
              this.saveHidden();
              this.renderHead();
              this.renderRows();
            },
          }),
          column.label));
    }
    box.append(list);
  }

  renderFilterForm() {
    const box = clear(this.filterBox);
    const base = this.filterBox.id;
    box.append(el('legend', {}, 'Filter by attribute'));
    const attrs = this.ctx.activeAttributes();
    if (!attrs.length) {
      box.append(el('p', {class: 'muted'}, 'Define custom attributes to filter on them.'));
      return;
    }
    const fieldSelect = el('select', {id: `${base}-field`},
        attrs.map((a) => el('option', {value: a.name}, `${a.label || a.name} (${a.type})`)));
    const opSelect = el('select', {id: `${base}-op`});
    const valueHolder = el('div', {class: 'field'});
    const error = el('p', {class: 'field-error', role: 'alert'});
    let valueInput = null;
    const attrOf = () => attrs.find((a) => a.name === fieldSelect.value);
    const renderValue = () => {
      const attr = attrOf();
      clear(valueHolder);
      const valueId = `${base}-value`;
      if (opSelect.value === 'exists' || attr.type === 'boolean') {
        valueInput = el('select', {id: valueId}, el('option', {value: 'true'}, 'true'),
            el('option', {value: 'false'}, 'false'));
      } else {
        const type = attr.type === 'number' ? 'number' : attr.type === 'date' ? 'date' : 'text';
        valueInput = el('input', {id: valueId, type, step: type === 'number' ? 'any' : undefined});
      }
      valueHolder.append(el('label', {for: valueId}, 'Value'), valueInput);
    };
    const renderOps = () => {
      clear(opSelect);
      for (const [op, label] of OPERATORS[attrOf().type] || OPERATORS.text) {
        opSelect.append(el('option', {value: op}, label));
      }
      renderValue();
    };
    fieldSelect.addEventListener('change', renderOps);
    opSelect.addEventListener('change', renderValue);
    renderOps();
    box.append(el('div', {class: 'toolbar'},
        el('div', {class: 'field'}, el('label', {for: `${base}-field`}, 'Attribute'), fieldSelect),
        el('div', {class: 'field'}, el('label', {for: `${base}-op`}, 'Condition'), opSelect),
        valueHolder,
        el('button', {type: 'button', onclick: () => {
          error.textContent = '';
          if (valueInput.value === '') {
            error.textContent = 'Enter a value.';
            valueInput.focus();
            return;
          }
          const attr = attrOf();
          const opLabel = opSelect.options[opSelect.selectedIndex].textContent;
          this.filters.push({
            field: `custom_attributes.${attr.name}`,
            op: opSelect.value,
            value: valueInput.value,
            text: `${attr.label || attr.name} ${opLabel} ${valueInput.value}`,
          });
          this.renderFilterChips();
          this.resetPaging();
          this.load();
        }}, 'Add filter')), error);
  }

  renderFilterChips() {
    clear(this.filterList);
    this.filters.forEach((f, i) => {
      this.filterList.append(el('li', {class: 'chip'}, f.text,
          el('button', {type: 'button', 'aria-label': `Remove filter ${f.text}`, onclick: () => {
            this.filters.splice(i, 1);
            this.renderFilterChips();
            this.resetPaging();
            this.load();
          }}, '×')));
    });
  }

  renderHead() {
    const head = el('tr');
    for (const column of this.visibleColumns()) {
      const th = el('th', {scope: 'col'});
      if (column.sort) {
        if (this.sort === column.sort) {
          th.setAttribute('aria-sort', this.order === 'asc' ? 'ascending' : 'descending');
        }
        th.append(el('button', {type: 'button', class: 'sort', onclick: () => {
          if (this.sort === column.sort) {
            this.order = this.order === 'asc' ? 'desc' : 'asc';
          } else {
            this.sort = column.sort;
            this.order = 'asc';
          }
          this.resetPaging();
          this.renderHead();
          this.load();
          this.table.querySelector(`th[aria-sort] button`)?.focus();
        }}, column.label));
      } else {
        th.append(column.label);
      }
      head.append(th);
    }
    head.append(el('th', {scope: 'col'}, el('span', {class: 'visually-hidden'}, 'Actions')));
    const tbody = this.table.tBodies[0] || el('tbody');
    clear(this.table).append(el('caption', {class: 'visually-hidden'}, 'Contacts'),
        el('thead', {}, head), tbody);
  }

  renderRows() {
    const tbody = clear(this.table.tBodies[0]);
    const columns = this.visibleColumns();
    if (!this.rows.length) {
      tbody.append(el('tr', {}, el('td', {colspan: String(columns.length + 1), class: 'muted'},
          this.q || this.filters.length ? 'No contact matches.' : 'No contacts yet.')));
      return;
    }
    for (const contact of this.rows) {
      const tr = el('tr');
      for (const column of columns) {
        const value = column.attr ? contact.custom_attributes?.[column.attr] : contact[column.key];
        tr.append(el('td', {}, displayValue(value, column.type)));
      }
      const who = contactName(contact);
      tr.append(el('td', {class: 'actions'},
          el('button', {type: 'button', 'aria-label': `Edit ${who}`, onclick: () => this.edit(contact)},
              'Edit'),
          ' ',
          el('button', {
            type: 'button',
            class: 'danger',
            'aria-label': `Delete ${who}`,
            onclick: () => this.remove(contact),
          }, 'Delete')));
      tbody.append(tr);
    }
  }

  // The query of the current search (without paging).
  searchQuery() {
    const query = [['q', this.q]];
    if (this.sort) {
      query.push(['sort', this.sort], ['order', this.order]);
    }
    for (const f of this.filters) query.push([`filter[${f.field}][${f.op}]`, f.value]);
    return query;
  }

  resetPaging() {
    this.page = 1;
    this.cursors = new Map();
  }

  lastPage() {
    return Math.max(1, Math.ceil(this.total / this.perPage));
  }

  goto(page) {
    this.page = Math.min(Math.max(1, page), this.lastPage());
    this.load();
  }

  search() {
    const q = this.searchInput.value.trim();
    if (q === this.q) return;
    this.q = q;
    this.resetPaging();
    this.load();
  }

  async load() {
    const seq = ++this.seq;
    this.controller?.abort();
    this.controller = new AbortController();
    const cursor = this.page > 1 ? this.cursors.get(this.page) : undefined;
    const query = [...this.searchQuery(),
      cursor ? ['cursor', cursor] : ['page', String(this.page)],
      ['per_page', String(this.perPage)]];
    this.root.setAttribute('aria-busy', 'true');
    try {
      const res = await this.ctx.api.listContacts(this.ctx.bot.id, query, this.controller.signal);
      if (seq !== this.seq) return;
      this.error.textContent = '';
      this.rows = res.data || [];
      this.total = res.total ?? this.rows.length;
      if (res.next_cursor) this.cursors.set(this.page + 1, res.next_cursor);
      if (this.rows.length === 0 && this.page > 1 && this.total > 0) {
        this.page = this.lastPage();
        this.load();
        return;
      }
    } catch (e) {
      if (e.name === 'AbortError' || seq !== this.seq) return;
      this.error.textContent = e.message;
      this.rows = [];
      this.total = 0;
    }
    this.root.removeAttribute('aria-busy');
    this.renderRows();
    this.range.textContent = rangeText(this.page, this.perPage, this.rows.length, this.total);
    this.firstButton.disabled = this.prevButton.disabled = this.page <= 1;
    this.nextButton.disabled = this.lastButton.disabled = this.page >= this.lastPage();
  }

  async add() {
    const saved = await openContactForm(this.ctx, null);
    if (saved) {
      announce(`Contact ${contactName(saved)} added`);
      this.load();
    }
  }

  async edit(contact) {
    const saved = await openContactForm(this.ctx, contact);
    if (saved) {
      announce(`Contact ${contactName(saved)} saved`);
      this.load();
    }
  }

  async remove(contact) {
    const who = contactName(contact);
    const ok = await confirmDialog({
      title: 'Delete contact',
      message: `Delete the contact “${who}” (external ID ${contact.external_id})? ` +
          'This cannot be undone.',
      confirm: `Delete ${who}`,
    });
    if (!ok) return;
    try {
      await this.ctx.api.deleteContact(this.ctx.bot.id, contact.external_id);
      announce(`Contact ${who} deleted`);
    } catch (e) {
      this.error.textContent = e.message;
    }
    this.load();
  }

  async export() {
    const format = this.exportFormat.value;
    const path = `/chatbots/${encodeURIComponent(this.ctx.bot.id)}/contacts/export`;
    try {
      // A CSV download is for a spreadsheet: Excel reads it as UTF-8 only with a byte order mark.
      const bom = format === 'csv' ? [['bom', 'true']] : [];
      const res = await this.ctx.api.fetch('GET', path,
          {query: [...this.searchQuery(), ['format', format], ...bom]});
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        throw new Error(body.message || `HTTP ${res.status}`);
      }
      const blob = await res.blob();
      download(blob, `${this.ctx.bot.id}-contacts.${format}`);
      const count = res.headers.get('X-Total-Count');
      announce(`Exported ${count ? formatCount(Number(count)) : ''} contacts`);
    } catch (e) {
      this.error.textContent = `Export failed: ${e.message}`;
    }
  }
}

export function contactName(contact) {
  return contact.name || contact.email || contact.external_id;
}
