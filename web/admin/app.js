// The dashboard's entry point: sign in, the chatbot list, and the chatbot's tabs (contacts,
// attributes, import). The API key lives in sessionStorage only (this tab, until sign-out), and
// never in a URL; the chosen chatbot and tab are in the URL's fragment.
import {Api, ApiError} from './api.js';
import {AttributesView} from './attributes.js';
import {ContactsView} from './contacts.js';
import {ImportView} from './import.js';
import {announce, clear, el} from './util.js';

const KEY_STORAGE = 'contactd.apiKey';
const $ = (id) => document.getElementById(id);

const app = {
  api: null,
  isAdmin: false,
  chatbots: [],
  bot: null,
  attributes: [],
  tab: 'contacts',
  views: {},
};

// What the tabs share: the API, the chatbot, its attributes and a way to reload them.
const ctx = {
  get api() {
    return app.api;
  },
  get bot() {
    return app.bot;
  },
  get attributes() {
    return app.attributes;
  },
  activeAttributes() {
    return app.attributes.filter((a) => !a.archived);
  },
  async reloadAttributes() {
    const res = await app.api.attributes(app.bot.id);
    app.attributes = res.data || [];
    for (const view of Object.values(app.views)) view.attributesChanged?.();
  },
  signOut,
};

function show(viewId) {
  for (const id of ['signin-view', 'chatbots-view', 'bot-view']) $(id).hidden = id !== viewId;
}

async function signIn(key, {quiet = false} = {}) {
  const api = new Api(key);
  let chatbots;
  try {
    chatbots = (await api.chatbots()).data || [];
  } catch (e) {
    if (quiet) {
      sessionStorage.removeItem(KEY_STORAGE);
      return false;
    }
    $('signin-error').textContent =
        e instanceof ApiError && e.status === 401 ? 'This API key is not valid.' : e.message;
    $('api-key').setAttribute('aria-invalid', 'true');
    $('api-key').focus();
    return false;
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  app.api = api;
  app.chatbots = chatbots;
  // Admin keys may list API keys; members get 403.
  try {
    await api.request('GET', '/apikeys');
    app.isAdmin = true;
  } catch {
    app.isAdmin = false;
  }
  $('signin-form').reset();
  $('signin-error').textContent = '';
  $('api-key').removeAttribute('aria-invalid');
  $('session-controls').hidden = false;
  renderChatbotChoices();
  await route();
  return true;
}

function signOut() {
  sessionStorage.removeItem(KEY_STORAGE);
  app.api = null;
  app.bot = null;
  app.chatbots = [];
  for (const view of Object.values(app.views)) view.destroy?.();
  app.views = {};
  $('session-controls').hidden = true;
  history.replaceState(null, '', location.pathname);
  show('signin-view');
  $('api-key').focus();
  announce('Signed out');
}

function renderChatbotChoices() {
  const select = $('chatbot-select');
  clear(select);
  select.append(el('option', {value: ''}, 'All chatbots…'));
  for (const bot of app.chatbots) {
    select.append(el('option', {value: bot.id}, `${bot.name} (${bot.id})`));
  }
  const list = clear($('chatbot-list'));
  for (const bot of app.chatbots) {
    list.append(el('li', {},
        el('button', {type: 'button', onclick: () => openBot(bot.id)}, `${bot.name} (${bot.id})`)));
  }
  $('no-chatbots').hidden = app.chatbots.length > 0;
  $('chatbot-form').hidden = !app.isAdmin;
}

function setHash(botId, tab) {
  const hash = botId ? `#bot=${encodeURIComponent(botId)}&tab=${tab}` : '';
  if (location.hash !== hash) history.pushState(null, '', hash || location.pathname);
}

function openBot(botId, tab = 'contacts') {
  setHash(botId, tab);
  route();
}

// Shows what the fragment names: a chatbot's tab, or the chatbot list.
async function route() {
  if (!app.api) return;
  const params = new URLSearchParams(location.hash.slice(1));
  const botId = params.get('bot');
  const tab = ['contacts', 'attributes', 'import'].includes(params.get('tab')) ?
      params.get('tab') :
      'contacts';
  const bot = app.chatbots.find((b) => b.id === botId);
  if (!bot) {
    app.bot = null;
    $('chatbot-select').value = '';
    show('chatbots-view');
    return;
  }
  if (!app.bot || app.bot.id !== bot.id) {
    for (const view of Object.values(app.views)) view.destroy?.();
    app.bot = bot;
    app.attributes = [];
    try {
      await ctx.reloadAttributes();
    } catch (e) {
      announce(e.message);
    }
    $('bot-title').textContent = `${bot.name} (${bot.id})`;
    app.views = {
      contacts: new ContactsView($('tab-contacts'), ctx),
      attributes: new AttributesView($('tab-attributes'), ctx),
      import: new ImportView($('tab-import'), ctx),
    };
  }
  $('chatbot-select').value = bot.id;
  show('bot-view');
  selectTab(tab);
}

function selectTab(tab) {
  app.tab = tab;
  for (const button of document.querySelectorAll('.tab')) {
    button.setAttribute('aria-pressed', String(button.dataset.tab === tab));
  }
  for (const name of ['contacts', 'attributes', 'import']) {
    $(`tab-${name}`).hidden = name !== tab;
  }
  app.views[tab]?.show?.();
}

function setupChatbotForm() {
  $('chatbot-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const id of ['chatbot-name-error', 'chatbot-id-error', 'chatbot-form-error']) {
      $(id).textContent = '';
    }
    const name = $('chatbot-name').value.trim();
    const id = $('chatbot-id').value.trim();
    if (!name) {
      $('chatbot-name-error').textContent = 'Enter a name.';
      $('chatbot-name').focus();
      return;
    }
    try {
      const res = await app.api.createChatbot(id ? {id, name} : {name});
      app.chatbots.push(res.data);
      $('chatbot-form').reset();
      renderChatbotChoices();
      announce(`Chatbot ${res.data.name} created`);
      openBot(res.data.id);
    } catch (e) {
      let shown = false;
      for (const issue of e.issues || []) {
        const target = $(`chatbot-${issue.field}-error`);
        if (target) {
          target.textContent = issue.message;
          shown = true;
        }
      }
      if (!shown) $('chatbot-form-error').textContent = e.message;
    }
  });
}

function start() {
  $('signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('api-key').value.trim();
    if (!key) {
      $('signin-error').textContent = 'Enter an API key.';
      $('api-key').focus();
      return;
    }
    signIn(key);
  });
  $('sign-out').addEventListener('click', signOut);
  $('chatbot-select').addEventListener('change', (event) => {
    if (event.target.value) {
      openBot(event.target.value);
    } else {
      setHash(null);
      route();
    }
  });
  for (const button of document.querySelectorAll('.tab')) {
    button.addEventListener('click', () => {
      setHash(app.bot.id, button.dataset.tab);
      selectTab(button.dataset.tab);
    });
  }
  setupChatbotForm();
  window.addEventListener('popstate', route);
  const saved = sessionStorage.getItem(KEY_STORAGE);
  if (saved) {
    signIn(saved, {quiet: true}).then((ok) => ok || show('signin-view'));
  } else {
    show('signin-view');
  }
}

start();
