// Small DOM and formatting helpers shared by the dashboard's modules.

import {RawNumber} from './api.js';

// el('button', {type: 'button', onclick: fn, class: 'x'}, 'text', otherNode)
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      node.className = value;
    } else if (name === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (name in node && typeof value !== 'string') {
      node[name] = value;
    } else {
      node.setAttribute(name, value === true ? '' : value);
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

const numberFormat = new Intl.NumberFormat('en-US');
export function formatCount(n) {
  return numberFormat.format(n);
}

// "1–50 of 1,204,311"
export function rangeText(page, perPage, shown, total) {
  if (total === 0 || shown === 0) return `0 of ${formatCount(total)}`;
  const first = (page - 1) * perPage + 1;
  return `${formatCount(first)}–${formatCount(first + shown - 1)} of ${formatCount(total)}`;
}

export function debounce(fn, ms) {
  let timer = 0;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}

export function formatTimestamp(seconds) {
  if (typeof seconds !== 'number') return '';
  const d = new Date(seconds * 1000);
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

// A cell's text for any contact value.
export function displayValue(value, type) {
  if (value === undefined || value === null) return '';
  if (type === 'timestamp') return formatTimestamp(value);
  if (type === 'boolean') return value ? 'Yes' : 'No';
  if (type === 'stripe') {
    return value.map((a) => `${a.label}: ${a.stripe_id || a.stripe_email || ''}`).join(', ');
  }
  if (value instanceof RawNumber) return value.text;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

// Offers `blob` as a download named `name`.
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', {href: url, download: name, hidden: true});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// A live region for short status messages (screen readers announce them).
export function announce(text) {
  const region = document.getElementById('status');
  if (region) region.textContent = text;
}
