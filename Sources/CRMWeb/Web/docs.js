// Renders /openapi.json as a readable reference (GET /docs). Text only: nothing from the document is parsed as HTML.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value !== undefined && value !== null) node.setAttribute(key, String(value));
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function schemaText(schema) {
    if (!schema) return '';
    if (schema.$ref) return schema.$ref.split('/').pop();
    if (schema.type === 'array') return '[' + schemaText(schema.items) + ']';
    const parts = [Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type || ''];
    if (schema.enum) parts.push('one of ' + schema.enum.map((v) => JSON.stringify(v)).join(', '));
    if (schema.format) parts.push('format ' + schema.format);
    if (schema.minimum !== undefined) parts.push('≥ ' + schema.minimum);
    if (schema.maximum !== undefined) parts.push('≤ ' + schema.maximum);
    if (schema.minLength !== undefined) parts.push('min length ' + schema.minLength);
    if (schema.maxLength !== undefined) parts.push('max length ' + schema.maxLength);
    if (schema.pattern) parts.push('pattern ' + schema.pattern);
    if (schema.oneOf || schema.anyOf) parts.push((schema.oneOf || schema.anyOf).map(schemaText).join(' | '));
    return parts.filter((p) => p).join(', ');
  }

  function table(headings, rows) {
    return el('div', { class: 'table-wrap' }, el('table', {},
      el('thead', {}, el('tr', {}, headings.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows.map((row) => el('tr', {}, row.map((cell) => el('td', {}, cell)))))));
  }

  function operation(path, method, op) {
    const id = (method + path).replace(/[^A-Za-z0-9]+/g, '-');
    const section = el('section', { id, class: 'detail' },
      el('h3', {}, el('code', {}, method.toUpperCase() + ' ' + path)), el('p', {}, op.summary || ''));
    const secured = !op.security || op.security.length > 0;
    section.append(el('p', { class: 'meta' }, secured ? 'Needs Authorization: Bearer TOKEN' + (op.description ? '. ' + op.description : '')
      : 'No token needed' + (op.description ? '. ' + op.description : '')));
    if (op.parameters && op.parameters.length) {
      section.append(el('h4', {}, 'Parameters'), table(['Name', 'In', 'Schema', 'Description'],
        op.parameters.map((p) => [p.name, p.in, schemaText(p.schema), p.description || ''])));
    }
    const body = op.requestBody && op.requestBody.content && op.requestBody.content['application/json'];
    if (body) section.append(el('h4', {}, 'Body'), el('p', {}, schemaText(body.schema)));
    const responses = Object.entries(op.responses || {}).map(([status, response]) => {
      const content = response.content && response.content['application/json'];
      const headers = Object.keys(response.headers || {}).join(', ');
      return [status, response.description || '', content ? schemaText(content.schema) : '', headers];
    });
    section.append(el('h4', {}, 'Responses'), table(['Status', 'Meaning', 'Body', 'Headers'], responses));
    return { id, section };
  }

  function schemaSection(name, schema) {
    const required = new Set(schema.required || []);
    const rows = Object.entries(schema.properties || {}).map(([field, s]) =>
      [field, schemaText(s), required.has(field) ? 'yes' : '', s.description || '']);
    return el('section', { id: 'schema-' + name },
      el('h3', {}, name), schema.description ? el('p', {}, schema.description) : null,
      rows.length ? table(['Field', 'Schema', 'Required', 'Description'], rows) : el('p', {}, schemaText(schema)));
  }

  async function render() {
    const response = await fetch('/openapi.json', { cache: 'no-store' });
    const doc = await response.json();
    $('docs-intro').textContent = `${doc.info.title} ${doc.info.version} (OpenAPI ${doc.openapi}). ${doc.info.description || ''}`;
    const index = el('ul', {});
    const routes = $('docs-routes');
    for (const path of Object.keys(doc.paths).sort()) {
      for (const [method, op] of Object.entries(doc.paths[path])) {
        const { id, section } = operation(path, method, op);
        routes.append(section);
        index.append(el('li', {}, el('a', { href: '#' + id }, method.toUpperCase() + ' ' + path), ' — ' + (op.summary || '')));
      }
    }
    $('docs-index').append(index);
    const schemas = (doc.components && doc.components.schemas) || {};
    for (const name of Object.keys(schemas).sort()) $('docs-schemas').append(schemaSection(name, schemas[name]));
  }

  render().catch((error) => {
    $('docs-intro').textContent = 'Could not load /openapi.json: ' + error.message;
  });
})();
