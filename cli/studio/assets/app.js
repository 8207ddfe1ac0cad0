// The studio's page: plain DOM, no framework, no build step. Every text from Connect goes into the
// page as text (textContent), never as HTML: a view's name or template is data, not markup.

const PAGE_SIZE = 50;
// The access token: it arrives in the fragment of the printed address (never sent to a server) and
// is kept in this origin's storage, which no page on another port can read (a cookie would be
// sent to every port of 127.0.0.1). Sent in a header on every API request, it is the CSRF token too.
const TOKEN_KEY = 'connect-views-studio-token';
let token = localStorage.getItem(TOKEN_KEY) ?? '';
const main = document.getElementById('main');
const crumbs = document.getElementById('crumbs');

/** Builds an element: attributes (`on*` are listeners) and children (strings become text). */
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false || value === null) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null && child !== false) node.append(child);
  return node;
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, { method = 'GET', body, signal, as = token } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      signal,
      credentials: 'omit',
      headers: { 'x-studio-token': as, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'The studio does not answer: is it still running? Start it again and reload this page.');
  }
  const data = await response.json().catch(() => ({}));
  if (response.status === 401) {
    throw new ApiError(401, 'This tab has no valid access token: open the address `connect-views studio` printed (…/#token=…).');
  }
  if (!response.ok) throw new ApiError(response.status, data.error ?? `The studio answered ${response.status}.`);
  return data;
}

const enc = encodeURIComponent;
const shortSha = (sha) => (sha ? sha.slice(0, 12) : '');
const label = (q) => (q === '$LATEST' || q === '$SAVED' ? q : `version ${q}`);

function when(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function errorBox(error) {
  return h('p', { class: 'error', role: 'alert' }, error.message);
}

function setCrumbs(...items) {
  crumbs.replaceChildren(...items.map((item) => h('li', {}, item.href ? h('a', { href: item.href }, item.text) : item.text)));
}

/** A new screen: its content replaces the old, the heading takes the focus (screen readers announce it). */
function show(title, ...content) {
  const heading = h('h1', { tabindex: '-1' }, title);
  main.replaceChildren(heading, ...content);
  document.title = `${title} · Views studio`;
  heading.focus();
  return heading;
}

// ---- Router: the hash names the screen, so each is linkable. ----

let leaving = () => {};
/** Counts screens shown: an answer that arrives after its screen was left is dropped. */
let screens = 0;

function parseHash() {
  const [path, search = ''] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, params: new URLSearchParams(search) };
}

function route() {
  leaving();
  leaving = () => {};
  screens++;
  const { parts, params } = parseHash();
  if (parts[0] === 'views' && parts.length === 2) return viewScreen(parts[1]);
  if (parts[0] === 'views' && parts[2] === 'compare' && parts.length === 5) return compareScreen(parts[1], parts[3], parts[4]);
  return viewsScreen(params);
}

// ---- Views: the list, filtered at the target (SearchViews) or here, sorted and paged here. ----

const details = new Map();
const COLUMNS = [
  ['name', 'Name'],
  ['status', 'Status'],
  ['description', 'Description'],
  ['type', 'Type'],
  ['lastModified', 'Last modified'],
  ['versions', 'Versions'],
  ['tags', 'Tags'],
];

function rowValue(row, key) {
  const extra = details.get(row.id) ?? {};
  if (key === 'versions') return extra.versions;
  if (key === 'lastModified') return row.lastModified ?? extra.lastModified;
  if (key === 'tags') return row.tags ?? extra.tags;
  if (key === 'status') return row.status ?? extra.status;
  return row[key];
}

function compareValues(a, b) {
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1;
  if (b === undefined || b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'object') return Object.keys(a).length - Object.keys(b).length;
  return String(a).localeCompare(String(b), undefined, { sensitivity: 'base', numeric: true });
}

function tagList(tags) {
  const entries = Object.entries(tags ?? {});
  if (entries.length === 0) return '';
  return h('ul', { class: 'tags' }, ...entries.map(([key, value]) => h('li', {}, `${key}=${value}`)));
}

function viewsScreen(params) {
  setCrumbs({ text: 'Views' });
  const state = {
    q: params.get('q') ?? '',
    sort: params.get('sort') ?? 'name',
    dir: params.get('dir') === 'desc' ? 'desc' : 'asc',
    page: Math.max(1, Number(params.get('page')) || 1),
    list: undefined,
  };
  const input = h('input', { id: 'filter', type: 'search', value: state.q, autocomplete: 'off', 'aria-describedby': 'filter-hint' });
  const status = h('p', { role: 'status', class: 'muted', id: 'list-status' });
  const table = h('div', { class: 'table-wrap' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  const problem = h('div');
  show(
    'Views',
    h(
      'div',
      { class: 'filter' },
      h('label', { for: 'filter' }, 'Filter by name or description'),
      input,
      h('span', { id: 'filter-hint', class: 'muted' }, 'Press / to come back here.'),
    ),
    problem,
    status,
    table,
    pager,
  );

  const keepInAddress = () => {
    const search = new URLSearchParams();
    if (state.q) search.set('q', state.q);
    if (state.sort !== 'name') search.set('sort', state.sort);
    if (state.dir !== 'asc') search.set('dir', state.dir);
    if (state.page > 1) search.set('page', String(state.page));
    const text = search.toString();
    // replaceState: typing is not a trail of history entries, and no hashchange re-renders the screen.
    history.replaceState(null, '', `#/views${text ? `?${text}` : ''}`);
  };

  let controller;
  async function load() {
    controller?.abort();
    controller = new AbortController();
    status.textContent = state.q ? `Searching for “${state.q}”…` : 'Loading the views…';
    problem.replaceChildren();
    try {
      state.list = await api(`/api/views${state.q ? `?q=${enc(state.q)}` : ''}`, { signal: controller.signal });
      await render();
    } catch (error) {
      if (error.name === 'AbortError') return;
      status.textContent = '';
      problem.replaceChildren(errorBox(error));
    }
  }

  /** Versions (and, after ListViews, time and tags) of the rows that need them, 50 at a time. */
  async function fill(rows) {
    const missing = rows.filter((row) => !details.has(row.id));
    const describe = state.list?.source === 'ListViews' ? '&describe=1' : '';
    for (let index = 0; index < missing.length; index += PAGE_SIZE) {
      if (missing.length > PAGE_SIZE) status.textContent = `Counting versions… ${index} of ${missing.length} views`;
      const chunk = missing.slice(index, index + PAGE_SIZE);
      const answer = await api(`/api/details?ids=${chunk.map((row) => enc(row.id)).join(',')}${describe}`);
      for (const item of answer.details) details.set(item.id, item);
    }
  }

  // Each render has a number: one that finishes after a newer one started (a slow page of version
  // counts, then a keystroke) or after the screen was left draws nothing and leaves the address alone.
  let renders = 0;
  async function render() {
    const generation = ++renders;
    const current = () => generation === renders;
    const list = state.list;
    let rows = list.views;
    const needsAll = state.sort === 'versions' || (list.source === 'ListViews' && ['lastModified', 'tags'].includes(state.sort));
    if (needsAll) await fill(rows);
    if (!current()) return;
    const factor = state.dir === 'asc' ? 1 : -1;
    rows = [...rows].sort((a, b) => factor * compareValues(rowValue(a, state.sort), rowValue(b, state.sort)));
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages);
    const visible = rows.slice((state.page - 1) * PAGE_SIZE, state.page * PAGE_SIZE);
    keepInAddress();
    drawTable(visible, rows.length, pages);
    try {
      await fill(visible);
      if (current()) drawTable(visible, rows.length, pages);
    } catch (error) {
      if (current()) problem.replaceChildren(errorBox(error));
    }
  }

  function drawTable(visible, total, pages) {
    const list = state.list;
    const found = `${total} view${total === 1 ? '' : 's'}${state.q ? ` matching “${state.q}”` : ''}`;
    status.textContent = `${found}${list.source === 'ListViews' ? ' — filtered by the studio' : ''}.`;
    if (list.note) status.title = list.note;
    const head = h(
      'tr',
      {},
      ...COLUMNS.map(([key, text]) => {
        const sorted = state.sort === key;
        return h(
          'th',
          { scope: 'col', 'aria-sort': sorted ? (state.dir === 'asc' ? 'ascending' : 'descending') : 'none' },
          h(
            'button',
            {
              type: 'button',
              class: 'sort',
              onclick: () => {
                state.dir = sorted && state.dir === 'asc' ? 'desc' : 'asc';
                state.sort = key;
                render().catch((error) => problem.replaceChildren(errorBox(error)));
              },
            },
            text,
            h('span', { 'aria-hidden': 'true' }, sorted ? (state.dir === 'asc' ? ' ▲' : ' ▼') : ''),
          ),
        );
      }),
    );
    const body = visible.map((row) => {
      const extra = details.get(row.id);
      const versions = extra?.error ? h('span', { class: 'error-text', title: extra.error }, 'unreadable') : (extra?.versions ?? '…');
      return h(
        'tr',
        {},
        h('th', { scope: 'row' }, h('a', { href: `#/views/${enc(row.id)}` }, row.name)),
        h('td', {}, rowValue(row, 'status') ?? ''),
        h('td', { class: 'description' }, row.description ?? ''),
        h('td', {}, row.type === 'AWS_MANAGED' ? 'AWS managed' : row.type === 'CUSTOMER_MANAGED' ? 'Customer managed' : (row.type ?? '')),
        h('td', {}, when(rowValue(row, 'lastModified'))),
        h('td', { class: 'number' }, String(versions)),
        h('td', {}, tagList(rowValue(row, 'tags'))),
      );
    });
    table.replaceChildren(
      total === 0
        ? h('p', {}, state.q ? 'No view matches this filter.' : 'This instance has no views.')
        : h('table', { class: 'views' }, h('caption', { class: 'visually-hidden' }, found), h('thead', {}, head), h('tbody', {}, body)),
    );
    const go = (page) => () => {
      state.page = page;
      render().catch((error) => problem.replaceChildren(errorBox(error)));
    };
    pager.replaceChildren(
      ...(pages > 1
        ? [
            h('button', { type: 'button', onclick: go(state.page - 1), disabled: state.page <= 1 }, '← Previous'),
            h('span', {}, ` Page ${state.page} of ${pages} `),
            h('button', { type: 'button', onclick: go(state.page + 1), disabled: state.page >= pages }, 'Next →'),
          ]
        : []),
    );
  }

  let timer;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      state.q = input.value.trim();
      state.page = 1;
      void load();
    }, 250);
  });
  const slash = (event) => {
    if (event.key === '/' && document.activeElement !== input && !(event.target instanceof HTMLInputElement)) {
      event.preventDefault();
      input.focus();
    }
  };
  document.addEventListener('keydown', slash);
  leaving = () => {
    clearTimeout(timer);
    controller?.abort();
    renders++;
    document.removeEventListener('keydown', slash);
  };
  void load();
}

// ---- A view: $LATEST and $SAVED, the timeline, the content, lint findings, and the writes. ----

/** A JSON value as nested <details>: a large template opens level by level, its deep parts built only when opened. */
function tree(value, name, depth = 0) {
  if (value === null || typeof value !== 'object') {
    return h(
      'li',
      {},
      h('span', { class: 'key' }, name),
      ': ',
      h('span', { class: `json-${value === null ? 'null' : typeof value}` }, JSON.stringify(value)),
    );
  }
  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value);
  const summary = h(
    'summary',
    {},
    h('span', { class: 'key' }, name),
    h('span', { class: 'muted' }, Array.isArray(value) ? ` [${entries.length}]` : ` {${entries.length}}`),
  );
  const list = h('ul', { class: 'tree' });
  const node = h('details', { open: depth < 2 }, summary, list);
  const build = () => {
    if (list.childElementCount === 0) list.append(...entries.map(([key, child]) => h('li', {}, tree(child, key, depth + 1))));
  };
  if (depth < 2) build();
  else node.addEventListener('toggle', build, { once: true });
  return node;
}

function contentPanel(state) {
  const template =
    state.template !== undefined
      ? h('ul', { class: 'tree root' }, h('li', {}, tree(state.template, 'Template')))
      : h('pre', { class: 'text' }, state.templateText ?? '(no template)');
  return h(
    'div',
    { class: 'content' },
    h('h3', {}, 'Template'),
    template,
    h('h3', {}, 'Actions'),
    state.actions.length ? h('ul', { class: 'actions' }, ...state.actions.map((action) => h('li', {}, action))) : h('p', {}, 'None.'),
    h('h3', {}, 'InputSchema'),
    state.inputSchema !== undefined
      ? h('ul', { class: 'tree root' }, h('li', {}, tree(state.inputSchema, 'InputSchema')))
      : h('p', {}, 'None given.'),
  );
}

const dialog = document.getElementById('confirm');
// Cancel is not a submit button: Enter in the description field must confirm, not cancel.
document.getElementById('confirm-cancel').addEventListener('click', () => dialog.close('cancel'));

/** A confirmation in a modal <dialog> (Esc cancels); resolves to the description typed, or false. */
function confirmAction({ title, text, ok, askDescription = false }) {
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = ok;
  const field = document.getElementById('confirm-field');
  const input = document.getElementById('confirm-input');
  field.hidden = !askDescription;
  input.value = '';
  dialog.returnValue = '';
  dialog.showModal();
  (askDescription ? input : document.getElementById('confirm-ok')).focus();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok' ? input.value.trim() : false), { once: true });
  });
}

async function viewScreen(id) {
  setCrumbs({ text: 'Views', href: '#/views' }, { text: id });
  main.replaceChildren(h('p', { role: 'status' }, 'Loading the view…'));
  const mine = screens;
  let page;
  try {
    page = await api(`/api/views/${enc(id)}`);
  } catch (error) {
    if (mine === screens) show('View not loaded', errorBox(error), h('p', {}, h('a', { href: '#/views' }, 'Back to the views')));
    return;
  }
  if (mine !== screens) return;
  const head = page.latest ?? page.saved;
  setCrumbs({ text: 'Views', href: '#/views' }, { text: head.name });
  const highest = page.versions[0]?.version;

  const mark = !page.latest
    ? h('p', { class: 'badge warn' }, 'Never published: only a draft ($SAVED) exists.')
    : page.draftDiffers
      ? h('p', { class: 'badge warn' }, 'The draft ($SAVED) differs from what is published ($LATEST).')
      : h('p', { class: 'badge ok' }, 'The draft is what is published.');

  const outcome = h('div', { class: 'outcome', role: 'status', 'aria-live': 'polite' });
  const act = actSection(id, page, outcome);

  const which = page.latest ? '$LATEST' : '$SAVED';
  const panel = h('div', {}, contentPanel(page.latest ?? page.saved));
  const picker = h(
    'fieldset',
    { class: 'picker' },
    h('legend', {}, 'Show the content of'),
    ...['$LATEST', '$SAVED'].map((alias) =>
      h(
        'label',
        {},
        h('input', {
          type: 'radio',
          name: 'alias',
          value: alias,
          checked: alias === which,
          disabled: alias === '$LATEST' ? !page.latest : !page.saved,
          onchange: () => panel.replaceChildren(contentPanel(alias === '$LATEST' ? page.latest : page.saved)),
        }),
        ` ${alias}`,
      ),
    ),
  );

  show(
    head.name,
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Id'),
      h('dd', {}, h('code', {}, head.id)),
      h('dt', {}, 'Type'),
      h('dd', {}, head.type ?? ''),
      h('dt', {}, 'Description'),
      h('dd', {}, head.description ?? '—'),
      h('dt', {}, 'Tags'),
      h('dd', {}, tagList(head.tags) || '—'),
    ),
    mark,
    h(
      'p',
      {},
      h('a', { href: `#/views/${enc(id)}/compare/${page.latest ? '$LATEST' : (highest ?? '$SAVED')}/$SAVED`, class: 'button' }, 'Compare…'),
    ),
    act,
    outcome,
    timelineSection(id, page),
    h('section', { 'aria-labelledby': 'content-title' }, h('h2', { id: 'content-title' }, 'Content'), picker, panel),
    lintSection(page.lint),
  );
}

function timelineSection(id, page) {
  const list = h('ol', { class: 'timeline' });
  const aliasItem = (alias, state) =>
    state &&
    h(
      'li',
      { class: 'alias' },
      h('strong', {}, alias),
      ` ${when(state.lastModifiedTime)} `,
      h('code', { title: state.sha }, shortSha(state.sha)),
      alias === '$SAVED' && page.draftDiffers ? h('span', { class: 'badge warn inline' }, 'differs from $LATEST') : '',
    );
  const draw = () => {
    list.replaceChildren(
      ...[aliasItem('$SAVED', page.saved), aliasItem('$LATEST', page.latest)].filter(Boolean),
      ...page.versions.map((entry, index) => {
        const previous = page.versions[index + 1]?.version;
        return h(
          'li',
          {},
          h('strong', {}, `Version ${entry.version}`),
          ` ${when(entry.time)} `,
          entry.sha ? h('code', { title: entry.sha }, shortSha(entry.sha)) : '',
          entry.description ? h('span', { class: 'description' }, ` — ${entry.description}`) : '',
          ' ',
          previous ? h('a', { href: `#/views/${enc(id)}/compare/${previous}/${entry.version}` }, `changes since ${previous}`) : '',
          page.latest ? [' · ', h('a', { href: `#/views/${enc(id)}/compare/${entry.version}/$LATEST` }, 'compare with $LATEST')] : '',
        );
      }),
    );
  };
  draw();
  const missing = () => page.versions.filter((entry) => !entry.sha).map((entry) => entry.version);
  const more = h('button', { type: 'button' }, 'Show time and sha of older versions');
  const problem = h('div');
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const answer = await api(`/api/views/${enc(id)}/timeline?versions=${missing().slice(0, 50).join(',')}`);
      const byNumber = new Map(answer.versions.map((entry) => [entry.version, entry]));
      page.versions = page.versions.map((entry) => byNumber.get(entry.version) ?? entry);
      draw();
      more.hidden = missing().length === 0;
    } catch (error) {
      problem.replaceChildren(errorBox(error));
    } finally {
      more.disabled = false;
    }
  });
  more.hidden = missing().length === 0;
  return h(
    'section',
    { 'aria-labelledby': 'timeline-title' },
    h('h2', { id: 'timeline-title' }, 'Versions'),
    page.versions.length === 0 ? h('p', {}, 'No version has been cut yet.') : '',
    list,
    more,
    problem,
  );
}

function lintSection(findings) {
  const rows = findings.map((finding) =>
    h(
      'tr',
      {},
      h('td', {}, h('span', { class: `badge ${finding.severity === 'error' ? 'bad' : 'warn'} inline` }, finding.severity)),
      h('td', {}, h('code', {}, finding.rule)),
      h('td', {}, h('code', {}, finding.pointer || '/')),
      h('td', {}, finding.message),
    ),
  );
  return h(
    'section',
    { 'aria-labelledby': 'lint-title' },
    h('h2', { id: 'lint-title' }, `Lint findings (${findings.length})`),
    findings.length === 0
      ? h('p', {}, 'No findings: connect-views lint has nothing to say about this view.')
      : h(
          'table',
          { class: 'lint' },
          h('thead', {}, h('tr', {}, ...['Severity', 'Rule', 'Where', 'Why'].map((text) => h('th', { scope: 'col' }, text)))),
          h('tbody', {}, rows),
        ),
  );
}

/** The three writes, each confirmed, each sending the sha this page loaded: the server refuses if it moved. */
function actSection(id, page, outcome) {
  const run = async (button, path, body, done) => {
    button.disabled = true;
    outcome.replaceChildren(h('p', {}, 'Working…'));
    try {
      const answer = await api(`/api/views/${enc(id)}/${path}`, { method: 'POST', body });
      outcome.replaceChildren(
        h('p', { class: 'badge ok' }, done(answer)),
        h('button', { type: 'button', onclick: () => viewScreen(id) }, 'Reload the view'),
      );
    } catch (error) {
      outcome.replaceChildren(
        h('p', { class: 'error', role: 'alert' }, error.message),
        error.status === 409 ? h('button', { type: 'button', onclick: () => viewScreen(id) }, 'Reload the view') : '',
      );
    } finally {
      button.disabled = false;
    }
  };

  const publish = h('button', { type: 'button', disabled: !page.saved || (page.latest && !page.draftDiffers) }, 'Publish the draft…');
  publish.addEventListener('click', async () => {
    const yes = await confirmAction({
      title: 'Publish the draft?',
      text: `$SAVED (${shortSha(page.saved.sha)}) becomes $LATEST, what flows show. No version is cut.`,
      ok: 'Publish',
    });
    if (yes !== false)
      await run(publish, 'publish', { expectedSha: page.saved.sha }, (a) => `Published: $LATEST is now ${shortSha(a.sha)}.`);
  });

  const cut = h('button', { type: 'button', disabled: !page.latest }, 'Cut a version…');
  cut.addEventListener('click', async () => {
    const description = await confirmAction({
      title: 'Cut a version of $LATEST?',
      text: `$LATEST (${shortSha(page.latest.sha)}) becomes an immutable numbered version.`,
      ok: 'Cut the version',
      askDescription: true,
    });
    if (description !== false) {
      await run(cut, 'versions', { expectedSha: page.latest.sha, description }, (a) =>
        a.created ? `Version ${a.version} cut.` : `$LATEST already is version ${a.version}: nothing to cut.`,
      );
    }
  });

  const select = h(
    'select',
    { id: 'rollback-to', disabled: page.versions.length === 0 },
    ...page.versions.map((entry) => h('option', { value: String(entry.version) }, `version ${entry.version}`)),
  );
  const rollback = h('button', { type: 'button', disabled: page.versions.length === 0 || !page.saved }, 'Roll back…');
  rollback.addEventListener('click', async () => {
    const to = Number(select.value);
    // Publishing replaces $SAVED and $LATEST: what no version holds would be lost for good.
    const lost = page.unversioned.map((kind) =>
      kind === 'draft'
        ? `the unpublished draft ($SAVED ${shortSha(page.saved.sha)})`
        : `the published content ($LATEST), which no version holds`,
    );
    const discardUnversioned = lost.length > 0;
    const lostWarning = discardUnversioned ? ` This replaces ${lost.join(' and ')}: it is lost.` : '';
    const yes = await confirmAction({
      title: `Roll back to version ${to}?`,
      text:
        `Version ${to}'s content is published again and cut as a new version ("Rollback to version ${to}"). ` +
        `History is kept.${lostWarning}`,
      ok: discardUnversioned ? 'Discard it and roll back' : 'Roll back',
    });
    if (yes !== false) {
      await run(
        rollback,
        'rollback',
        { to, expectedSha: page.saved.sha, discardUnversioned: page.unversioned },
        (a) => `Rolled back: version ${a.version} holds version ${a.from}'s content.`,
      );
    }
  });

  return h(
    'section',
    { 'aria-labelledby': 'act-title', class: 'act' },
    h('h2', { id: 'act-title' }, 'Act'),
    h('div', { class: 'act-row' }, publish, cut, h('span', {}, h('label', { for: 'rollback-to' }, 'to '), select), rollback),
  );
}

// ---- Compare: two states side by side, the structural diff highlighted by JSON path. ----

/** What is compared, keyed as the diff's JSON pointers are (`/template/…`, `/actions/0`, `/name`). */
function subjectOf(state, withSchema) {
  const subject = { name: state.name };
  if (state.description !== undefined) subject.description = state.description;
  subject.actions = state.actions;
  if (state.template !== undefined) subject.template = state.template;
  if (state.templateText !== undefined) subject.templateText = state.templateText;
  if (withSchema && state.inputSchema !== undefined) subject.inputSchema = state.inputSchema;
  subject.tags = state.tags;
  return subject;
}

const pointerSegment = (key) => String(key).replaceAll('~', '~0').replaceAll('/', '~1');

/** Pretty JSON as lines, each knowing the pointer of the member it shows. */
function jsonLines(value, pointer = '', key = undefined, indent = 0, last = true, lines = []) {
  const prefix = `${'  '.repeat(indent)}${key === undefined ? '' : `${JSON.stringify(key)}: `}`;
  const comma = last ? '' : ',';
  if (value === null || typeof value !== 'object') {
    lines.push({ text: `${prefix}${JSON.stringify(value)}${comma}`, pointer });
    return lines;
  }
  const isArray = Array.isArray(value);
  const entries = isArray ? value.map((item, index) => [index, item]) : Object.entries(value);
  if (entries.length === 0) {
    lines.push({ text: `${prefix}${isArray ? '[]' : '{}'}${comma}`, pointer });
    return lines;
  }
  lines.push({ text: `${prefix}${isArray ? '[' : '{'}`, pointer });
  for (const [index, [childKey, child]] of entries.entries()) {
    const childPointer = `${pointer}/${pointerSegment(childKey)}`;
    jsonLines(child, childPointer, isArray ? undefined : childKey, indent + 1, index === entries.length - 1, lines);
  }
  lines.push({ text: `${'  '.repeat(indent)}${isArray ? ']' : '}'}${comma}`, pointer });
  return lines;
}

function kindOf(pointer, entries) {
  for (const entry of entries) if (pointer === entry.path || pointer.startsWith(`${entry.path}/`)) return entry.kind;
  return undefined;
}

function sidePanel(title, subject, entries) {
  const lines = jsonLines(subject).map((line) => {
    const kind = kindOf(line.pointer, entries);
    return h(
      'span',
      { class: `line${kind ? ` ${kind}` : ''}` },
      kind ? h('span', { class: 'visually-hidden' }, `${kind}: `) : '',
      line.text,
      '\n',
    );
  });
  return h('section', { class: 'side', 'aria-label': title }, h('h2', {}, title), h('pre', { class: 'json' }, lines));
}

async function compareScreen(id, a, b) {
  setCrumbs({ text: 'Views', href: '#/views' }, { text: id, href: `#/views/${enc(id)}` }, { text: 'Compare' });
  main.replaceChildren(h('p', { role: 'status' }, 'Comparing…'));
  const mine = screens;
  let answer;
  try {
    answer = await api(`/api/views/${enc(id)}/compare?a=${enc(a)}&b=${enc(b)}`);
  } catch (error) {
    if (mine === screens) show('Compare', errorBox(error), h('p', {}, h('a', { href: `#/views/${enc(id)}` }, 'Back to the view')));
    return;
  }
  if (mine !== screens) return;
  setCrumbs({ text: 'Views', href: '#/views' }, { text: answer.a.name, href: `#/views/${enc(id)}` }, { text: 'Compare' });
  const choices = ['$LATEST', '$SAVED', ...answer.versions.map(String)];
  const selector = (name, text, current) =>
    h(
      'span',
      {},
      h('label', { for: `compare-${name}` }, text),
      ' ',
      h(
        'select',
        {
          id: `compare-${name}`,
          onchange: (event) => {
            const next = { a, b, [name]: event.target.value };
            location.hash = `#/views/${enc(id)}/compare/${next.a}/${next.b}`;
          },
        },
        ...choices.map((choice) => h('option', { value: choice, selected: choice === String(current) }, label(choice))),
      ),
    );
  const counts = { added: 0, removed: 0, changed: 0 };
  for (const entry of answer.diff) counts[entry.kind]++;
  const many = `${answer.diff.length} difference${answer.diff.length === 1 ? '' : 's'}`;
  const summary =
    answer.diff.length === 0 ? 'No difference.' : `${many}: ${counts.added} added, ${counts.removed} removed, ${counts.changed} changed.`;
  const show1 = (value) => (value === undefined ? '' : JSON.stringify(value));
  const list = h(
    'ol',
    { class: 'diff' },
    ...answer.diff.map((entry) =>
      h(
        'li',
        { class: entry.kind },
        h('span', { class: 'kind' }, entry.kind),
        ' ',
        h('code', {}, entry.path),
        entry.kind === 'changed'
          ? [' ', h('code', { class: 'before' }, show1(entry.before)), ' → ', h('code', { class: 'after' }, show1(entry.after))]
          : [' ', h('code', {}, show1(entry.kind === 'added' ? entry.after : entry.before))],
      ),
    ),
  );
  const withSchema = answer.a.inputSchema !== undefined && answer.b.inputSchema !== undefined;
  const left = answer.diff.filter((entry) => entry.kind !== 'added');
  const right = answer.diff.filter((entry) => entry.kind !== 'removed');
  show(
    `Compare ${label(a)} with ${label(b)}`,
    h('p', { class: 'selectors' }, selector('a', 'Left', a), ' ', selector('b', 'Right', b)),
    h('p', { role: 'status' }, summary),
    list,
    h(
      'div',
      { class: 'sides' },
      sidePanel(`Left: ${label(a)} (${shortSha(answer.a.sha)})`, subjectOf(answer.a, withSchema), left),
      sidePanel(`Right: ${label(b)} (${shortSha(answer.b.sha)})`, subjectOf(answer.b, withSchema), right),
    ),
  );
}

/**
 * Takes a token from the address's fragment and keeps it once the studio accepts it: a link that
 * carries a wrong one (from a stale address, or another page) does not replace the good one. Runs
 * at load and on every change of the fragment: pasting a new address into a tab already on the
 * studio changes only the fragment, and loads no new document.
 */
let adoptions = 0;

async function adoptToken() {
  const given = /^#token=([A-Za-z0-9_-]+)/.exec(location.hash)?.[1];
  if (!given) return;
  history.replaceState(null, '', `${location.pathname}#/views`);
  // Checked on this one request alone: no other request goes out with a token the studio has not
  // accepted, and an answer that comes after a newer address was pasted changes nothing.
  const mine = ++adoptions;
  try {
    await api('/api/session', { as: given });
    if (mine !== adoptions) return;
    token = given;
    localStorage.setItem(TOKEN_KEY, given);
  } catch {
    // A wrong or stale token: the one kept stays.
  }
}

window.addEventListener('hashchange', async () => {
  await adoptToken();
  route();
});

adoptToken().then(route);
