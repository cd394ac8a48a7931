// The v1 API client: every call carries "Authorization: Bearer KEY". Errors become ApiError with
// the API's message and its validation issues ({field, message}).

export class ApiError extends Error {
  constructor(status, message, issues) {
    super(message);
    this.status = status;
    this.issues = issues || [];
  }
}

// A number typed by the user, sent as its exact text (integers stay exact beyond 2^53).
export class RawNumber {
  constructor(text) {
    this.text = text;
  }
  toJSON() {
    return `\u0000raw:${this.text}\u0000`;
  }
}

export function toJson(value) {
  return JSON.stringify(value).replace(/"\\u0000raw:([^"\\]*)\\u0000"/g, '$1');
}

// [["q","x"],["filter[a][eq]","1"]] -> "?q=x&filter%5Ba%5D%5Beq%5D=1"
export function queryString(pairs) {
  const parts = [];
  for (const [name, value] of pairs) {
    if (value === undefined || value === null || value === '') continue;
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

export class Api {
  constructor(key) {
    this.key = key;
  }

  async fetch(method, path, {query = [], body, contentType, signal} = {}) {
    const headers = {Authorization: `Bearer ${this.key}`};
    let payload;
    if (body !== undefined) {
      if (typeof body === 'string' || body instanceof Blob) {
        payload = body;
        if (contentType) headers['Content-Type'] = contentType;
      } else {
        payload = toJson(body);
        headers['Content-Type'] = 'application/json';
      }
    }
    let response;
    try {
      response = await fetch(`/api/v1${path}${queryString(query)}`, {
        method,
        headers,
        body: payload,
        signal,
        cache: 'no-store',
      });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0, `Network error: ${e.message}`);
    }
    return response;
  }

  // Calls the API and returns its parsed JSON body, or throws ApiError.
  async request(method, path, options = {}) {
    const response = await this.fetch(method, path, options);
    let json = null;
    try {
      json = await response.json();
    } catch {
      json = null;
    }
    if (!response.ok) {
      const message = (json && json.message) || `HTTP ${response.status}`;
      throw new ApiError(response.status, message, json && json.issues);
    }
    return json;
  }

  // Convenience wrappers.
  chatbots() {
    return this.request('GET', '/chatbots');
  }
  createChatbot(body) {
    return this.request('POST', '/chatbots', {body});
  }
  attributes(bot) {
    return this.request('GET', `/chatbots/${encodeURIComponent(bot)}/custom-attributes`);
  }
  defineAttribute(bot, body) {
    return this.request('POST', `/chatbots/${encodeURIComponent(bot)}/custom-attributes`, {body});
  }
  updateAttribute(bot, name, body) {
    const path = `/chatbots/${encodeURIComponent(bot)}/custom-attributes/${encodeURIComponent(name)}`;
    return this.request('PUT', path, {body});
  }
  listContacts(bot, query, signal) {
    return this.request('GET', `/chatbots/${encodeURIComponent(bot)}/contacts`, {query, signal});
  }
  createContact(bot, contact) {
    return this.request('POST', `/chatbots/${encodeURIComponent(bot)}/contacts`, {
      body: {users: [contact]},
    });
  }
  updateContact(bot, externalId, contact) {
    const path = `/chatbots/${encodeURIComponent(bot)}/contacts/${encodeURIComponent(externalId)}`;
    return this.request('PATCH', path, {body: contact});
  }
  deleteContact(bot, externalId) {
    const path = `/chatbots/${encodeURIComponent(bot)}/contacts/${encodeURIComponent(externalId)}`;
    return this.request('DELETE', path);
  }
}

// The form field an issue's path belongs to: "users[0].custom_attributes.ltv" and
// "data.custom_attributes.ltv" -> "custom_attributes.ltv"; "stripe_accounts[1].label" stays.
export function issueField(path) {
  return String(path || '')
    .replace(/^(users|contacts)\[\d+\]\.?/, '')
    .replace(/^data\.?/, '');
}
