import { describe, expect, it } from 'vitest';
import { fillTemplate } from './templates.ts';

const contact = { name: 'Grace Brewster Hopper', email: 'grace@navy.mil', phone: null, attributes: { plan: 'Gold', 'order-id': 'A-17' } };

describe('fillTemplate (seed 004 canned message variables)', () => {
  it.each([
    ['Hi {{first_name}}, thanks! I am {{agent_name}}.', 'Hi Grace, thanks! I am Ada Admin.'],
    ['{{ first_name }} {{last_name}} <{{email}}>', 'Grace Hopper <grace@navy.mil>'],
    ['Your plan: {{attr.plan}}, order {{attr.order-id}}', 'Your plan: Gold, order A-17'],
    ['Missing: [{{attr.nope}}] [{{phone}}] [{{unknown}}]', 'Missing: [] [] []'],
    ['No variables', 'No variables'],
  ])('%s', (body, expected) => {
    expect(fillTemplate(body, { contact, agentName: 'Ada Admin' })).toBe(expected);
  });

  it('works without a contact', () => {
    expect(fillTemplate('Hi {{first_name}}', { contact: null, agentName: 'A' })).toBe('Hi ');
  });
});
