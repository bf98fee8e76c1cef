// The crm web page (DESIGN §6.4): plain DOM code, no library. Every value from the API reaches the page as text
// (textContent or text nodes); nothing is parsed as HTML. The token lives in sessionStorage and travels only in
// the Authorization header.
'use strict';
(() => {
  const TOKEN_KEY = 'crm.token';
  const PAGE = 25;
  const POLL_MS = 1000;
  const STATUSES = ['open', 'in_progress', 'pending', 'resolved', 'closed'];
  const $ = (id) => document.getElementById(id);

  const state = {
    token: sessionStorage.getItem(TOKEN_KEY),
    me: null,
    tab: 'tickets',
    tickets: { filter: {}, offset: 0, seen: '' },
    ticket: null,
    customers: { filter: {}, offset: 0, seen: '' },
    customer: null,
    notes: null,
    audit: { filter: {}, offset: 0, seen: '' },
    users: { seen: '', editing: null },
    tokens: { seen: '' },
  };

  // ---- HTTP ----

  class ApiError extends Error {
    constructor(status, message, code) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function api(method, path, options = {}) {
    const headers = { Accept: 'application/json' };
    const token = options.token !== undefined ? options.token : state.token;
    if (token) headers.Authorization = 'Bearer ' + token;
    if (options.ifMatch !== undefined) headers['If-Match'] = '"' + options.ifMatch + '"';
    let body;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    let response;
    try {
      response = await fetch(path, { method, headers, body, cache: 'no-store', credentials: 'omit' });
    } catch (error) {
      throw new ApiError(0, 'The server cannot be reached: ' + error.message);
    }
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (ignored) {
      data = null;
    }
    if (!response.ok) {
      const code = data && data.error ? data.error.code : undefined;
      throw new ApiError(response.status, errorText(response.status, data, text), code);
    }
    const total = response.headers.get('X-Total-Count');
    return { data, text, total: total === null ? null : Number(total) };
  }

  function errorText(status, data, text) {
    let detail = '';
    if (data && typeof data === 'object') {
      if (data.error && typeof data.error.message === 'string') detail = data.error.message;
      else if (typeof data.detail === 'string') detail = data.detail;
      if (data.error && Array.isArray(data.error.allowed)) {
        detail += ' (allowed: ' + (data.error.allowed.join(', ') || 'none') + ')';
      }
    }
    const label = status === 412 ? 'Conflict' : 'Error ' + status;
    return label + ': ' + (detail || text || 'no details');
  }

  // ---- DOM helpers (text only) ----

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  /// Replaces a container's children, giving focus back to the element with the same data-key.
  function replaceKeepingFocus(container, ...nodes) {
    const active = document.activeElement;
    const key = active && container.contains(active) ? active.getAttribute('data-key') : null;
    container.replaceChildren(...nodes);
    if (key) {
      const again = [...container.querySelectorAll('[data-key]')].find((n) => n.getAttribute('data-key') === key);
      if (again) again.focus();
    }
  }

  function table(headings, rows, optional = []) {
    if (!rows.length) return el('p', { class: 'meta' }, 'Nothing to show.');
    const head = el('tr', {}, headings.map((h, i) => el('th', { scope: 'col', class: optional.includes(i) ? 'optional' : null }, h)));
    return el('div', { class: 'table-wrap' }, el('table', {}, el('thead', {}, head), el('tbody', {}, rows)));
  }

  function cells(values, optional = []) {
    return values.map((v, i) => el('td', { class: optional.includes(i) ? 'optional' : null }, v));
  }

  function pager(offset, count, total, go) {
    const to = offset + count;
    const known = typeof total === 'number' && !Number.isNaN(total);
    const range = count ? `${offset + 1}–${to}` : 'none';
    return el('div', { class: 'pager' },
      el('button', { type: 'button', 'data-key': 'prev', disabled: offset === 0, onclick: () => go(Math.max(0, offset - PAGE)) }, 'Previous'),
      el('span', {}, known ? `${range} of ${total}` : range),
      el('button', { type: 'button', 'data-key': 'next', disabled: known ? to >= total : count < PAGE, onclick: () => go(offset + PAGE) }, 'Next'));
  }

  // A paged list view ({filter, offset, seen}): shows the page at `view.offset` in the element `listId`, unless
  // the answer is the one already shown; its pager moves the offset and calls `reload`.
  async function loadPage(view, path, listId, headings, optional, row, reload) {
    const answer = await api('GET', path + '?' + queryString(view.filter, view.offset));
    const seen = answer.text + '|' + answer.total;
    if (seen === view.seen) return;
    view.seen = seen;
    replaceKeepingFocus($(listId),
      table(headings, answer.data.map(row), optional),
      pager(view.offset, answer.data.length, answer.total, (offset) => {
        view.offset = offset;
        act(reload);
      }));
  }

  // A list view without paging ({seen}): shows the rows `path` answers in the element `listId`, unless the
  // answer is the one already shown.
  async function loadTable(view, path, listId, headings, optional, row) {
    const answer = await api('GET', path);
    if (answer.text === view.seen) return;
    view.seen = answer.text;
    replaceKeepingFocus($(listId), table(headings, answer.data.map(row), optional));
  }

  // The fields of an edit form whose value differs from `base`; in the `nullable` ones an empty field means null.
  function changedFields(values, base, names, nullable = []) {
    const body = {};
    for (const name of names) {
      const before = base[name] === null ? '' : base[name];
      if (values[name] !== before) body[name] = nullable.includes(name) && values[name] === '' ? null : values[name];
    }
    return body;
  }

  // Saves the changed fields (`body`) of an edit form with If-Match; a stale version (412) is explained with
  // `stale`. Either way the form is no longer dirty and `reload` shows the current record.
  async function saveEdit(form, path, body, version, saved, stale, reload) {
    if (!Object.keys(body).length) {
      say('Nothing to save: no field was changed.');
      return;
    }
    try {
      say(saved((await api('PATCH', path, { body, ifMatch: version })).data));
    } catch (error) {
      if (error.status !== 412) throw error;
      say(`${error.message}. ${stale}`, true);
    } finally {
      form.dataset.dirty = '';
      await reload();
    }
  }

  // Creates `body` with POST `path`, empties the form, says `created(record)` and shows the list view afresh
  // with `reload`; returns the new record.
  async function createFrom(form, path, body, created, view, reload) {
    const record = (await api('POST', path, { body })).data;
    form.reset();
    say(created(record));
    forget(view);
    await reload();
    return record;
  }

  // Shows a list view from its first page with a new filter.
  function setFilter(view, filter) {
    view.filter = filter;
    view.offset = 0;
    forget(view);
  }

  // Forgets what `views` show, so that their next load draws them afresh.
  function forget(...views) {
    for (const view of views) view.seen = '';
  }

  function fields(dl, pairs) {
    dl.replaceChildren(...pairs.flatMap(([name, value]) => [el('dt', {}, name), el('dd', {}, value)]));
  }

  function say(text, isError = false) {
    const box = $('message');
    box.textContent = text;
    box.classList.toggle('error', isError);
    box.hidden = false;
  }

  /// A query string with every name and value percent-encoded (`%20` for a space: the server does not read `+`).
  function queryString(filter, offset) {
    const pairs = Object.entries(filter).filter(([, value]) => value !== '');
    pairs.push(['limit', PAGE], ['offset', offset]);
    return pairs.map(([key, value]) => encodeURIComponent(key) + '=' + encodeURIComponent(value)).join('&');
  }

  function words(text) {
    return text.split(/[\s,]+/).filter((w) => w.length > 0);
  }

  function formValues(form) {
    return Object.fromEntries(new FormData(form).entries());
  }

  function trackDirty(form) {
    const mark = () => { form.dataset.dirty = '1'; };
    form.addEventListener('input', mark);
    form.addEventListener('change', mark);
  }

  const can = (permission) => !!state.me && state.me.permissions.includes(permission);
  const show = (value) => (value === null || value === undefined || value === '' ? '—' : String(value));

  /// Runs an action from a button or form, showing its error instead of throwing.
  async function act(action) {
    try {
      await action();
    } catch (error) {
      say(error.message, true);
    }
  }

  function onSubmit(id, handler) {
    $(id).addEventListener('submit', (event) => {
      event.preventDefault();
      act(() => handler(event.target));
    });
  }

  // ---- session ----

  async function loadMe() {
    try {
      state.me = (await api('GET', '/api/me')).data;
    } catch (error) {
      if (state.token && error.status === 403) {
        forgetToken();
        say('The token was not accepted; you are not logged in.', true);
        state.me = (await api('GET', '/api/me')).data;
      } else {
        throw error;
      }
    }
    applyRole();
  }

  function forgetToken() {
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
  }

  function applyRole() {
    const loggedIn = !!(state.me && state.me.role);
    $('login-form').hidden = loggedIn;
    $('session').hidden = !loggedIn;
    $('session-user').textContent = loggedIn ? state.me.user : '';
    $('session-role').textContent = loggedIn ? state.me.role : '';
    for (const node of document.querySelectorAll('[data-needs]')) node.hidden = !can(node.dataset.needs);
    if (!can('ticket.read')) $('ticket-list').replaceChildren(el('p', { class: 'meta' }, 'Log in to see tickets.'));
    showTab(state.tab);
  }

  function resetViews() {
    state.ticket = null;
    state.customer = null;
    state.notes = null;
    state.users.editing = null;
    forget(state.tickets, state.customers, state.audit, state.users, state.tokens);
    for (const id of ['ticket-detail', 'customer-detail', 'user-edit', 'token-secret']) $(id).hidden = true;
    for (const id of ['customer-list', 'notes-list', 'audit-list', 'user-list', 'token-list']) $(id).replaceChildren();
    $('notes-ticket').textContent = '';
    $('token-secret-value').textContent = '';
  }

  onSubmit('login-form', async (form) => {
    const token = form.elements.token.value;
    let me;
    try {
      me = (await api('GET', '/api/me', { token })).data;
    } catch (error) {
      throw error.status === 403 ? new ApiError(403, `${error.message} (the token was not accepted)`) : error;
    }
    state.token = token;
    state.me = me;
    sessionStorage.setItem(TOKEN_KEY, token);
    form.reset();
    resetViews();
    applyRole();
    say(`Logged in as ${state.me.user} (${state.me.role}).`);
  });

  $('logout').addEventListener('click', () => act(async () => {
    forgetToken();
    resetViews();
    await loadMe();
    say('Logged out.');
    $('login-token').focus();
  }));

  // ---- tabs and polling ----

  function tabButtons() {
    return [...document.querySelectorAll('#tabs button')];
  }

  function showTab(name) {
    const button = tabButtons().find((b) => b.dataset.tab === name);
    if (!button || button.hidden) name = 'tickets';
    state.tab = name;
    for (const b of tabButtons()) b.setAttribute('aria-current', b.dataset.tab === name ? 'page' : 'false');
    for (const panel of document.querySelectorAll('[data-panel]')) panel.hidden = panel.dataset.panel !== name;
    act(() => refresh());
  }

  for (const button of tabButtons()) button.addEventListener('click', () => showTab(button.dataset.tab));

  /// Reloads what the current tab shows; each view re-renders only when its answer changed.
  async function refresh() {
    switch (state.tab) {
      case 'tickets':
        if (can('ticket.read')) await loadTicketList();
        if (state.ticket) await loadTicket();
        break;
      case 'customers':
        await loadCustomerList();
        if (state.customer) await loadCustomer();
        break;
      case 'notes':
        if (state.notes) await loadNotes();
        break;
      case 'audit':
        await loadAudit();
        break;
      case 'users':
        await loadUsers();
        break;
      case 'tokens':
        await loadTokens();
        break;
    }
  }

  let polling = false;
  setInterval(async () => {
    if (polling || !state.me) return;
    polling = true;
    try {
      await refresh();
    } catch (error) {
      if (error.code === 'unauthenticated' && state.token) {
        forgetToken();
        resetViews();
        await act(loadMe);
        say('Your token stopped working; you are logged out.', true);
      } else {
        say(error.message, true);
      }
    } finally {
      polling = false;
    }
  }, POLL_MS);

  // ---- tickets ----

  async function loadTicketList() {
    await loadPage(state.tickets, '/api/tickets', 'ticket-list',
      ['ID', 'Subject', 'Status', 'Priority', 'Assignee', 'Customer', 'Tags'], [4, 5, 6],
      (t) => el('tr', {},
        el('td', {}, String(t.id)),
        el('td', {}, el('button', { type: 'button', class: 'link', 'data-key': 'ticket-' + t.id, onclick: () => act(() => openTicket(t.id)) }, t.subject)),
        cells([t.status, t.priority, show(t.assignee), String(t.customer_id), t.tags.join(' ')], [2, 3, 4])),
      loadTicketList);
  }

  onSubmit('ticket-filters', async (form) => {
    setFilter(state.tickets, formValues(form));
    await loadTicketList();
  });

  async function openTicket(id) {
    state.ticket = { id, seen: '', base: null, moves: null, notesSeen: '', historySeen: '' };
    $('ticket-edit').dataset.dirty = '';
    await loadTicket();
    if (!state.ticket) return;
    $('ticket-detail').hidden = false;
    $('h-ticket').focus();
  }

  function closeTicket() {
    state.ticket = null;
    $('ticket-detail').hidden = true;
  }

  async function loadTicket() {
    const current = state.ticket;
    let answer;
    try {
      answer = await api('GET', '/api/tickets/' + current.id);
    } catch (error) {
      if (error.status === 404 && state.ticket === current) {
        closeTicket();
        say(`Ticket #${current.id} does not exist (any more).`, true);
        return;
      }
      throw error;
    }
    if (state.ticket !== current) return;
    const ticket = answer.data;
    if (can('ticket.update') && (!current.moves || current.moves.version !== ticket.version)) {
      const moves = (await api('GET', `/api/tickets/${ticket.id}/transitions`)).data;
      current.moves = { version: ticket.version, allowed: moves.allowed };
    }
    if (answer.text !== current.seen) {
      current.seen = answer.text;
      renderTicket(ticket);
    }
    if (can('note.read')) {
      const notes = await api('GET', `/api/tickets/${ticket.id}/notes`);
      if (notes.text !== current.notesSeen) {
        current.notesSeen = notes.text;
        renderNotes($('ticket-notes'), notes.data);
      }
    }
    if (can('ticket.history')) {
      const history = await api('GET', `/api/tickets/${ticket.id}/history`);
      if (history.text !== current.historySeen) {
        current.historySeen = history.text;
        renderHistory($('ticket-history'), history.data);
      }
    }
  }

  function renderTicket(ticket) {
    $('h-ticket').textContent = `#${ticket.id} ${ticket.subject}`;
    fields($('ticket-fields'), [
      ['Customer', String(ticket.customer_id)], ['Status', ticket.status], ['Priority', ticket.priority],
      ['Assignee', show(ticket.assignee)], ['Tags', show(ticket.tags.join(' '))],
      ['Description', show(ticket.description)], ['Created', ticket.created_at], ['Updated', ticket.updated_at],
      ['Version', String(ticket.version)],
    ]);
    const form = $('ticket-edit');
    if (form.dataset.dirty) {
      $('ticket-edit-stale').hidden = state.ticket.base.version === ticket.version;
      return;
    }
    fillTicketForm(ticket);
  }

  function fillTicketForm(ticket) {
    const form = $('ticket-edit');
    const allowed = state.ticket.moves ? state.ticket.moves.allowed : [];
    const options = [ticket.status, ...STATUSES.filter((s) => allowed.includes(s))];
    form.elements.status.replaceChildren(...options.map((s) =>
      el('option', { value: s }, s === ticket.status ? `${s} (current)` : s)));
    form.elements.status.value = ticket.status;
    form.elements.priority.value = ticket.priority;
    form.elements.assignee.value = ticket.assignee === null ? '' : ticket.assignee;
    form.elements.tags.value = ticket.tags.join(' ');
    form.dataset.dirty = '';
    $('ticket-edit-stale').hidden = true;
    state.ticket.base = ticket;
  }

  function renderNotes(list, notes) {
    list.replaceChildren(...(notes.length ? notes.map((note) => el('li', {},
      el('div', { class: 'meta' }, `${note.author} · ${note.created_at}`), el('div', {}, note.text)))
      : [el('li', { class: 'meta' }, 'No notes yet.')]));
  }

  function renderHistory(list, events) {
    list.replaceChildren(...events.map((event) => el('li', {},
      el('div', { class: 'meta' }, `${event.at} · ${event.actor} · ${event.action} · via ${event.via}`),
      describeChanges(event.changes))));
  }

  function describeChanges(changes) {
    const lines = Object.entries(changes || {}).map(([field, pair]) =>
      Array.isArray(pair) ? `${field}: ${JSON.stringify(pair[0])} → ${JSON.stringify(pair[1])}` : `${field}: ${JSON.stringify(pair)}`);
    return el('div', {}, lines.join('\n'));
  }

  trackDirty($('ticket-edit'));

  onSubmit('ticket-edit', async (form) => {
    const base = state.ticket.base;
    const values = formValues(form);
    const body = changedFields(values, base, ['status', 'priority', 'assignee'], ['assignee']);
    const tags = words(values.tags);
    const added = tags.filter((t) => !base.tags.includes(t));
    const removed = base.tags.filter((t) => !tags.includes(t));
    if (added.length) body.add_tags = added;
    if (removed.length) body.remove_tags = removed;
    await saveEdit(form, `/api/tickets/${base.id}`, body, base.version,
      (saved) => `Ticket #${saved.id} saved (version ${saved.version}).`,
      `Ticket #${base.id} was changed elsewhere after you loaded it, so your change was not saved. The form now ` +
        'shows the current ticket; make your change again.',
      async () => {
        forget(state.ticket, state.tickets);
        await loadTicket();
      });
  });

  onSubmit('ticket-note', async (form) => {
    const note = (await api('POST', `/api/tickets/${state.ticket.id}/notes`, { body: { text: form.elements.text.value } })).data;
    form.reset();
    say(`Note ${note.id} added to ticket #${note.ticket_id}.`);
    await loadTicket();
  });

  onSubmit('ticket-create', async (form) => {
    const values = formValues(form);
    const body = { customer_id: values.customer_id, subject: values.subject, description: values.description,
      priority: values.priority, tags: words(values.tags) };
    if (values.assignee !== '') body.assignee = values.assignee;
    const ticket = await createFrom(form, '/api/tickets', body, (t) => `Ticket #${t.id} created.`, state.tickets, loadTicketList);
    await openTicket(ticket.id);
  });

  // ---- customers ----

  async function loadCustomerList() {
    await loadPage(state.customers, '/api/customers', 'customer-list', ['ID', 'Name', 'Email', 'Company'], [3],
      (c) => el('tr', {},
        el('td', {}, String(c.id)),
        el('td', {}, el('button', { type: 'button', class: 'link', 'data-key': 'customer-' + c.id, onclick: () => act(() => openCustomer(c.id)) }, c.name)),
        cells([c.email, show(c.company)], [1])),
      loadCustomerList);
  }

  onSubmit('customer-lookup', (form) => openCustomer(form.elements.id.value));

  async function openCustomer(id) {
    const answer = await api('GET', '/api/customers/' + encodeURIComponent(id));
    state.customer = { id: answer.data.id, seen: '', base: null };
    $('customer-edit').dataset.dirty = '';
    renderCustomer(answer);
    $('customer-detail').hidden = false;
    $('h-customer').focus();
  }

  async function loadCustomer() {
    const current = state.customer;
    try {
      const answer = await api('GET', '/api/customers/' + current.id);
      if (state.customer === current) renderCustomer(answer);
    } catch (error) {
      if (error.status !== 404) throw error;
      state.customer = null;
      $('customer-detail').hidden = true;
      say(`Customer ${current.id} does not exist (any more).`, true);
    }
  }

  function renderCustomer(answer) {
    if (answer.text === state.customer.seen) return;
    state.customer.seen = answer.text;
    const c = answer.data;
    $('h-customer').textContent = `#${c.id} ${c.name}`;
    fields($('customer-fields'), [['Email', c.email], ['Company', show(c.company)], ['Created', c.created_at],
      ['Updated', c.updated_at], ['Version', show(c.version)]]);
    const form = $('customer-edit');
    if (form.dataset.dirty) return;
    form.elements.name.value = c.name;
    form.elements.email.value = c.email;
    form.elements.company.value = c.company === null ? '' : c.company;
    state.customer.base = c;
  }

  trackDirty($('customer-edit'));

  onSubmit('customer-edit', async (form) => {
    const base = state.customer.base;
    const body = changedFields(formValues(form), base, ['name', 'email', 'company'], ['company']);
    await saveEdit(form, `/api/customers/${base.id}`, body, base.version,
      (saved) => `Customer #${saved.id} saved.`,
      `Customer #${base.id} was changed elsewhere after you loaded it, so your change was not saved. The form now ` +
        'shows the current customer.',
      async () => {
        forget(state.customer, state.customers);
        await loadCustomer();
        await loadCustomerList();
      });
  });

  $('customer-tickets').addEventListener('click', () => {
    const filters = $('ticket-filters');
    filters.reset();
    filters.elements.customer_id.value = String(state.customer.id);
    setFilter(state.tickets, formValues(filters));
    showTab('tickets');
    filters.elements.customer_id.focus();
  });

  onSubmit('customer-create', async (form) => {
    const values = formValues(form);
    const body = { name: values.name, email: values.email };
    if (values.company !== '') body.company = values.company;
    const customer = await createFrom(form, '/api/customers', body, (c) => `Customer #${c.id} created.`, state.customers,
      loadCustomerList);
    await openCustomer(customer.id);
  });

  // ---- notes ----

  onSubmit('notes-lookup', async (form) => {
    state.notes = { id: form.elements.ticket.value, seen: '' };
    await loadNotes();
  });

  async function loadNotes() {
    const current = state.notes;
    const ticket = (await api('GET', '/api/tickets/' + encodeURIComponent(current.id))).data;
    const notes = await api('GET', `/api/tickets/${ticket.id}/notes`);
    if (state.notes !== current) return;
    current.id = ticket.id;
    $('notes-ticket').textContent = `Ticket #${ticket.id}: ${ticket.subject} (${ticket.status})`;
    if (notes.text === current.seen) return;
    current.seen = notes.text;
    renderNotes($('notes-list'), notes.data);
  }

  onSubmit('notes-add', async (form) => {
    if (!state.notes) throw new ApiError(0, 'Choose a ticket first.');
    const note = (await api('POST', `/api/tickets/${state.notes.id}/notes`, { body: { text: form.elements.text.value } })).data;
    form.reset();
    say(`Note ${note.id} added to ticket #${note.ticket_id}.`);
    await loadNotes();
  });

  // ---- audit ----

  async function loadAudit() {
    await loadPage(state.audit, '/api/audit', 'audit-list', ['ID', 'At', 'Actor', 'Action', 'Entity', 'Changes', 'Via'], [1, 6],
      (e) => el('tr', {},
        cells([String(e.id), e.at, e.actor, e.action, e.entity], [1]), el('td', {}, describeChanges(e.changes)),
        el('td', { class: 'optional' }, e.via)),
      loadAudit);
  }

  onSubmit('audit-filters', async (form) => {
    setFilter(state.audit, formValues(form));
    await loadAudit();
  });

  // ---- users (admin) ----

  async function loadUsers() {
    await loadTable(state.users, '/api/users', 'user-list', ['Name', 'Display name', 'Role', 'State', 'Created'], [4],
      (u) => el('tr', {},
        el('td', {}, el('button', { type: 'button', class: 'link', 'data-key': 'user-' + u.name, onclick: () => editUser(u) }, u.name)),
        cells([show(u.display_name), u.role, u.disabled ? 'disabled' : 'active', show(u.created_at)], [3])));
  }

  function editUser(user) {
    const form = $('user-edit');
    state.users.editing = user.name;
    $('h-user').textContent = 'User ' + user.name;
    form.elements.display_name.value = user.display_name === null || user.display_name === undefined ? '' : user.display_name;
    form.elements.role.value = user.role;
    form.elements.disabled.checked = !!user.disabled;
    form.hidden = false;
    $('h-user').focus();
  }

  onSubmit('user-edit', async (form) => {
    const values = formValues(form);
    const body = { role: values.role, disabled: form.elements.disabled.checked };
    if (values.display_name !== '') body.display_name = values.display_name;
    const user = (await api('PATCH', '/api/users/' + encodeURIComponent(state.users.editing), { body })).data;
    say(`User ${user.name} saved.`);
    forget(state.users);
    await loadUsers();
  });

  onSubmit('user-create', async (form) => {
    const values = formValues(form);
    const body = { name: values.name, role: values.role };
    if (values.display_name !== '') body.display_name = values.display_name;
    await createFrom(form, '/api/users', body, (u) => `User ${u.name} created.`, state.users, loadUsers);
  });

  // ---- tokens (admin) ----

  async function loadTokens() {
    await loadTable(state.tokens, '/api/tokens?all=true', 'token-list',
      ['ID', 'User', 'Label', 'Expires', 'Last used', 'Revoked', ''], [3, 4],
      (t) => el('tr', {},
        cells([String(t.id), t.user, show(t.label), show(t.expires_at), show(t.last_used_at), show(t.revoked_at)], [3, 4]),
        el('td', {}, t.revoked_at ? '' : el('button', { type: 'button', 'data-key': 'revoke-' + t.id, onclick: () => act(() => revokeToken(t)) }, 'Revoke'))));
  }

  async function revokeToken(token) {
    if (!window.confirm(`Revoke token ${token.id} of ${token.user}? It stops working at once.`)) return;
    await api('DELETE', '/api/tokens/' + token.id);
    say(`Token ${token.id} revoked.`);
    forget(state.tokens);
    await loadTokens();
  }

  onSubmit('token-create', async (form) => {
    const values = formValues(form);
    const body = {};
    for (const key of ['user', 'label', 'expires']) if (values[key] !== '') body[key] = values[key];
    const created = (await api('POST', '/api/tokens', { body })).data;
    form.reset();
    $('token-secret-value').textContent = created.token;
    $('token-secret').hidden = false;
    say(`Token ${created.id} created; copy it now, it is not shown again.`);
    forget(state.tokens);
    await loadTokens();
  });

  act(loadMe);
})();
