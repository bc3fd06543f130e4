// A ticket's custom fields (defined by admins at /admin/fields), saved one at a time; a refused value shows the
// server's reason next to the field.
import { api, can, el, announce } from './api.js';

export function fieldsView(ticketID, ticket, fields, onSaved) {
  if (!fields.length) return null;
  const editable = can('tickets.reply');
  return el('div', { class: 'fields', id: 'custom-fields' }, fields.map((field) => {
    const value = ticket.custom_fields?.[field.key];
    const error = el('span', { class: 'field-error', id: `field-error-${field.key}`, role: 'alert' });
    const save = async (raw) => {
      let parsed = raw;
      if (field.type === 'number') parsed = raw === '' ? null : Number(raw);
      if (raw === '' && field.type !== 'boolean') parsed = null;
      try {
        const updated = await api('PATCH', `/api/v1/tickets/${ticketID}`, { custom_fields: { [field.key]: parsed } });
        error.textContent = '';
        announce(`${field.label} saved`);
        onSaved(updated);
      } catch (failure) {
        error.textContent = failure.message;
      }
    };
    let input;
    const id = `field-${field.key}`;
    if (field.type === 'boolean') {
      input = el('input', { type: 'checkbox', id, checked: value === true, disabled: !editable, onchange: (event) => save(event.target.checked) });
    } else if (field.type === 'select') {
      input = el('select', { id, disabled: !editable, onchange: (event) => save(event.target.value) }, el('option', { value: '' }, '—'),
        field.options.map((option) => el('option', { value: option, selected: option === value }, option)));
    } else {
      input = el('input', { id, type: field.type === 'number' ? 'number' : field.type === 'date' ? 'date' : 'text', value: value ?? '',
        disabled: !editable, required: field.required, 'aria-describedby': `field-error-${field.key}`, onchange: (event) => save(event.target.value) });
    }
    return el('label', { class: 'action field' }, el('span', {}, field.label, field.required ? ' *' : ''), input, error);
  }));
}
