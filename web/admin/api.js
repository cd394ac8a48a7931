// The v1 API client: every call carries "Authorization: Bearer KEY". Errors become ApiError with
// the API's message and its validation issues ({field, message}).

export class ApiError extends Error {
  constructor(status, message, issues) {
    super(message);
    this.status = status;
    this.issues = issues || [];
  }
}

// A number kept as its exact text: one typed by the user, or an integer beyond 2^53 read from
// the API (parseJson). toJson writes it as a bare number.
export class RawNumber {
  constructor(text) {
    this.text = text;
  }
  toJSON() {
    return `\u0000raw:${this.text}\u0000`;
  }
  toString() {
    return this.text;
  }
}

export function toJson(value) {
  return JSON.stringify(value).replace(/"\\u0000raw:([^"\\]*)\\u0000"/g, '$1');
}

// JSON.parse, except that an integer beyond ±2^53 becomes a RawNumber with its exact digits: the
// API keeps integer attribute values exact within int64, and a JavaScript number would round
// them (an edit would then save the rounded value). A string, or a number with a fraction or an
// exponent, is never touched: the pattern matches whole strings first and skips them.
const jsonToken = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?![\d.eE])/g;
export function parseJson(text) {
  const id = Math.random().toString(36).slice(2);
  const tag = `\u0000int${id}:`;  // what the marker string parses to
  let out = '';
  let last = 0;
  for (const m of text.matchAll(jsonToken)) {
    if (m[0][0] === '"' || Number.isSafeInteger(Number(m[0]))) continue;
    out += `${text.slice(last, m.index)}"\\u0000int${id}:${m[0]}"`;
    last = m.index + m[0].length;
  }
  if (last === 0) return JSON.parse(text);
  return JSON.parse(out + text.slice(last), (key, value) =>
    typeof value === 'string' && value.startsWith(tag) ? new RawNumber(value.slice(tag.length)) :
      value);
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
      json = parseJson(await response.text());
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
