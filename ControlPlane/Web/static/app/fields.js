// Custom fields (defined by admins at /admin/fields): a ticket's, in the ticket view, and a contact's, in the
// customer sidebar. Each is saved on its own; a refused value shows the server's reason next to the field.
import { api, can, el, announce } from './api.js';

// One field's control with its error line; `save(value)` resolves or throws the server's problem.
function fieldControl(field, value, prefix, editable, save) {
  const errorID = `${prefix}-error-${field.key}`;
  const error = el('span', { class: 'field-error', id: errorID, role: 'alert' });
  const submit = async (raw) => {
    let parsed = raw;
    if (field.type === 'number') parsed = raw === '' ? null : Number(raw);
    if (raw === '' && field.type !== 'boolean') parsed = null;
    try {
      await save(parsed);
      error.textContent = '';
      announce(`${field.label} saved`);
    } catch (failure) {
      error.textContent = failure.message;
    }
  };
  let input;
  const id = `${prefix}-${field.key}`;
  if (field.type === 'boolean') {
    input = el('input', { type: 'checkbox', id, checked: value === true, disabled: !editable, onchange: (event) => submit(event.target.checked) });
  } else if (field.type === 'select') {
    input = el('select', { id, disabled: !editable, 'aria-describedby': errorID, onchange: (event) => submit(event.target.value) }, el('option', { value: '' }, '—'),
      field.options.map((option) => el('option', { value: option, selected: option === value }, option)));
  } else {
    input = el('input', { id, type: field.type === 'number' ? 'number' : field.type === 'date' ? 'date' : 'text', value: value ?? '',
      disabled: !editable, required: field.required, 'aria-describedby': errorID, onchange: (event) => submit(event.target.value) });
  }
  return el('label', { class: 'action field' }, el('span', {}, field.label, field.required ? ' *' : ''), input, error);
}

export function fieldsView(ticketID, ticket, fields, onSaved) {
  if (!fields.length) return null;
  const editable = can('tickets.reply');
  return el('div', { class: 'fields', id: 'custom-fields' }, fields.map((field) => fieldControl(field, ticket.custom_fields?.[field.key], 'field', editable,
    async (value) => onSaved(await api('PATCH', `/api/v1/tickets/${ticketID}`, { custom_fields: { [field.key]: value } })))));
}

// The contact's custom fields, written to its attributes with `PATCH /api/v1/contacts/{id}`.
export function contactFieldsView(contact, fields, onSaved) {
  if (!fields.length) return null;
  const editable = can('tickets.reply');
  return el('div', { class: 'fields contact-fields', id: 'contact-fields' }, fields.map((field) => fieldControl(field, contact.attributes?.[field.key],
    'contact-field', editable, async (value) => onSaved?.(await api('PATCH', `/api/v1/contacts/${contact.id}`, { attributes: { [field.key]: value } })))));
}
