// The add/edit contact dialog (typed inputs per attribute type, Stripe accounts as a small
// editable list, the API's validation issues shown at their fields) and the confirmation dialog.
import {RawNumber, issueField} from './api.js';
import {clear, el} from './util.js';

// Resolves to the saved contact, or null when cancelled.
export function openContactForm(ctx, contact) {
  const dialog = document.getElementById('contact-dialog');
  const editing = Boolean(contact);
  const original = contact || {};
  const fields = new Map();  // issue field path -> {input, error}
  const formError = el('div', {class: 'form-error', role: 'alert'});

  function field(path, id, label, input, hint) {
    const error = el('p', {id: `${id}-error`, class: 'field-error'});
    const describedBy = [hint ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' ');
    input.id = id;
    input.setAttribute('aria-describedby', describedBy);
    fields.set(path, {input, error});
    const checkbox = input.type === 'checkbox';
    return el('div', {class: checkbox ? 'field inline' : 'field'},
        checkbox ? input : null, el('label', {for: id}, label), checkbox ? null : input,
        hint ? el('p', {id: `${id}-hint`, class: 'hint'}, hint) : null, error);
  }

  const core = {
    external_id: el('input', {value: original.external_id || '', autocomplete: 'off'}),
    name: el('input', {value: original.name || '', autocomplete: 'off'}),
    email: el('input', {type: 'email', value: original.email || '', autocomplete: 'off'}),
    phonenumber: el('input', {type: 'tel', value: original.phonenumber || '', autocomplete: 'off'}),
  };

  // Stripe accounts: rows of label, Stripe ID, Stripe email.
  const stripeList = el('div');
  const stripeRows = [];
  let stripeSeq = 0;
  function addStripeRow(account = {}) {
    const n = stripeSeq++;
    const row = {
      label: el('input', {value: account.label || ''}),
      stripe_id: el('input', {value: account.stripe_id || ''}),
      stripe_email: el('input', {type: 'email', value: account.stripe_email || ''}),
    };
    const index = () => stripeRows.indexOf(row);
    const node = el('div', {class: 'stripe-row'},
        field(`stripe:${n}:label`, `cf-stripe-${n}-label`, 'Label', row.label),
        field(`stripe:${n}:stripe_id`, `cf-stripe-${n}-id`, 'Stripe ID', row.stripe_id),
        field(`stripe:${n}:stripe_email`, `cf-stripe-${n}-email`, 'Stripe email', row.stripe_email),
        el('button', {type: 'button', class: 'danger', onclick: () => {
          stripeRows.splice(index(), 1);
          node.remove();
        }}, 'Remove account'));
    row.n = n;
    row.node = node;
    stripeRows.push(row);
    stripeList.append(node);
  }
  for (const account of original.stripe_accounts || []) addStripeRow(account);

  // Custom attributes (archived ones are not offered; their values are kept by the API).
  const attrInputs = [];
  for (const attr of ctx.activeAttributes()) {
    const value = original.custom_attributes?.[attr.name];
    let input;
    if (attr.type === 'boolean') {
      input = el('input', {type: 'checkbox', checked: value === true});
    } else if (attr.type === 'number') {
      input = el('input', {type: 'number', step: 'any', value: value ?? ''});
    } else if (attr.type === 'date') {
      input = el('input', {type: 'date', value: typeof value === 'string' ? value.slice(0, 10) : ''});
    } else {
      input = el('input', {type: 'text', value: value ?? ''});
    }
    let touched = false;
    input.addEventListener('change', () => {
      touched = true;
    });
    attrInputs.push({attr, input, original: value, touched: () => touched});
  }

  const form = el('form', {novalidate: true},
      el('h2', {id: 'contact-dialog-title'}, editing ? `Edit contact` : 'Add contact'),
      field('external_id', 'cf-external_id', 'External ID', core.external_id,
          editing ? 'Changing it renames the contact.' : 'Leave empty to generate one.'),
      field('name', 'cf-name', 'Name', core.name),
      field('email', 'cf-email', 'Email', core.email),
      field('phonenumber', 'cf-phonenumber', 'Phone number', core.phonenumber),
      el('fieldset', {}, el('legend', {}, 'Stripe accounts'), stripeList,
          el('button', {type: 'button', onclick: () => addStripeRow()}, 'Add Stripe account')),
      attrInputs.length ?
          el('fieldset', {}, el('legend', {}, 'Custom attributes'),
              attrInputs.map(({attr, input}) => field(`custom_attributes.${attr.name}`,
                  `cf-attr-${attr.name}`, attr.label || attr.name, input,
                  attr.description || undefined))) :
          null,
      formError,
      el('div', {class: 'dialog-actions'},
          el('button', {type: 'button', value: 'cancel', onclick: () => dialog.close('cancel')},
              'Cancel'),
          el('button', {type: 'submit', class: 'primary'}, editing ? 'Save' : 'Add')));

  function body() {
    const out = {};
    const text = (name) => core[name].value.trim();
    if (editing) {
      if (text('external_id') !== original.external_id) out.external_id = text('external_id');
      for (const name of ['name', 'email', 'phonenumber']) {
        const v = text(name);
        if (v !== (original[name] || '')) out[name] = v === '' ? null : v;
      }
    } else {
      for (const name of ['external_id', 'name', 'email', 'phonenumber']) {
        if (text(name) !== '') out[name] = text(name);
      }
    }
    const accounts = stripeRows.map((row) => {
      const account = {label: row.label.value.trim()};
      if (row.stripe_id.value.trim()) account.stripe_id = row.stripe_id.value.trim();
      if (row.stripe_email.value.trim()) account.stripe_email = row.stripe_email.value.trim();
      return account;
    });
    if (accounts.length) out.stripe_accounts = accounts;
    else if (editing && original.stripe_accounts?.length) out.stripe_accounts = null;

    const attrs = {};
    const local = [];
    for (const {attr, input, original: value, touched} of attrInputs) {
      if (attr.type === 'boolean') {
        if (value !== undefined || touched()) attrs[attr.name] = input.checked;
      } else if (attr.type === 'number') {
        if (input.validity.badInput) {
          local.push({field: `custom_attributes.${attr.name}`, message: 'Enter a number'});
        } else if (input.value !== '') {
          attrs[attr.name] = new RawNumber(input.value);
        }
      } else if (attr.type === 'date') {
        if (input.value !== '') {
          const keep = typeof value === 'string' && value.slice(0, 10) === input.value;
          attrs[attr.name] = keep ? value : input.value;
        }
      } else if (input.value !== '') {
        attrs[attr.name] = input.value;
      }
    }
    // Sent as a whole (it replaces the stored object; archived values are kept by the API).
    if (editing || Object.keys(attrs).length) out.custom_attributes = attrs;
    return {out, local};
  }

  function clearIssues() {
    formError.textContent = '';
    for (const {input, error} of fields.values()) {
      error.textContent = '';
      input.removeAttribute('aria-invalid');
    }
  }

  function showIssues(message, issues) {
    const unplaced = [];
    let first = null;
    for (const issue of issues) {
      let path = issueField(issue.field);
      const stripe = /^stripe_accounts\[(\d+)\]\.?(\w*)/.exec(path);
      if (stripe && stripeRows[Number(stripe[1])]) {
        const row = stripeRows[Number(stripe[1])];
        path = `stripe:${row.n}:${stripe[2] || 'label'}`;
      }
      const target = fields.get(path);
      if (target) {
        target.error.textContent = target.error.textContent ?
            `${target.error.textContent} ${issue.message}` :
            issue.message;
        target.input.setAttribute('aria-invalid', 'true');
        first ??= target.input;
      } else {
        unplaced.push(`${issue.field}: ${issue.message}`);
      }
    }
    formError.textContent = message;
    if (unplaced.length) formError.append(el('ul', {}, unplaced.map((t) => el('li', {}, t))));
    (first || formError).focus?.();
  }

  clear(dialog).append(form);
  dialog.showModal();
  core[editing ? 'name' : 'external_id'].focus();

  return new Promise((resolve) => {
    let saved = null;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearIssues();
      const {out, local} = body();
      if (local.length) {
        showIssues('Some values are not valid.', local);
        return;
      }
      const submit = form.querySelector('button[type=submit]');
      submit.disabled = true;
      try {
        const res = editing ?
            await ctx.api.updateContact(ctx.bot.id, original.external_id, out) :
            await ctx.api.createContact(ctx.bot.id, out);
        saved = Array.isArray(res.data) ? res.data[0] : res.data;
        dialog.close('saved');
      } catch (e) {
        showIssues(e.message, e.issues || []);
      } finally {
        submit.disabled = false;
      }
    });
    dialog.addEventListener('close', () => resolve(saved), {once: true});
  });
}

// A modal confirmation. Resolves to true when confirmed.
export function confirmDialog({title, message, confirm}) {
  const dialog = document.getElementById('confirm-dialog');
  const cancelButton = el('button', {type: 'button', onclick: () => dialog.close('cancel')},
      'Cancel');
  clear(dialog).append(
      el('h2', {id: 'confirm-dialog-title'}, title),
      el('p', {}, message),
      el('div', {class: 'dialog-actions'}, cancelButton,
          el('button', {type: 'button', class: 'danger primary',
            onclick: () => dialog.close('confirm')}, confirm)));
  dialog.returnValue = '';
  dialog.showModal();
  cancelButton.focus();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'),
        {once: true});
  });
}
