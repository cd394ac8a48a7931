// The Attributes tab: the chatbot's custom attributes, define a new one (name, label, type,
// description), archive and restore. Archived attributes leave the column chooser and the forms;
// their values stay.
import {announce, clear, el} from './util.js';

const TYPES = ['text', 'number', 'boolean', 'date'];

export class AttributesView {
  constructor(root, ctx) {
    this.root = root;
    this.ctx = ctx;
    this.build();
    this.render();
  }

  destroy() {
    clear(this.root);
  }

  show() {}

  attributesChanged() {
    this.render();
  }

  build() {
    const input = (id, attrs = {}) => el('input', {id, autocomplete: 'off', ...attrs});
    this.inputs = {
      name: input('attr-name', {'aria-describedby': 'attr-name-hint attr-name-error'}),
      label: input('attr-label', {'aria-describedby': 'attr-label-error'}),
      type: el('select', {id: 'attr-type', 'aria-describedby': 'attr-type-error'},
          TYPES.map((t) => el('option', {value: t}, t))),
      description: el('textarea', {id: 'attr-description', rows: 2,
        'aria-describedby': 'attr-description-error'}),
    };
    this.errors = {};
    const field = (name, label, hint) => {
      this.errors[name] = el('p', {id: `attr-${name}-error`, class: 'field-error'});
      return el('div', {class: 'field'}, el('label', {for: `attr-${name}`}, label),
          this.inputs[name], hint ? el('p', {id: `attr-${name}-hint`, class: 'hint'}, hint) : null,
          this.errors[name]);
    };
    this.formError = el('p', {class: 'form-error', role: 'alert'});
    this.listError = el('p', {class: 'form-error', role: 'alert'});
    this.table = el('table');
    const form = el('form', {novalidate: true, 'aria-labelledby': 'attr-form-title'},
        el('h3', {id: 'attr-form-title'}, 'Define an attribute'),
        field('name', 'Name', 'Letters, digits, _ and -, starting with a letter. Cannot change.'),
        field('label', 'Label'), field('type', 'Type'), field('description', 'Description'),
        this.formError, el('button', {type: 'submit', class: 'primary'}, 'Define attribute'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.define(form);
    });
    this.root.append(el('h3', {}, 'Custom attributes'), this.listError,
        el('div', {class: 'table-wrap'}, this.table), form);
  }

  render() {
    const attrs = this.ctx.attributes;
    const tbody = el('tbody');
    if (!attrs.length) {
      tbody.append(el('tr', {}, el('td', {colspan: '6', class: 'muted'}, 'No attributes yet.')));
    }
    for (const attr of attrs) {
      const action = attr.archived ? 'Restore' : 'Archive';
      tbody.append(el('tr', {class: attr.archived ? 'archived' : ''},
          el('td', {}, attr.name), el('td', {}, attr.label || ''), el('td', {}, attr.type),
          el('td', {}, attr.description || ''),
          el('td', {}, attr.archived ? 'Archived' : 'Active'),
          el('td', {class: 'actions'},
              el('button', {type: 'button', 'aria-label': `${action} ${attr.name}`,
                onclick: () => this.setArchived(attr, !attr.archived)}, action))));
    }
    clear(this.table).append(el('caption', {class: 'visually-hidden'}, 'Custom attributes'),
        el('thead', {}, el('tr', {}, ['Name', 'Label', 'Type', 'Description', 'Status'].map(
            (h) => el('th', {scope: 'col'}, h)),
            el('th', {scope: 'col'}, el('span', {class: 'visually-hidden'}, 'Actions')))),
        tbody);
  }

  async define(form) {
    this.formError.textContent = '';
    for (const [name, error] of Object.entries(this.errors)) {
      error.textContent = '';
      this.inputs[name].removeAttribute('aria-invalid');
    }
    const body = {name: this.inputs.name.value.trim(), type: this.inputs.type.value};
    if (this.inputs.label.value.trim()) body.label = this.inputs.label.value.trim();
    if (this.inputs.description.value.trim()) {
      body.description = this.inputs.description.value.trim();
    }
    if (!body.name) {
      this.errors.name.textContent = 'Enter a name.';
      this.inputs.name.setAttribute('aria-invalid', 'true');
      this.inputs.name.focus();
      return;
    }
    try {
      await this.ctx.api.defineAttribute(this.ctx.bot.id, body);
      form.reset();
      await this.ctx.reloadAttributes();
      announce(`Attribute ${body.name} defined`);
      this.inputs.name.focus();
    } catch (e) {
      let placed = false;
      for (const issue of e.issues || []) {
        if (this.errors[issue.field]) {
          this.errors[issue.field].textContent = issue.message;
          this.inputs[issue.field].setAttribute('aria-invalid', 'true');
          placed = true;
        }
      }
      this.formError.textContent = placed ? '' : e.message;
      if (placed) this.root.querySelector('[aria-invalid=true]')?.focus();
    }
  }

  async setArchived(attr, archived) {
    this.listError.textContent = '';
    try {
      await this.ctx.api.updateAttribute(this.ctx.bot.id, attr.name, {archived});
      await this.ctx.reloadAttributes();
      announce(`Attribute ${attr.name} ${archived ? 'archived' : 'restored'}`);
      this.table.querySelector(`button[aria-label$=" ${CSS.escape(attr.name)}"]`)?.focus();
    } catch (e) {
      this.listError.textContent = e.message;
    }
  }
}
